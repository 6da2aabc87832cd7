/**
 * relpack download against `relpack serve` over real HTTP (issue 3, behaviour 6).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function publishTree(server: Awaited<ReturnType<typeof serve>>, files: Record<string, string | Buffer>, version = '1.0.0', extra: string[] = []) {
  const work = await writeTree(await tempDir(), Object.fromEntries(Object.entries(files).map(([k, v]) => [`pkg/${k}`, v])));
  const run = await cli(['publish', 'pkg', '--name', 'app', '--version', version, ...extra], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 0, run.stderr);
}

/** All files under dir, relative, sorted (temporary files would show up here too). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join((e as unknown as { parentPath?: string; path: string }).parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

test('download: the whole package rebuilds the tree, verified, and sha256sum -c agrees', async () => {
  const server = await serve();
  await publishTree(server, { 'bin/app': 'binary', 'share/doc/README': 'docs', 'top.txt': 'top' });
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env: gitlabEnv(server, server.tokens.developer) });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await tree(out), ['SHA256SUMS', 'bin/app', 'share/doc/README', 'top.txt']);
  assert.equal(await readFile(join(out, 'share/doc/README'), 'utf8'), 'docs');
  assert.equal(JSON.parse(run.stdout).downloaded, 4);
  execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: out });
});

test('download: named files only; a job token may download (GitLab lib/api/generic_packages.rb)', async () => {
  const server = await serve();
  await publishTree(server, { 'a.bin': 'a', 'dir/b.bin': 'b' });
  const out = await tempDir();
  const run = await cli(['download', 'dir/b.bin', '--name', 'app', '--version', '1.0.0', '--out', out], {
    env: { RELPACK_URL: server.url, RELPACK_PROJECT: '1', CI_JOB_TOKEN: server.tokens.job },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await tree(out), ['dir/b.bin']);
});

test('download: across pages of package_files (more than 100 files), newest duplicate winning', async () => {
  const server = await serve();
  const files: Record<string, string> = {};
  for (let i = 0; i < 105; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `n${i}`;
  await publishTree(server, files, '2.0.0', ['--checksums', 'none', '--concurrency', '16']);
  // A second upload of one name (GitLab allows duplicates by default; the newest is served).
  const put = await fetch(`${server.url}/api/v4/projects/1/packages/generic/app/2.0.0/f000.txt`, { method: 'PUT', headers: { 'PRIVATE-TOKEN': server.tokens.maintainer }, body: 'newer' });
  assert.equal(put.status, 201);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '2.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((await tree(out)).length, 105);
  assert.equal(await readFile(join(out, 'f000.txt'), 'utf8'), 'newer');
});

test('download: files already present with the right hash are not fetched again; wrong ones are', async () => {
  const server = await serve();
  await publishTree(server, { 'a.bin': 'alpha', 'b.bin': 'beta' }, '3.0.0', ['--checksums', 'none']);
  const out = await tempDir();
  await writeTree(out, { 'a.bin': 'alpha', 'b.bin': 'stale' });
  const run = await cli(['download', '--name', 'app', '--version', '3.0.0', '--out', out, '--json'], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 0, run.stderr);
  const statuses = Object.fromEntries(JSON.parse(run.stdout).files.map((f: { name: string; status: string }) => [f.name, f.status]));
  assert.deepEqual(statuses, { 'a.bin': 'skipped', 'b.bin': 'downloaded' });
  assert.equal(await readFile(join(out, 'b.bin'), 'utf8'), 'beta');
});

test('download: corrupted bytes fail verification and leave no file at the final path', async () => {
  const server = await serve();
  await publishTree(server, { 'good.bin': 'good', 'bad.bin': Buffer.alloc(4096, 7) }, '4.0.0');
  server.faults.add({ route: 'gitlab.download', kind: 'corrupt', path: 'bad.bin' });
  const out = await tempDir();
  const run = await cli(['download', 'bad.bin', '--name', 'app', '--version', '4.0.0', '--out', out], {
    env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_RETRIES: '1' }),
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /bad\.bin: SHA-256 mismatch/);
  assert.deepEqual(await tree(out), [], 'neither the file nor a temporary file is left');
});

test('download: a file changed behind SHA256SUMS is caught by the manifest', async () => {
  const server = await serve();
  await publishTree(server, { 'a.bin': 'original' }, '5.0.0');
  // Someone replaces a.bin without updating the manifest: the registry's own hash matches the new
  // bytes, only SHA256SUMS still records what was released.
  const put = await fetch(`${server.url}/api/v4/projects/1/packages/generic/app/5.0.0/a.bin`, { method: 'PUT', headers: { 'PRIVATE-TOKEN': server.tokens.maintainer }, body: 'tampered' });
  assert.equal(put.status, 201);
  const out = await tempDir();
  const run = await cli(['download', 'a.bin', '--name', 'app', '--version', '5.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /a\.bin: the registry and SHA256SUMS disagree/);
  assert.deepEqual(await tree(out), []);
  const unchecked = await cli(['download', 'a.bin', '--name', 'app', '--version', '5.0.0', '--out', out, '--no-verify'], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(unchecked.code, 0, unchecked.stderr);
  assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), 'tampered');
});

test('download: names that would land outside --out are refused', async () => {
  const server = await serve();
  await publishTree(server, { 'sub/file.bin': 'x', 'sub/deep/er/file.bin': 'y' }, '6.0.0', ['--checksums', 'none']);
  const out = await tempDir();
  const env = gitlabEnv(server, server.tokens.maintainer);
  for (const name of ['../escape.bin', '/etc/passwd', 'a/../../b.bin']) {
    const run = await cli(['download', name, '--name', 'app', '--version', '6.0.0', '--out', out], { env });
    assert.equal(run.code, 2, `${name}: ${run.stderr}`);
  }
  // A directory inside --out that is a symlink to somewhere else.
  const elsewhere = await tempDir();
  await symlink(elsewhere, join(out, 'sub'));
  const run = await cli(['download', '--name', 'app', '--version', '6.0.0', '--out', out], { env });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /is a link to .*outside the output directory/);
  assert.deepEqual(await readdir(elsewhere), [], 'nothing was created through the link, not even directories');
});

test('download: an unknown version or file is a clear 404-style failure', async () => {
  const server = await serve();
  await publishTree(server, { 'a.bin': 'a' }, '7.0.0');
  const out = await tempDir();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const version = await cli(['download', '--name', 'app', '--version', '9.9.9', '--out', out], { env });
  assert.equal(version.code, 1);
  assert.match(version.stderr, /package app version 9\.9\.9 was not found[\s\S]*relpack list --name app/);
  const file = await cli(['download', 'nope.bin', '--name', 'app', '--version', '7.0.0', '--out', out], { env });
  assert.equal(file.code, 1);
  assert.match(file.stderr, /nope\.bin is not in app 7\.0\.0[\s\S]*holds: SHA256SUMS, a\.bin/);
});

test('download: a large file streams to disk and verifies', async () => {
  const server = await serve();
  const big = Buffer.alloc(24 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
  await publishTree(server, { 'big.bin': big }, '8.0.0', ['--checksums', 'none']);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '8.0.0', '--out', out, '--json'], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).files[0].sha256, sha(big));
  assert.equal((await stat(join(out, 'big.bin'))).size, big.length);
});

test('download into an existing file that is a symlink is refused', async () => {
  const server = await serve();
  await publishTree(server, { 'a.bin': 'a' }, '9.0.0', ['--checksums', 'none']);
  const out = await tempDir();
  const target = join(await tempDir(), 'victim');
  await writeFile(target, 'keep');
  await mkdir(out, { recursive: true });
  await symlink(target, join(out, 'a.bin'));
  const run = await cli(['download', '--name', 'app', '--version', '9.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 2);
  assert.equal(await readFile(target, 'utf8'), 'keep');
});
