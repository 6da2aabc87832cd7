/**
 * Local inputs are read safely and checked before the first upload (core/local-files.ts,
 * core/transfer.ts): a symbolic link out of a published directory or glob base is refused unless
 * followSymlinks asks for it, links inside are followed once and a cycle neither hangs nor
 * duplicates; only regular files are published (a FIFO, socket or device named is an error, one
 * found by a walk is listed as skipped, none is read); every directory is read and every file
 * opened before anything is sent; a file that changes after the plan fails at once, not after the
 * network retries. Over real HTTP against `relpack serve`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile, chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineReporter } from '../../src/core/progress.js';
import { publish } from '../../src/operations/publish.js';
import { packageFiles } from '../helpers/gitlab.js';
import { cli, gitlabEnv, ROOT, runProcess, serve, tempDir, writeTree, type CliRun } from '../helpers/harness.js';
import type { RunningServer } from '../../src/server/index.js';

const sent = (server: { lines: string[] }) => server.lines.filter((line) => line.startsWith('PUT '));
const stored = async (server: RunningServer, version = '1.0.0') =>
  (await packageFiles(server, server.tokens.maintainer!, 'app', version)).map((row) => decodeURIComponent(row.file_name)).sort();

/** Runs the publish operation in this process, as the shells do, with the options no flag has yet. */
async function publishWith(server: RunningServer, cwd: string, files: string[], extra: { followSymlinks?: boolean }): Promise<{ result?: Awaited<ReturnType<typeof publish>>; error?: Error; log: string[] }> {
  const log: string[] = [];
  const ctx = { env: { PATH: process.env.PATH }, cwd, reporter: lineReporter((line) => log.push(line), (line) => log.push(`warning: ${line}`)), addSecret: () => {}, userAgent: 'relpack-test' };
  try {
    const result = await publish(ctx, {
      connection: { url: server.url, project: '1', token: server.tokens.maintainer },
      name: 'app',
      version: '1.0.0',
      files,
      ifExists: 'skip',
      concurrency: 4,
      checksums: 'SHA256SUMS',
      hidden: false,
      includeHidden: false,
      dryRun: false,
      ...extra,
    });
    return { result, log };
  } catch (error) {
    return { error: error as Error, log };
  }
}

test('publish: a link out of a published directory or glob base is refused (exit 2, link and target named) and nothing is sent', { timeout: 60_000 }, async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'dist/app': 'binary', 'outside/secret': 'not for the registry', 'outside/dir/more': 'nor this' });
  await symlink('../outside/secret', join(work, 'dist/host'));
  await symlink('../outside/dir', join(work, 'dist/more'));
  const env = gitlabEnv(server, server.tokens.maintainer);

  const walked = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(walked.code, 2, walked.stderr);
  assert.match(walked.stderr, /dist\/host is a symbolic link to \.\.\/outside\/secret \(.*\/outside\/secret\), outside what is published/);
  assert.match(walked.stderr, /dist\/more is a symbolic link to \.\.\/outside\/dir \(.*\/outside\/dir\), outside what is published/);
  assert.match(walked.stderr, /--follow-symlinks/);
  assert.deepEqual(server.lines, [], 'not a single request was sent');

  const globbed = await cli(['publish', 'dist/**', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(globbed.code, 2, globbed.stderr);
  assert.equal(JSON.parse(globbed.stdout).errors[0].code, 'UNSAFE_PATH');
  assert.match(globbed.stderr, /dist\/host is a symbolic link to \.\.\/outside\/secret/);
  assert.deepEqual(server.lines, []);

  // Named by the user, a link is taken as asked; and followSymlinks publishes what the links point to.
  const named = await cli(['publish', 'dist/host', '--name', 'app', '--version', '0.9.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(named.code, 0, named.stderr);
  const followed = await publishWith(server, work, ['dist'], { followSymlinks: true });
  assert.equal(followed.error, undefined, followed.log.join('\n'));
  assert.deepEqual(await stored(server), ['SHA256SUMS', 'app', 'host', 'more/more']);
});

test('publish: links inside the directory are followed once; a link back up is skipped and listed, not walked for ever', { timeout: 60_000 }, async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'dist/app': 'binary', 'dist/sub/lib.so': 'library' });
  await symlink('app', join(work, 'dist/alias'));
  await symlink('sub', join(work, 'dist/current'));
  await symlink('..', join(work, 'dist/sub/up'));
  await symlink('.', join(work, 'dist/self'));
  const run = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--json'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(result.files.map((f: { name: string }) => f.name), ['SHA256SUMS', 'alias', 'app', 'current/lib.so', 'sub/lib.so']);
  assert.deepEqual(result.leftOut, [
    { path: 'dist/current/up', files: 1, reason: 'link cycle' },
    { path: 'dist/self', files: 1, reason: 'link cycle' },
    { path: 'dist/sub/up', files: 1, reason: 'link cycle' },
  ]);
  assert.match(run.stderr, /skipped 3 entries that are not a regular file: dist\/current\/up \(link cycle\), dist\/self \(link cycle\), dist\/sub\/up \(link cycle\)/);
  assert.deepEqual(await stored(server), ['SHA256SUMS', 'alias', 'app', 'current/lib.so', 'sub/lib.so']);
});

