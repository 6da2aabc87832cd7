/**
 * relpack publish against `relpack serve` over real HTTP (issue 3, behaviours 1–5 and 9).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { cli, cliProcess, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';
import { apiJson, packageFiles } from '../helpers/gitlab.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

test('publish: files, a directory (paths kept) and globs with ** and !exclude', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), {
    'README.txt': 'readme',
    'dist/app-linux.tar.gz': 'linux',
    'dist/sub/deep/app.wasm': 'wasm',
    'build/x/one.bin': 'one',
    'build/y/two.bin': 'two',
    'build/y/skip.bin': 'skip',
    'build/y/notes.md': 'md',
  });
  const env = gitlabEnv(server, server.tokens.maintainer);
  const run = await cli(['publish', 'README.txt', 'dist', 'build/**/*.bin', '!build/y/skip.bin', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(
    result.files.map((f: { name: string }) => f.name),
    ['README.txt', 'SHA256SUMS', 'app-linux.tar.gz', 'sub/deep/app.wasm', 'x/one.bin', 'y/two.bin'],
  );
  assert.equal(result.uploaded, 6);
  const listed = await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0');
  // GitLab stores sub-path files URL-encoded (docs/gitlab-behaviour.md, case 3).
  assert.ok(listed.some((f) => f.file_name === 'sub%2Fdeep%2Fapp.wasm' && f.file_sha256 === sha('wasm')));
  assert.ok(listed.some((f) => f.file_name === 'x%2Fone.bin'));
  assert.ok(!listed.some((f) => f.file_name.includes('skip')));
});

