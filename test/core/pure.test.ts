/** The pure pieces of core: manifest format, path safety, glob bases, retry timing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refuseCollisions, targetPath } from '../../src/core/download.js';
import { validateGitlabRef } from '../../src/registry/gitlab-names.js';
import { validateGiteaRef } from '../../src/registry/gitea-names.js';
import { globBase } from '../../src/core/local-files.js';
import { formatManifest, parseManifest } from '../../src/base/manifest.js';
import { backoffDelay, parseRetryAfter } from '../../src/http/retry.js';
import { redactUrl } from '../../src/http/redact.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('manifest: sha256sum format, sorted by path, parsed back (text and binary mode)', () => {
  const text = formatManifest([{ name: 'z/b.bin', sha256: B }, { name: 'a.bin', sha256: A }]);
  assert.equal(text, `${A}  a.bin\n${B}  z/b.bin\n`);
  assert.deepEqual([...parseManifest(text)], [['a.bin', A], ['z/b.bin', B]]);
  assert.deepEqual([...parseManifest(`${A.toUpperCase()} *./x.bin\r\n\n`)], [['x.bin', A]]);
  assert.throws(() => parseManifest('not a checksum line\n'), /line 1 is not in sha256sum format/);
});

test('targetPath refuses absolute, parent and empty segments, backslashes and NUL', () => {
  assert.equal(targetPath('/out', 'a/b.bin'), '/out/a/b.bin');
  for (const bad of ['/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a\\..\\b', 'C:/x', 'a\0b', '']) {
    assert.throws(() => targetPath('/out', bad), (e: Error & { code?: string }) => e.code === 'UNSAFE_PATH', bad);
  }
});

test('globBase: the literal directories before the first glob segment', () => {
  assert.equal(globBase('build/**/*.bin'), 'build');
  assert.equal(globBase('*.tar.gz'), '.');
  assert.equal(globBase('a/b/c-*.zip'), 'a/b');
  assert.equal(globBase('a/{x,y}/f'), 'a');
});

test('Retry-After: seconds or an HTTP date; backoff grows and stays within the cap', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffDelay(policy, 1, () => 0), 50);
  assert.equal(backoffDelay(policy, 3, () => 1), 400);
  assert.equal(backoffDelay(policy, 10, () => 1), 1000);
});

test('redactUrl drops user-info and credential or signature query values', () => {
  assert.equal(redactUrl('https://u:p@h/x?job_token=abc&page=2&X-Amz-Signature=s'), 'https://h/x?job_token=REDACTED&page=2&X-Amz-Signature=REDACTED');
});

test('progress: large files report bytes, rate and ETA at most every 5 s; small files stay quiet', async () => {
  const { progressTracker } = await import('../../src/core/progress.js');
  const lines: string[] = [];
  const reporter = { info() {}, warn() {}, start() {}, done() {}, progress: (_name: string, line: string) => lines.push(line) };
  let clock = 0;
  const size = 1024 * 1024 * 1024;
  const track = progressTracker(reporter, 'big.bin', size, () => clock);
  for (const [t, bytes] of [[1000, 100e6], [5000, 400e6], [6000, 450e6], [10_000, 800e6], [12_000, size]] as const) {
    clock = t;
    track(bytes);
  }
  assert.deepEqual(lines, [
    'big.bin: 381.5 MiB of 1.0 GiB (37%), 76.3 MiB/s, ETA 9s',
    'big.bin: 762.9 MiB of 1.0 GiB (75%), 76.3 MiB/s, ETA 4s',
  ]);
  const quiet: string[] = [];
  const small = progressTracker({ ...reporter, progress: (_n: string, line: string) => quiet.push(line) }, 'small.bin', 1024, () => (clock += 10_000));
  small(512);
  assert.deepEqual(quiet, []);
});

test('names that differ only in case collide on case-insensitive file systems only', () => {
  const targets = [{ name: 'A.bin', path: '/out/A.bin' }, { name: 'a.bin', path: '/out/a.bin' }];
  assert.throws(() => refuseCollisions(targets, 'darwin'), /"A\.bin" and "a\.bin" would be the same file/);
  assert.throws(() => refuseCollisions(targets, 'win32'), /case-insensitive/);
  assert.doesNotThrow(() => refuseCollisions(targets, 'linux'));
});

test('versions "." and ".." are refused: they would be URL dot-segments', () => {
  assert.throws(() => validateGitlabRef({ name: 'tool', version: '.' }), /invalid package version "\."/);
  assert.throws(() => validateGitlabRef({ name: 'tool', version: '..' }), /invalid package version/);
  assert.throws(() => validateGiteaRef({ name: 'tool', version: '.' }), /invalid package version/);
  assert.throws(() => validateGiteaRef({ name: 'tool', version: '..' }), /invalid package version/);
  assert.doesNotThrow(() => validateGitlabRef({ name: 'tool', version: '1.0' }));
});

test('HashingStream.settled waits for the flush that a fast consumer may outrun', async () => {
  const { HashingStream } = await import('../../src/base/hashing.js');
  const stream = new HashingStream();
  stream.write(Buffer.from('abc'));
  assert.equal((stream.read() as Buffer).toString(), 'abc', 'the consumer already has every byte');
  assert.equal(stream.digest(), undefined, 'but the end has not been processed yet');
  const settled = stream.settled();
  stream.end();
  stream.resume();
  assert.equal(await settled, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