test('publish: a FIFO, a socket or a device named is an error (exit 2), and none is opened', { timeout: 60_000 }, async (t) => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'app.bin': 'binary' });
  assert.equal(spawnSync('mkfifo', [join(work, 'pipe')]).status, 0);
  await symlink('/dev/zero', join(work, 'zero'));
  const socket = createServer().listen(join(work, 'sock'));
  t.after(() => socket.close());
  await new Promise((resolve) => socket.once('listening', resolve));
  const env = gitlabEnv(server, server.tokens.maintainer);
  for (const [input, kind] of [['pipe', 'FIFO'], ['zero', 'character device'], ['sock', 'socket']]) {
    const run = await cli(['publish', 'app.bin', input, '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`${input} is a ${kind}, not a regular file`));
    assert.match(run.stderr, /only regular files are published/);
  }
  assert.deepEqual(server.lines, [], 'not a single request was sent');
});

test('publish: FIFOs, sockets and devices found in a directory are skipped and listed in the plan and --json', { timeout: 60_000 }, async (t) => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'dist/app': 'binary' });
  assert.equal(spawnSync('mkfifo', [join(work, 'dist/pipe')]).status, 0);
  await symlink('pipe', join(work, 'dist/to-pipe'));
  const socket = createServer().listen(join(work, 'dist/sock'));
  t.after(() => socket.close());
  await new Promise((resolve) => socket.once('listening', resolve));
  const env = gitlabEnv(server, server.tokens.maintainer);

  const planned = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--dry-run'], { env, cwd: work });
  assert.equal(planned.code, 0, planned.stderr);
  assert.match(planned.stderr, /skipped 3 entries that are not a regular file: dist\/pipe \(FIFO\), dist\/sock \(socket\), dist\/to-pipe \(FIFO\)/);

  const run = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).leftOut, [
    { path: 'dist/pipe', files: 1, reason: 'FIFO' },
    { path: 'dist/sock', files: 1, reason: 'socket' },
    { path: 'dist/to-pipe', files: 1, reason: 'FIFO' },
  ]);
  assert.deepEqual(await stored(server), ['SHA256SUMS', 'app']);

  // A link to /dev/zero leads out of the directory: refused; followed on request, it is a device, skipped unread.
  await symlink('/dev/zero', join(work, 'dist/zero'));
  const refused = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.1'], { env, cwd: work });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /dist\/zero is a symbolic link to \/dev\/zero, outside what is published/);
  const followed = await publishWith(server, work, ['dist'], { followSymlinks: true });
  assert.equal(followed.error, undefined, followed.log.join('\n'));
  assert.deepEqual(followed.result!.leftOut.find((entry) => entry.path === 'dist/zero'), { path: 'dist/zero', files: 1, reason: 'character device' });
});

