/**
 * Gitea/Forgejo-only behaviour of the CLI (issue 4): 409 on existing names, case-insensitive
 * names, the sub-path encoding, the read-only Actions job token, 401-not-403, flavour detection,
 * anonymous downloads and Forgejo's smaller v1 API.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { flavourFromEnvironment } from '../../src/options/connection.js';
import { decodeGiteaFileName, encodeGiteaFileName } from '../../src/registry/gitea-names.js';
import { gitea } from '../helpers/flavours.js';
import { cli, serve, tempDir, writeTree } from '../helpers/harness.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

test('gitea: an existing file of another case is the same file (docs/gitea-behaviour.md cases 2, 17)', async () => {
  const server = await serve();
  assert.equal(await gitea.rawPut(server, 'app', '1.0.0', 'TOOL.BIN', 'bytes'), 201);
  const work = await writeTree(await tempDir(), { 'tool.bin': 'bytes' });
  const env = gitea.writer(server);
  const same = await cli(['publish', 'tool.bin', '--name', 'APP', '--version', '1.0.0', '--checksums', 'none', '--json'], { env, cwd: work });
  assert.equal(same.code, 0, same.stderr);
  assert.equal(JSON.parse(same.stdout).files[0].status, 'skipped');
  await writeTree(work, { 'tool.bin': 'other bytes' });
  const different = await cli(['publish', 'tool.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(different.code, 1);
  assert.match(different.stderr, /different content[\s\S]*tool\.bin/);
  const replaced = await cli(['publish', 'tool.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none', '--if-exists', 'replace'], { env, cwd: work });
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.deepEqual((await gitea.rows(server, 'app', '1.0.0')).map((r) => r.sha256), [sha('other bytes')]);
});

test('gitea: a 409 from a concurrent publisher is reported, not retried into a loop', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'mine' });
  // Another publisher stores a.bin after relpack listed the version and before its upload is handled:
  // relpack's upload is held at the server until the other one is stored.
  const [hold] = server.faults.add({ route: 'gitea.upload', kind: 'hold', times: [1] });
  const racing = cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env: gitea.writer(server), cwd: work });
  await server.faults.reached(hold);
  assert.equal(await gitea.rawPut(server, 'app', '1.0.0', 'a.bin', 'theirs'), 201);
  server.faults.release(hold);
  const run = await racing;
  assert.equal(run.code, 1);
  assert.match(run.stderr, /a\.bin: another run published it into app 1\.0\.0 at the same time, with different content/);
});

test('gitea: sub-paths are stored with %2F (and % as %25 where it would read as an escape) and decoded exactly', async () => {
  assert.equal(encodeGiteaFileName('dir/100%/f.txt'), 'dir%2F100%%2Ff.txt');
  for (const name of ['dir/100%/f.txt', 'a%2Fb', '50%25off', '%2f', '100%.txt', 'x%ab/y', '%', 'a/b/c']) {
    assert.equal(decodeGiteaFileName(encodeGiteaFileName(name)), name, name);
  }
  // A name another tool stored with a bare `%` reads as itself.
  assert.equal(decodeGiteaFileName('100%.txt'), '100%.txt');
  assert.equal(encodeGiteaFileName('100%.txt'), '100%.txt');
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'rel/deep/dir/100%.txt': 'pct', 'rel/a%2Fb.txt': 'literal' });
  const env = gitea.writer(server);
  assert.equal((await cli(['publish', 'rel', '--name', 'app', '--version', '1.0.0'], { env, cwd: work })).code, 0);
  const raw = await fetch(`${server.url}/api/v1/packages/demo/generic/app/1.0.0/files`, { headers: { Authorization: `token ${server.tokens.giteaOwner}` } });
  const stored = ((await raw.json()) as { name: string }[]).map((f) => f.name).sort();
  assert.deepEqual(stored, ['SHA256SUMS', 'a%252Fb.txt', 'deep%2Fdir%2F100%.txt']);
  const out = await tempDir();
  assert.equal((await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env })).code, 0);
  assert.equal(await readFile(join(out, 'deep/dir/100%.txt'), 'utf8'), 'pct');
  assert.equal(await readFile(join(out, 'a%2Fb.txt'), 'utf8'), 'literal');
});

test('gitea: names Gitea refuses are refused before any request, naming the rule', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a|b.bin': 'x', 'ok.bin': 'y' });
  const env = gitea.writer(server);
  const pipe = await cli(['publish', 'a|b.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(pipe.code, 2);
  assert.match(pipe.stderr, /invalid file name "a\|b\.bin"[\s\S]*no "\|"/);
  const name = await cli(['publish', 'ok.bin', '--name', '-', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(name.code, 2);
  assert.match(name.stderr, /invalid package name "-"[\s\S]*one-character name must be a letter or digit/);
  const version = await cli(['publish', 'ok.bin', '--name', 'app', '--version', ' 1.0'], { env, cwd: work });
  assert.equal(version.code, 2);
  assert.match(version.stderr, /invalid package version " 1\.0"/);
  assert.ok(!server.lines.some((line) => line.startsWith('PUT')));
});

test('gitea: the Actions job token may download but not publish, and the message says which token to use', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env: gitea.writer(server), cwd: work })).code, 0);
  const jobEnv = { RELPACK_URL: server.url, GITEA_ACTIONS: 'true', GITHUB_REPOSITORY_OWNER: 'demo', GITEA_TOKEN: server.tokens.giteaActions };
  const publish = await cli(['publish', 'a.bin', '--name', 'app', '--version', '2.0.0'], { env: jobEnv, cwd: work });
  assert.equal(publish.code, 1);
  assert.match(publish.stderr, /gitea registry .*\(GITEA_ACTIONS\)/);
  assert.match(publish.stderr, /the Actions job token \(GITEA_TOKEN\) cannot publish packages[\s\S]*write:package/);
  assert.ok(!publish.stderr.includes(server.tokens.giteaActions));
  const out = await tempDir();
  const download = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: jobEnv });
  assert.equal(download.code, 0, download.stderr);
  assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), 'a');
});

test('gitea: no write access is a 401, not a 403, and the message covers both causes (docs/gitea-behaviour.md case 5)', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env: gitea.writer(server, { RELPACK_TOKEN: server.tokens.giteaOther }), cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /-> 401/);
  assert.match(run.stderr, /Gitea answers 401 both when the token is wrong[\s\S]*write:package/);
});

test('gitea: flavour detection from Actions variables, flags, and a logged probe', async () => {
  assert.equal(flavourFromEnvironment({}, { GITEA_ACTIONS: 'true' }).flavour, 'gitea');
  assert.equal(flavourFromEnvironment({}, { FORGEJO_ACTIONS: 'true' }).flavour, 'gitea');
  assert.equal(flavourFromEnvironment({}, { GITLAB_CI: 'true', CI_SERVER_URL: 'https://gitlab.example.com' }).flavour, 'gitlab');
  assert.equal(flavourFromEnvironment({ registry: 'forgejo' }, {}).flavour, 'gitea');
  assert.equal(flavourFromEnvironment({}, { RELPACK_OWNER: 'demo', RELPACK_PROJECT: '1' }).flavour, undefined);
  assert.throws(() => flavourFromEnvironment({ registry: 'github' }, {}), /--registry must be gitlab or gitea/);

  const server = await serve();
  const run = await cli(['list', '--name', 'app'], { env: { RELPACK_URL: server.url, RELPACK_OWNER: 'demo', RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.giteaOwner } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /gitea registry at .* \(probe of http:\/\/127\.0\.0\.1:\d+\), owner demo/);
});

test('gitea: anonymous download of a public owner uses SHA256SUMS as the index and verifies against it', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'rel/x.bin': 'x', 'rel/sub/y.bin': 'y' });
  assert.equal((await cli(['publish', 'rel', '--name', 'app', '--version', '1.0.0'], { env: gitea.writer(server), cwd: work })).code, 0);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env: { RELPACK_URL: server.url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo' } });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).files.map((f: { name: string }) => f.name).sort(), ['SHA256SUMS', 'sub/y.bin', 'x.bin']);
  assert.equal(await readFile(join(out, 'sub/y.bin'), 'utf8'), 'y');
});

test('forgejo: versions are listed through the owner-wide search where the per-package route is missing', async () => {
  const server = await serve({ config: { gitea: { server: 'forgejo' } } });
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const env = gitea.writer(server);
  for (const [name, version] of [['app', '1.0.0'], ['app', '1.1.0'], ['app-extra', '9.0.0']]) {
    assert.equal((await cli(['publish', 'a.bin', '--name', name, '--version', version], { env, cwd: work })).code, 0);
  }
  const run = await cli(['list', '--name', 'app', '--json'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).versions.map((v: { version: string }) => v.version), ['1.0.0', '1.1.0']);
  assert.ok(server.lines.some((line) => /^GET \/api\/v1\/packages\/demo 200 /.test(line)), `used the owner-wide listing:\n${server.lines.join('\n')}`);
});
