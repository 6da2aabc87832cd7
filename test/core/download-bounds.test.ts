/**
 * A download writes no more than the file can be (issue 13, point 3): the size the registry lists,
 * plus one byte to know it was exceeded; with no size listed, the maximum (RELPACK_MAX_FILE_SIZE,
 * or the download request's `maxFileSize`, 50 GiB by default). A body that never ends fails, and
 * leaves nothing behind, instead of filling the disk.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { silentReporter } from '../../src/core/progress.js';
import { download } from '../../src/operations/download.js';
import { cli, tempDir } from '../helpers/harness.js';
import { endless, fakeGitlab } from './fake-gitlab.js';

const SHA = 'a'.repeat(64);

for (const size of [100, 300 * 1024]) {
  test(`a body that never ends stops at the listed size (${size} bytes) + 1 and fails, leaving nothing`, { timeout: 30_000 }, async () => {
    const registry = await fakeGitlab([{ name: 'big.bin', size, sha256: SHA, serve: (_req, res) => endless(res) }]);
    const out = await tempDir();
    const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: registry.env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`big\\.bin: the registry sent more than the ${size} bytes it lists`));
    assert.deepEqual(await readdir(out), [], 'neither the file nor a part file stays');
    // Not retried: a registry that sends too much would send too much again.
    assert.equal(registry.requests.filter((r) => r.startsWith('GET /api/v4/projects/1/packages/generic/')).length, 1);
  });
}

test('with no size listed, RELPACK_MAX_FILE_SIZE bounds the file; the message says how to raise it', { timeout: 30_000 }, async () => {
  const registry = await fakeGitlab([{ name: 'unlisted.bin', sha256: SHA, serve: (_req, res) => endless(res) }]);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env: { ...registry.env, RELPACK_MAX_FILE_SIZE: '1MiB' } });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /unlisted\.bin is larger than 1\.0 MiB, the most relpack downloads of a file whose size the registry does not list/);
  assert.match(run.stderr, /RELPACK_MAX_FILE_SIZE/);
  assert.equal(JSON.parse(run.stdout).errors[0].code, 'TOO_LARGE');
  assert.deepEqual(await readdir(out), []);
});

test('a Content-Length beyond the maximum fails before the body is read', { timeout: 30_000 }, async () => {
  const registry = await fakeGitlab([
    {
      name: 'huge.bin',
      sha256: SHA,
      serve: (_req, res) => {
        res.writeHead(200, { 'content-length': String(4 * 1024 ** 3) });
        res.write(Buffer.alloc(1024));
      },
    },
  ]);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: { ...registry.env, RELPACK_MAX_FILE_SIZE: '1GiB' } });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /huge\.bin is larger than 1\.0 GiB/);
});

test('the download request\'s maxFileSize is the bound when given, ahead of RELPACK_MAX_FILE_SIZE', { timeout: 30_000 }, async () => {
  const registry = await fakeGitlab([{ name: 'unlisted.bin', sha256: SHA, serve: (_req, res) => endless(res) }]);
  const out = await tempDir();
  const ctx = { env: { ...registry.env, RELPACK_MAX_FILE_SIZE: '100GiB' }, cwd: out, reporter: silentReporter, addSecret: () => {}, userAgent: 'test' };
  const request = { connection: {}, name: 'app', version: '1.0.0', files: [], out, concurrency: 1, verify: true, checksums: null, maxFileSize: 512 * 1024 };
  await assert.rejects(download(ctx, request), (error: unknown) => error instanceof RelpackError && error.code === 'TOO_LARGE' && /larger than 512\.0 KiB/.test(error.message));
  assert.deepEqual(await readdir(out), []);
});

test('RELPACK_MAX_FILE_SIZE that is not a size is a usage error naming it', async () => {
  const registry = await fakeGitlab([]);
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', await tempDir()], { env: { ...registry.env, RELPACK_MAX_FILE_SIZE: 'lots' } });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /RELPACK_MAX_FILE_SIZE must be a size such as 50GiB/);
  assert.deepEqual(registry.requests, [], 'nothing was sent');
});