/**
 * The CLI as a user who may not read what root created: root reads everything, so under root the
 * run is a child process as `nobody`; otherwise in this process.
 */
async function cliWithoutRootRights(args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  if (process.getuid?.() !== 0) return cli(args, { env, cwd });
  await chmod(cwd, 0o755);
  return runProcess(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/bin.ts'), ...args], {
    cwd,
    uid: 65534,
    gid: 65534,
    env: { PATH: process.env.PATH, RELPACK_RETRY_DELAY_MS: '20', ...env },
  });
}

test('publish: an unreadable directory or file stops the publish before anything is sent (exit 2, path named)', { timeout: 120_000 }, async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'dist/app': 'binary', 'dist/locked/inner.bin': 'inner', 'files/app': 'binary', 'files/key.pem': 'key' });
  await chmod(join(work, 'dist/locked'), 0o000);
  await chmod(join(work, 'files/key.pem'), 0o000);

  const directory = await cliWithoutRootRights(['publish', 'dist', '--name', 'app', '--version', '1.0.0'], work, env);
  assert.equal(directory.code, 2, directory.stderr);
  assert.match(directory.stderr, /cannot read dist\/locked\/ \(permission denied\)/);
  assert.match(directory.stderr, /nothing was sent/);

  const file = await cliWithoutRootRights(['publish', 'files', '--name', 'app', '--version', '1.0.0'], work, env);
  assert.equal(file.code, 2, file.stderr);
  assert.match(file.stderr, /cannot read files\/key\.pem \(permission denied\)/);
  assert.deepEqual(sent(server), [], 'no upload was sent');
  await chmod(join(work, 'dist/locked'), 0o755);
});

test('publish: a file changed after the plan, before its upload, fails at once with "changed while being published"', { timeout: 60_000 }, async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'app.bin': 'version A' });
  // Hold the listing that follows the plan; the file is rewritten (same size, new mtime) meanwhile.
  const [hold] = server.faults.add({ route: 'gitlab.packages.list', kind: 'hold', times: [1] });
  const running = cli(['publish', 'app.bin', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  await server.faults.reached(hold);
  await writeFile(join(work, 'app.bin'), 'version B');
  await utimes(join(work, 'app.bin'), new Date(), new Date(Date.now() + 10_000));
  server.faults.release(hold);
  const run = await running;
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /app\.bin changed while being published: it was modified after the publish was planned/);
  assert.doesNotMatch(run.stderr, /retrying/);
  assert.deepEqual(sent(server), [], 'nothing was uploaded');
});

test('publish: a file that grows while it is being sent fails at once, and the registry stores nothing', { timeout: 120_000 }, async () => {
  const server = await serve();
  const work = await tempDir();
  const path = join(work, 'big.bin');
  await writeFile(path, Buffer.alloc(32 * 1024 * 1024, 7));
  // The upload waits at the server with most of the file still unread (the socket's buffers hold a
  // few MiB), while the build appends to it.
  const [hold] = server.faults.add({ route: 'gitlab.upload', kind: 'hold', times: [1] });
  const running = cli(['publish', 'big.bin', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  await server.faults.reached(hold);
  await appendFile(path, 'more bytes');
  server.faults.release(hold);
  const run = await running;
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /big\.bin changed while being published: it had 33554432 bytes when planned and has 33554442 now/);
  assert.doesNotMatch(run.stderr, /retrying/, 'a changed file is not a network failure');
  assert.equal(server.faults.fired(hold).length, 1, 'one upload attempt');
  assert.deepEqual(await packageFiles(server, server.tokens.maintainer!, 'app', '1.0.0').catch(() => []), [], 'nothing stored');
});

test('publish: a directory that vanished or holds only skipped entries says so', async () => {
  const server = await serve();
  const work = await tempDir();
  await mkdir(join(work, 'dist'));
  assert.equal(spawnSync('mkfifo', [join(work, 'dist/pipe')]).status, 0);
  const run = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /"dist" matches no file that can be published \(1 not a regular file\)/);
  assert.deepEqual(server.lines, []);
});
