/**
 * Hidden files stay home: directory walks and globs leave out dotfiles and dot-directories
 * (`.env`, `.npmrc`, `.git/`) unless `--include-hidden` asks for them, say what they left out in
 * the plan and in `--json`, and a path the user names itself is taken as asked. Over real HTTP
 * against `relpack serve`; the action's input goes through the bundle as a runner starts it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAction } from '../action/runner.js';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';
import { packageFiles } from '../helpers/gitlab.js';

const BUILD = {
  'dist/app': 'binary',
  'dist/sub/lib.so': 'library',
  'dist/.env': 'TOKEN=secret',
  'dist/.npmrc': '//registry/:_authToken=secret',
  'dist/.git/config': '[core]',
  'dist/.git/objects/ab/cdef': 'object',
  'dist/sub/.cache/x': 'cache',
  '.well-known/security.txt': 'contact',
  'top.bin': 'top',
  '.hidden.bin': 'hidden at the top',
};

const names = (result: { files: { name: string }[] }) => result.files.map((f) => f.name);

test('publish: a directory leaves its dotfiles and dot-directories out, and the plan and --json say which', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), BUILD);
  const env = gitlabEnv(server, server.tokens.maintainer);
  const run = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(names(result), ['SHA256SUMS', 'app', 'sub/lib.so']);
  assert.deepEqual(result.leftOut, [
    { path: 'dist/.env', files: 1 },
    { path: 'dist/.git/', files: 2 },
    { path: 'dist/.npmrc', files: 1 },
    { path: 'dist/sub/.cache/', files: 1 },
  ]);
  assert.match(run.stderr, /left out 5 hidden files: dist\/\.env, dist\/\.git\/ \(2\), dist\/\.npmrc, dist\/sub\/\.cache\/ \(1\); --include-hidden publishes them/);
  const stored = (await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0')).map((f) => f.file_name).sort();
  assert.deepEqual(stored, ['SHA256SUMS', 'app', 'sub%2Flib.so'], 'nothing hidden reached the registry');
});

test('publish --dry-run: the plan names what stays home before anything is sent', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), BUILD);
  const run = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--dry-run'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /left out 5 hidden files/);
  assert.doesNotMatch(run.stderr, /\.env \(/);
  assert.deepEqual(await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0').catch(() => []), []);
});

test('publish --include-hidden: the whole directory goes, nothing is reported left out', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), BUILD);
  const run = await cli(['publish', 'dist', '--include-hidden', '--name', 'app', '--version', '1.0.0', '--json'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(names(result), ['.env', '.git/config', '.git/objects/ab/cdef', '.npmrc', 'SHA256SUMS', 'app', 'sub/.cache/x', 'sub/lib.so']);
  assert.deepEqual(result.leftOut, []);
  assert.doesNotMatch(run.stderr, /left out/);
});

test('publish: globs skip what their wildcards reach that is hidden; named dot paths are taken as asked', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), BUILD);
  const env = gitlabEnv(server, server.tokens.maintainer);
  const run = await cli(['publish', '*.bin', '.well-known/*', 'dist/**/*', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  // `.well-known/*` names its dot-directory: its base is `.well-known`, so the file keeps its own name.
  assert.deepEqual(names(result), ['SHA256SUMS', 'app', 'security.txt', 'sub/lib.so', 'top.bin']);
  assert.deepEqual(result.leftOut.map((l: { path: string }) => l.path), ['.hidden.bin', 'dist/.env', 'dist/.git/', 'dist/.npmrc', 'dist/sub/.cache/']);

  const named = await cli(['publish', '.hidden.bin', '--name', 'app', '--version', '1.0.1', '--json'], { env, cwd: work });
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(names(JSON.parse(named.stdout)), ['.hidden.bin', 'SHA256SUMS'], 'a dotfile named on the command line is published');
});

test('publish: a directory that holds only hidden files fails before any request and says how to opt in', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'conf/.env': 'TOKEN=secret' });
  const run = await cli(['publish', 'conf', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /"conf" matches no file but hidden ones \(1, such as .*conf\/\.env\)/);
  assert.match(run.stderr, /--include-hidden/);
  assert.deepEqual(server.lines, [], 'not a single request was sent');
});

test('action: include-hidden defaults to false and opts in when true (the bundle as a runner starts it)', async () => {
  const server = await serve();
  const workspace = await writeTree(await tempDir('relpack-workspace-'), BUILD);
  const env = { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer };
  const plain = await runAction({ files: 'dist', name: 'app', version: '1.0.0' }, { env, workspace });
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout, /left out 5 hidden files/);
  assert.deepEqual((await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0')).map((f) => f.file_name).sort(), ['SHA256SUMS', 'app', 'sub%2Flib.so']);

  const all = await runAction({ files: 'dist', name: 'app', version: '2.0.0', 'include-hidden': 'true' }, { env, workspace });
  assert.equal(all.code, 0, all.stdout + all.stderr);
  assert.equal((await packageFiles(server, server.tokens.maintainer, 'app', '2.0.0')).length, 8);
});
