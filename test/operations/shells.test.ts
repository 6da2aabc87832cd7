/**
 * One operations layer under the shells: the same rule for a tag as a version in the CLI, the
 * action and the component (`v1.4.2` -> `1.4.2`, other tags as written, an explicit version as
 * given), and what the CLI can do the action can do too, first among them downloading a range.
 * The CLI runs in-process, the action as its bundle the way a runner starts it, against `relpack
 * serve`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runAction } from '../action/runner.js';
import { cli, gitlabEnv, ROOT, serve, tempDir, writeTree } from '../helpers/harness.js';
import { versionFromTag } from '../../src/core/versioning.js';

test('the tag rule: a v before a semantic version is dropped, anything else is the version as written', () => {
  assert.equal(versionFromTag('v1.4.2'), '1.4.2');
  assert.equal(versionFromTag('V2.0.0-rc.1'), '2.0.0-rc.1');
  assert.equal(versionFromTag('1.4.2'), '1.4.2');
  assert.equal(versionFromTag('v1.4'), 'v1.4', 'not a full semantic version: as written');
  assert.equal(versionFromTag('version-7'), 'version-7');
  assert.equal(versionFromTag('2024.11'), '2024.11');
  assert.equal(versionFromTag('v01.2.3'), 'v01.2.3', 'leading zeros are not semver');
});

test('CLI: without --version a tag pipeline publishes its tag by the rule; --version is used as given', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'app.bin': 'app' });
  const env = gitlabEnv(server, server.tokens.maintainer, { CI_COMMIT_TAG: 'v2.1.0' });
  const fromTag = await cli(['publish', 'app.bin', '--name', 'app', '--json'], { env, cwd: work });
  assert.equal(fromTag.code, 0, fromTag.stderr);
  assert.equal(JSON.parse(fromTag.stdout).ref.version, '2.1.0');
  const explicit = await cli(['publish', 'app.bin', '--name', 'app', '--version', 'v2.1.0', '--json'], { env, cwd: work });
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.equal(JSON.parse(explicit.stdout).ref.version, 'v2.1.0', 'a version typed out is never rewritten');
  const noTag = await cli(['publish', 'app.bin', '--name', 'app'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(noTag.code, 2);
  assert.match(noTag.stderr, /publish needs a version\n {2}hint: pass --version, or run in a tag pipeline/);
});

test('action: a v-tag publishes as the CLI would, and download takes a range (the bundle, as a runner starts it)', async () => {
  const server = await serve();
  const token = server.tokens.maintainer!;
  const workspace = await writeTree(await tempDir('relpack-workspace-'), { 'dist/tool': 'tool 1.4.2' });
  const runner = (tag: string) => ({ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'demo/tool', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: tag, GITHUB_REF: `refs/tags/${tag}` });
  const inputs = { url: server.url, project: 'demo/app', token, files: 'dist/' };

  const published = await runAction(inputs, { env: runner('v1.4.2'), workspace });
  assert.equal(published.code, 0, published.stdout + published.stderr);
  assert.equal(published.outputs.version, '1.4.2');
  for (const version of ['1.3.9', '1.10.0-rc.1', '2.0.0']) {
    const other = await runAction({ ...inputs, version }, { env: runner('v1.4.2'), workspace });
    assert.equal(other.code, 0, other.stdout + other.stderr);
  }

  const later = await tempDir('relpack-workspace-');
  const fetched = await runAction({ command: 'download', url: server.url, project: 'demo/app', token, name: 'tool', version: '^1.4', out: 'bin' }, { env: runner('v9.9.9'), workspace: later });
  assert.equal(fetched.code, 0, fetched.stdout + fetched.stderr);
  assert.equal(fetched.outputs.version, '1.4.2', '^1.4 is the highest 1.x release: 1.10.0-rc.1 is a prerelease');
  assert.match(fetched.stdout, /`version:` \^1\.4 resolved to 1\.4\.2|version.* \^1\.4 resolved to 1\.4\.2/);
  assert.equal(await readFile(join(later, 'bin/tool'), 'utf8'), 'tool 1.4.2');
});

test('CLI bundle: with 2>&1 the result comes after every progress line (pending progress is flushed first)', async () => {
  const server = await serve();
  const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`dist/f${String(i).padStart(2, '0')}.bin`, `file ${i}`]));
  const work = await writeTree(await tempDir(), files);
  const env = { PATH: process.env.PATH, ...gitlabEnv(server, server.tokens.maintainer) };
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    // One pipe for both streams, as `2>&1` gives a CI log.
    const child = spawn('sh', ['-c', `"${process.execPath}" "${join(ROOT, 'dist/relpack.mjs')}" publish dist --name app --version 1.0.0 2>&1`], { cwd: work, env });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout: text }));
  });
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines.filter((l) => /^uploaded +f\d\d\.bin /.test(l)).length, 40, stdout);
  assert.match(lines.at(-2)!, /^published app 1\.0\.0: 41 uploaded, 0 skipped$/, stdout);
  assert.match(lines.at(-1)!, /\/packages\/generic\/app\/1\.0\.0$/);
});

test('download --checksums none skips the manifest in the CLI and the action alike; an empty flag is no flag', async () => {
  const server = await serve();
  const token = server.tokens.maintainer!;
  const env = gitlabEnv(server, token);
  const work = await writeTree(await tempDir(), { 'd/a.txt': 'a' });
  assert.equal((await cli(['publish', 'd', '--name', 'app', '--version', '1.0.0', '-q'], { env, cwd: work })).code, 0);
  // A SHA256SUMS that lies about a.txt, as a tampered or broken manifest would.
  const put = await fetch(`${server.url}/api/v4/projects/1/packages/generic/app/1.0.0/SHA256SUMS`, { method: 'PUT', headers: { 'PRIVATE-TOKEN': token }, body: `${'0'.repeat(64)}  a.txt\n` });
  assert.ok(put.ok);
  const checked = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', 'one'], { env, cwd: work });
  assert.equal(checked.code, 1, 'by default the manifest is checked');
  const cliNone = await cli(['download', 'a.txt', '--name', 'app', '--version', '1.0.0', '--out', 'two', '--checksums', 'none', '--url', ''], { env, cwd: work });
  assert.equal(cliNone.code, 0, cliNone.stderr);
  const actionNone = await runAction({ command: 'download', url: server.url, project: 'demo/app', token, name: 'app', version: '1.0.0', files: 'a.txt', out: 'three', checksums: 'none' }, { workspace: work });
  assert.equal(actionNone.code, 0, actionNone.stdout + actionNone.stderr);
  assert.equal(await readFile(join(work, 'three/a.txt'), 'utf8'), 'a');
});

test('--dotenv to a path that cannot be written fails before anything is sent', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--dotenv', 'no/such/dir/out.env'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /no\/such\/dir\/out\.env/);
  assert.deepEqual(server.lines, [], 'no request was made');
});

test('CLI bundle: a reader that goes away (| head, grep -q) ends relpack quietly, without a stack trace', async () => {
  const { stderr } = await new Promise<{ stderr: string }>((resolve, reject) => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${join(ROOT, 'dist/relpack.mjs')}" --help | true`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', () => resolve({ stderr: text }));
  });
  assert.doesNotMatch(stderr, /EPIPE|at .*\(node:/, stderr);
});

test('action: command release links a published version to its tag\'s release, as relpack release does (the bundle)', async () => {
  const server = await serve();
  const token = server.tokens.maintainer!;
  const workspace = await writeTree(await tempDir('relpack-workspace-'), { 'dist/tool': 'tool 3.0.0', 'NOTES.md': 'Three.\n' });
  const runner = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'demo/tool', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main', GITHUB_SHA: 'd'.repeat(40) };
  const inputs = { url: server.url, project: 'demo/app', token };
  const published = await runAction({ ...inputs, files: 'dist/', version: '3.0.0' }, { env: runner, workspace });
  assert.equal(published.code, 0, published.stdout + published.stderr);
  const linked = await runAction({ ...inputs, command: 'release', version: '3.0.0', 'release-tag': 'v3.0.0', 'release-notes': 'NOTES.md' }, { env: runner, workspace });
  assert.equal(linked.code, 0, linked.stdout + linked.stderr);
  assert.equal(linked.outputs['release-url'], `${server.url}/demo/app/-/releases/v3.0.0`);
  const release = (await (await fetch(`${server.url}/api/v4/projects/1/releases/v3.0.0`, { headers: { 'PRIVATE-TOKEN': token } })).json()) as { description: string; assets: { links: { name: string }[] } };
  assert.equal(release.description, 'Three.\n');
  assert.deepEqual(release.assets.links.map((l) => l.name).sort(), ['SHA256SUMS', 'tool']);
});
