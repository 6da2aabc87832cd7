/**
 * publish --archive and download --extract over HTTP against `relpack serve`, through the
 * operations themselves (the CLI flags are wired separately).
 */
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { silentReporter } from '../../src/core/progress.js';
import { download, type DownloadRequest } from '../../src/operations/download.js';
import { publish, type PublishRequest } from '../../src/operations/publish.js';
import { hostileTar, hostileZip } from '../helpers/archives.js';
import { gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

type Server = Awaited<ReturnType<typeof serve>>;

const context = (server: Server, cwd: string, extra: Record<string, string> = {}) => ({
  env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_RETRY_DELAY_MS: '20', ...extra }),
  cwd,
  reporter: silentReporter,
  addSecret: () => {},
  userAgent: 'test',
});

const publishRequest = (overrides: Partial<PublishRequest>): PublishRequest => ({
  connection: {},
  name: 'app',
  version: '1.0.0',
  files: ['dist'],
  concurrency: 4,
  checksums: 'SHA256SUMS',
  hidden: false,
  includeHidden: false,
  dryRun: false,
  ifExists: 'skip',
  ...overrides,
});

const downloadRequest = (overrides: Partial<DownloadRequest>): DownloadRequest => ({
  connection: {},
  name: 'app',
  version: '1.0.0',
  files: [],
  out: 'out',
  concurrency: 4,
  verify: true,
  checksums: 'SHA256SUMS',
  ...overrides,
});

async function project(): Promise<string> {
  const root = await tempDir();
  await writeTree(root, { 'dist/bin/app': '#!/bin/sh\necho app\n', 'dist/share/readme.txt': 'read me', 'dist/.env': 'SECRET=1' });
  await chmod(join(root, 'dist/bin/app'), 0o755);
  return root;
}

/** Requests the server saw, by its log (one line per request). */
const requests = (server: Server) => server.lines.filter((line) => /^(GET|PUT|POST|DELETE|HEAD) /.test(line)).length;