test('publish: a pattern that matches nothing fails with exit 2 and sends nothing', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', 'missing/*.zip', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /"missing\/\*\.zip" matches no file/);
  assert.deepEqual(await apiJson(server, server.tokens.maintainer, '/projects/1/packages'), []);
});

test('publish: invalid name, version and file name are refused before any request, naming value and rule', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'ok.bin': 'a', 'bad name.bin': 'b' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  assert.equal((await cli(['list', '--name', 'app'], { env })).code, 0);
  const cases: [string[], RegExp][] = [
    [['ok.bin', '--name', 'my/app', '--version', '1.0.0'], /invalid package name "my\/app"[\s\S]*letters, digits/],
    [['ok.bin', '--name', 'app', '--version', '1..0'], /invalid package version "1\.\.0"[\s\S]*no "\.\."/],
    [['bad name.bin', '--name', 'app', '--version', '1.0.0'], /invalid file name "bad name\.bin"[\s\S]*no spaces/],
  ];
  for (const [args, message] of cases) {
    const before = server.lines.length;
    const run = await cli(['publish', ...args], { env, cwd: work });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.ok(before > 0, 'the server logs requests (the previous publish was logged)');
    assert.equal(server.lines.length, before, `no request for ${args.join(' ')}: ${server.lines.slice(before).join('\n')}`);
  }
});

test('publish: re-running is idempotent (identical files skipped), different content fails and uploads nothing', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'out/a.bin': 'alpha', 'out/b.bin': 'beta' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  const args = ['publish', 'out', '--name', 'app', '--version', '2.0.0', '--json'];
  assert.equal((await cli(args, { env, cwd: work })).code, 0);
  const again = await cli(args, { env, cwd: work });
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(again.stdout);
  assert.equal(second.uploaded, 0);
  assert.deepEqual(second.files.map((f: { status: string }) => f.status), ['skipped', 'skipped', 'skipped']);
  assert.equal((await packageFiles(server, server.tokens.maintainer, 'app', '2.0.0')).length, 3, 'no duplicate rows');

  await writeTree(work, { 'out/b.bin': 'BETA changed', 'out/c.bin': 'new' });
  const changed = await cli(args.slice(0, -1), { env, cwd: work });
  assert.equal(changed.code, 1);
  assert.match(changed.stderr, /already exist in this version with different content[\s\S]*b\.bin/);
  assert.match(changed.stderr, /--if-exists replace/);
  const rows = await packageFiles(server, server.tokens.maintainer, 'app', '2.0.0');
  assert.equal(rows.length, 3, 'c.bin was not uploaded either: the plan failed before any upload');
});

test('publish --if-exists fail refuses any existing file; replace uploads and removes the older rows', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'one' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  const base = ['publish', 'a.bin', '--name', 'app', '--version', '3.0.0', '--checksums', 'none'];
  assert.equal((await cli(base, { env, cwd: work })).code, 0);
  const fail = await cli([...base, '--if-exists', 'fail'], { env, cwd: work });
  assert.equal(fail.code, 1);
  assert.match(fail.stderr, /already exist in this version and --if-exists is fail/);

  await writeTree(work, { 'a.bin': 'two' });
  const replace = await cli([...base, '--if-exists', 'replace'], { env, cwd: work });
  assert.equal(replace.code, 0, replace.stderr);
  const rows = await packageFiles(server, server.tokens.maintainer, 'app', '3.0.0');
  assert.deepEqual(rows.map((r) => r.file_sha256), [sha('two')]);
});

test('publish --if-exists replace as a Developer: newest served, older rows kept with a warning', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'one' });
  const env = gitlabEnv(server, server.tokens.developer);
  const base = ['publish', 'a.bin', '--name', 'app', '--version', '3.1.0', '--checksums', 'none'];
  assert.equal((await cli(base, { env, cwd: work })).code, 0);
  await writeTree(work, { 'a.bin': 'two' });
  const replace = await cli([...base, '--if-exists', 'replace'], { env, cwd: work });
  assert.equal(replace.code, 0, replace.stderr);
  assert.match(replace.stderr, /older copies stay: deleting them needs the Maintainer role/);
  const rows = await packageFiles(server, server.tokens.maintainer, 'app', '3.1.0');
  assert.deepEqual(rows.map((r) => r.file_sha256), [sha('one'), sha('two')]);
});

test('publish: SHA256SUMS lists every file in sha256sum format, and grows with the version', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'd/x.bin': 'x', 'd/sub/y.bin': 'y', 'z.bin': 'z' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  assert.equal((await cli(['publish', 'd', '--name', 'app', '--version', '4.0.0'], { env, cwd: work })).code, 0);
  const first = await download(server, 'app', '4.0.0', 'SHA256SUMS');
  assert.equal(first, `${sha('y')}  sub/y.bin\n${sha('x')}  x.bin\n`);
  assert.equal((await cli(['publish', 'z.bin', '--name', 'app', '--version', '4.0.0'], { env, cwd: work })).code, 0);
  const second = await download(server, 'app', '4.0.0', 'SHA256SUMS');
  assert.equal(second, `${sha('y')}  sub/y.bin\n${sha('x')}  x.bin\n${sha('z')}  z.bin\n`);
});

test('publish --checksums none publishes no manifest; --dry-run sends no write', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  const dry = await cli(['publish', 'a.bin', '--name', 'app', '--version', '5.0.0', '--dry-run', '--json'], { env, cwd: work });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(JSON.parse(dry.stdout).files[0].status, 'planned');
  assert.ok(!server.lines.some((line) => /\bPUT\b/.test(line)), 'dry run sent no PUT');
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '5.0.0', '--checksums', 'none'], { env, cwd: work })).code, 0);
  assert.deepEqual((await packageFiles(server, server.tokens.maintainer, 'app', '5.0.0')).map((f) => f.file_name), ['a.bin']);
});

test('publish: the first upload into a new version goes alone, the rest in parallel', async () => {
  const server = await serve();
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`many/f${String(i).padStart(2, '0')}.bin`] = `file ${i}`;
  const work = await writeTree(await tempDir(), files);
  // Hold the first upload back: were the others not waiting for it, they would finish first.
  server.faults.add({ route: 'gitlab.upload', kind: 'delay', ms: 400, times: [1] });
  const run = await cli(['publish', 'many', '--name', 'app', '--version', '6.0.0', '--checksums', 'none', '--concurrency', '4'], {
    env: gitlabEnv(server, server.tokens.maintainer),
    cwd: work,
  });
  assert.equal(run.code, 0, run.stderr);
  const puts = server.lines.filter((line) => line.startsWith('PUT '));
  assert.equal(puts.length, 12);
  assert.match(puts[0], /\/f00\.bin /, `the delayed first upload finished before any other started:\n${puts.join('\n')}`);
  const packages = await apiJson<{ id: number }[]>(server, server.tokens.maintainer, '/projects/1/packages?package_name=app');
  assert.equal(packages.length, 1, 'exactly one package was created');
  assert.equal((await packageFiles(server, server.tokens.maintainer, 'app', '6.0.0')).length, 12);
});

test('publish --json result and progress lines never contain the token', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const token = server.tokens.maintainer;
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '7.0.0', '--json'], { env: gitlabEnv(server, token), cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  const file = result.files.find((f: { name: string }) => f.name === 'a.bin');
  assert.deepEqual(Object.keys(file).sort(), ['name', 'path', 'sha256', 'size', 'status', 'url']);
  assert.equal(file.status, 'uploaded');
  assert.match(run.stderr, /uploading a\.bin/);
  assert.match(run.stderr, /uploaded\s+a\.bin/);
  assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token));
});

async function download(server: { url: string; tokens: Record<string, string> }, name: string, version: string, file: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v4/projects/1/packages/generic/${name}/${version}/${file}`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer } });
  assert.equal(response.status, 200);
  return response.text();
}

test('publish --hidden: not listed by GitLab, yet re-runs skip and downloads work through its SHA256SUMS', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'rel/a.bin': 'alpha', 'rel/sub/b.bin': 'beta' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  const args = ['publish', 'rel', '--name', 'app', '--version', '8.0.0', '--hidden', '--json'];
  const first = await cli(args, { env, cwd: work });
  assert.equal(first.code, 0, first.stderr);
  // GitLab leaves hidden packages out of the list (docs/gitlab-behaviour.md, cases 12 and 14).
  assert.deepEqual(await apiJson(server, server.tokens.maintainer, '/projects/1/packages?package_name=app'), []);
  const again = await cli(args, { env, cwd: work });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).uploaded, 0, 'the re-run saw the hidden files and skipped them');
  const out = await tempDir();
  const download = await cli(['download', '--name', 'app', '--version', '8.0.0', '--out', out, '--json'], { env });
  assert.equal(download.code, 0, download.stderr);
  assert.deepEqual(JSON.parse(download.stdout).files.map((f: { name: string }) => f.name).sort(), ['SHA256SUMS', 'a.bin', 'sub/b.bin']);
  const hidden = await apiJson<{ id: number }[]>(server, server.tokens.maintainer, '/projects/1/packages?package_name=app&status=hidden');
  const files = await fetch(`${server.url}/api/v4/projects/1/packages/${hidden[0].id}/package_files`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer } });
  assert.equal(files.status, 404, 'its files cannot be listed: the manifest was the index');
});

test('the bundle prints every progress line and the error that ends a run, though it writes them in batches', async () => {
  // src/bin.ts writes stderr once per event-loop turn; nothing may be lost, including what a
  // failing run prints last.
  const server = await serve();
  const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.bin`, `content ${i}`]));
  const work = await writeTree(await tempDir(), files);
  const env = gitlabEnv(server, server.tokens.maintainer);
  const ok = await cliProcess(['publish', '.', '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(ok.code, 0, ok.stderr);
  for (const name of [...Object.keys(files), 'SHA256SUMS']) {
    assert.match(ok.stderr, new RegExp(`^uploading +${name.replace('.', '\\.')} `, 'm'));
    assert.match(ok.stderr, new RegExp(`^uploaded +${name.replace('.', '\\.')} `, 'm'));
  }
  const failed = await cliProcess(['publish', '.', '--name', 'app', '--version', '1.0.0', '--if-exists', 'fail'], { env, cwd: work });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /relpack: error: 40 file\(s\) already exist in this version and --if-exists is fail:\n( {2}f\d+\.bin\n){40} {2}hint: /);
});