for (const format of ['tar.gz', 'zip'] as const) {
  test(`publish --archive ${format}: one archive plus SHA256SUMS, the same SHA-256 from another checkout, a re-run skipped as identical`, async () => {
    const server = await serve();
    const one = await project();
    const first = await publish(context(server, one), publishRequest({ archive: format }));
    assert.deepEqual(first.files.map((file) => [file.name, file.status]).sort(), [['SHA256SUMS', 'uploaded'], [`app-1.0.0.${format}`, 'uploaded']]);
    const archive = (result: typeof first) => result.files.find((file) => file.name !== 'SHA256SUMS');
    assert.deepEqual(first.leftOut.map((left) => left.path), ['dist/.env'], 'hidden files stay out of the archive as out of a publish');

    // another checkout: other mtimes, other non-execute mode bits, created in another order
    const two = await tempDir();
    await writeTree(two, { 'dist/share/readme.txt': 'read me', 'dist/bin/app': '#!/bin/sh\necho app\n' });
    await chmod(join(two, 'dist/bin/app'), 0o700);
    await chmod(join(two, 'dist/share/readme.txt'), 0o600);
    await utimes(join(two, 'dist/share/readme.txt'), new Date('2011-11-11T11:11:11Z'), new Date('2011-11-11T11:11:11Z'));
    const again = await publish(context(server, two), publishRequest({ archive: format }));
    assert.equal(archive(again)?.sha256, archive(first)?.sha256);
    assert.match(archive(first)?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(again.files.map((file) => file.status), ['skipped', 'skipped']);
    assert.equal(again.uploaded, 0);
  });

  test(`download --extract ${format}: the archive verifies, then its tree lands in out`, async () => {
    const server = await serve();
    const root = await project();
    await publish(context(server, root), publishRequest({ archive: format, archiveName: `bundle.${format}` }));
    const result = await download(context(server, root), downloadRequest({ extract: true }));
    assert.deepEqual(result.extracted?.map((one) => [one.archive, one.files]), [[`bundle.${format}`, 2]]);
    const out = join(root, 'out');
    assert.deepEqual((await readdir(out)).sort(), ['SHA256SUMS', 'bin', `bundle.${format}`, 'share']);
    assert.equal(await readFile(join(out, 'bin/app'), 'utf8'), '#!/bin/sh\necho app\n');
    assert.equal(await readFile(join(out, 'share/readme.txt'), 'utf8'), 'read me');
  });
}

test('Gitea: publish --archive zip, a re-run skipped as identical, download --extract', async () => {
  const server = await serve();
  const root = await project();
  const gitea = { ...context(server, root), env: { RELPACK_URL: server.url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo', RELPACK_TOKEN: server.tokens.giteaOwner, RELPACK_RETRY_DELAY_MS: '20' } };
  const first = await publish(gitea, publishRequest({ archive: 'zip' }));
  assert.equal(first.uploaded, 2);
  const again = await publish(gitea, publishRequest({ archive: 'zip' }));
  assert.equal(again.uploaded, 0);
  const result = await download(gitea, downloadRequest({ extract: true }));
  assert.deepEqual(result.extracted?.map((one) => one.placed), [['bin', 'share']]);
  assert.equal(await readFile(join(root, 'out/bin/app'), 'utf8'), '#!/bin/sh\necho app\n');
});

test('an empty archive is file by file (the declared default)', async () => {
  const server = await serve();
  const result = await publish(context(server, await project()), publishRequest({ archive: '' as 'zip' }));
  assert.deepEqual(result.files.map((file) => file.name).sort(), ['SHA256SUMS', 'bin/app', 'share/readme.txt']);
});

test('SOURCE_DATE_EPOCH changes the archive; the same value gives the same SHA-256', async () => {
  const server = await serve();
  const root = await project();
  const sha = async (version: string, env: Record<string, string>) => {
    const result = await publish(context(server, root, env), publishRequest({ archive: 'tar.gz', archiveName: 'a.tar.gz', version }));
    return result.files.find((file) => file.name === 'a.tar.gz')?.sha256;
  };
  const a = await sha('1.0.0', { SOURCE_DATE_EPOCH: '1700000000' });
  assert.equal(await sha('1.0.1', { SOURCE_DATE_EPOCH: '1700000000' }), a);
  assert.notEqual(await sha('1.0.2', {}), a);
});

test('bad input is a usage error (exit 2) before any request: --archive rar, a name with a folder, a bad SOURCE_DATE_EPOCH, --extract of no archive', async () => {
  const server = await serve();
  const root = await project();
  const before = requests(server);
  const refusals: [Promise<unknown>, RegExp][] = [
    [publish(context(server, root), publishRequest({ archive: 'rar' as 'zip' })), /--archive must be tar\.gz or zip, not "rar"/],
    [publish(context(server, root), publishRequest({ archive: 'zip', archiveName: 'x/y.zip' })), /--archive-name must be a file name without folders/],
    [publish(context(server, root, { SOURCE_DATE_EPOCH: 'yesterday' }), publishRequest({ archive: 'zip' })), /SOURCE_DATE_EPOCH must be whole seconds/],
    [download(context(server, root), downloadRequest({ extract: true, files: ['app.bin'] })), /--extract needs an archive in the version/],
  ];
  for (const [run, message] of refusals) {
    await assert.rejects(run, (error: unknown) => error instanceof RelpackError && error.exitCode === 2 && message.test(error.message));
  }
  assert.equal(requests(server), before, 'no request was sent');
});

test('--extract of a whole version without an archive says so from the listing, before any file is fetched', async () => {
  const server = await serve();
  const root = await project();
  await publish(context(server, root), publishRequest({}));
  await assert.rejects(download(context(server, root), downloadRequest({ extract: true })), (error: unknown) => error instanceof RelpackError && error.exitCode === 2 && /--extract needs an archive/.test(error.message));
  assert.deepEqual(await readdir(join(root, 'out')).catch(() => []), []);
});

const hostile: [string, () => Promise<Buffer> | Buffer, string][] = [
  ['absolute path', () => hostileTar([{ path: 'ok.txt', body: 'ok' }, { path: '/tmp/relpack-evil', body: 'x' }]), 'evil.tar.gz'],
  ['.. segment', () => hostileTar([{ path: 'ok.txt', body: 'ok' }, { path: '../evil', body: 'x' }]), 'evil.tar.gz'],
  ['symlink', () => hostileTar([{ path: 'link', type: 'SymbolicLink', linkpath: '/etc' }, { path: 'link/passwd', body: 'x' }]), 'evil.tgz'],
  ['hardlink', () => hostileTar([{ path: 'ok.txt', body: 'ok' }, { path: 'h', type: 'Link', linkpath: '/etc/passwd' }]), 'evil.tar.gz'],
  ['zip .. segment', () => hostileZip('../evil'), 'evil.zip'],
  ['zip symlink', () => hostileZip('link', 0o120777), 'evil.zip'],
];

for (const [what, build, fileName] of hostile) {
  test(`download --extract refuses a hostile archive (${what}): UNSAFE_PATH, nothing of it in out`, async () => {
    const server = await serve();
    const root = await tempDir();
    await writeFile(join(root, fileName), await build());
    await publish(context(server, root), publishRequest({ files: [fileName] }));
    await assert.rejects(download(context(server, root), downloadRequest({ extract: true })), { code: 'UNSAFE_PATH' });
    assert.deepEqual((await readdir(join(root, 'out'))).sort(), ['SHA256SUMS', fileName].sort(), 'only what was downloaded');
    assert.deepEqual((await readdir(root)).sort(), [fileName, 'out'].sort(), 'no staging folder left');
  });
}
