/**
 * Errors say what to change (issue 3, behaviour 8), exit statuses follow the contract, and no token
 * ever appears in any output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

function assertNoToken(run: { stdout: string; stderr: string }, ...tokens: string[]) {
  for (const token of tokens) {
    assert.ok(!run.stdout.includes(token), 'token in stdout');
    assert.ok(!run.stderr.includes(token), 'token in stderr');
  }
}

test('401: the message names the token types that work', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, 'glpat-wrong-token-value'), cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /did not accept the credentials \(an access token \(RELPACK_TOKEN\)\)/);
  assert.match(run.stderr, /api scope[\s\S]*RELPACK_TOKEN_TYPE=deploy[\s\S]*CI_JOB_TOKEN/);
  assertNoToken(run, 'glpat-wrong-token-value');
});

test('403: a Guest or a read-only deploy token publishing gets the list of causes', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const args = ['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'];
  const guest = await cli(args, { env: gitlabEnv(server, server.tokens.guest), cwd: work });
  assert.equal(guest.code, 1);
  assert.match(guest.stderr, /refused PUT a\.bin[\s\S]*at least the Developer role[\s\S]*write_package_registry[\s\S]*registry may be disabled/);
  const deploy = await cli(args, { env: gitlabEnv(server, server.tokens.deployRo, { RELPACK_TOKEN_TYPE: 'deploy' }), cwd: work });
  assert.equal(deploy.code, 1);
  assert.match(deploy.stderr, /refused PUT a\.bin for a deploy token/);
  assertNoToken(guest, server.tokens.guest);
  assertNoToken(deploy, server.tokens.deployRo);
});

test('404: an unknown project shows the URL (never a credential) and what to check', async () => {
  const server = await serve();
  const run = await cli(['list', '--name', 'app', '--project', 'nobody/nothing'], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /not found/);
  assert.match(run.stderr, /projects\/nobody%2Fnothing\/packages/);
  assert.match(run.stderr, /check the project \(nobody\/nothing\)/);
  assertNoToken(run, server.tokens.maintainer);
});

test('"Duplicate package is not allowed" explains the setting and --if-exists', async () => {
  const server = await serve({ config: { gitlab: { projects: [{ id: 1, path: 'demo/app', duplicatesAllowed: false }] } } });
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work })).code, 0);
  await writeTree(work, { 'a.bin': 'changed' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none', '--if-exists', 'replace'], { env, cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /does not allow a second a\.bin[\s\S]*Allow duplicates[\s\S]*--if-exists/);
});

test('"File is too large" gives the limit', async () => {
  const server = await serve({ config: { gitlab: { projects: [{ id: 1, path: 'demo/app', maxFileSize: 1024 }] } } });
  const work = await writeTree(await tempDir(), { 'big.bin': Buffer.alloc(4096) });
  const run = await cli(['publish', 'big.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /big\.bin is too large for this instance \(4\.0 KiB\)[\s\S]*generic_packages_max_file_size, 5 GiB by default/);
});

test('usage errors exit 2 with a pointer to the fix; missing connection settings name the variable', async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['publish', 'a', '--version', '1'], { RELPACK_URL: 'http://127.0.0.1:1', RELPACK_PROJECT: '1' }, /publish needs --name/],
    [['publish', 'a', '--name', 'n', '--version', '1', '--if-exists', 'maybe'], {}, /--if-exists must be skip, fail or replace/],
    [['publish', 'a', '--name', 'n', '--version', '1', '--concurrency', '0'], {}, /--concurrency must be a whole number from 1 to 64/],
    [['list', '--name', 'n'], { RELPACK_PROJECT: '1' }, /no registry URL given[\s\S]*RELPACK_URL[\s\S]*CI_SERVER_URL/],
    [['list', '--name', 'n', '--registry', 'gitlab'], { RELPACK_URL: 'http://127.0.0.1:1' }, /no GitLab project given[\s\S]*CI_PROJECT_ID/],
    [['list', '--name', 'n', '--project', '1', '--url', 'http://user:secret@127.0.0.1:1'], {}, /the URL contains credentials/],
    [['frobnicate'], {}, /unknown command "frobnicate"/],
    [['publish', '--bogus'], {}, /Unknown option '--bogus'/],
  ];
  for (const [args, env, message] of cases) {
    const run = await cli(args, { env });
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('delete: without --yes nothing is deleted; with it, files or the whole version go', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a', 'b.bin': 'b' });
  const env = gitlabEnv(server, server.tokens.maintainer);
  assert.equal((await cli(['publish', 'a.bin', 'b.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work })).code, 0);
  const dry = await cli(['delete', '--name', 'app', '--version', '1.0.0', 'a.bin'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /nothing was deleted: pass --yes/);
  const one = await cli(['delete', '--name', 'app', '--version', '1.0.0', 'a.bin', '--yes'], { env });
  assert.equal(one.code, 0, one.stderr);
  const listed = await cli(['list', '--name', 'app', '--version', '1.0.0', '--json'], { env });
  assert.deepEqual(JSON.parse(listed.stdout).files.map((f: { fileName: string }) => f.fileName), ['SHA256SUMS', 'b.bin']);
  const developer = await cli(['delete', '--name', 'app', '--version', '1.0.0', '--yes'], { env: gitlabEnv(server, server.tokens.developer) });
  assert.equal(developer.code, 1);
  assert.match(developer.stderr, /deleting packages needs the Maintainer role/);
  const all = await cli(['delete', '--name', 'app', '--version', '1.0.0', '--yes'], { env });
  assert.equal(all.code, 0, all.stderr);
  const versions = await cli(['list', '--name', 'app', '--json'], { env });
  assert.deepEqual(JSON.parse(versions.stdout).versions, []);
});

test('--json failures print a machine-readable error on stdout, with the same exit status', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--json'], { env: gitlabEnv(server, server.tokens.guest), cwd: work });
  assert.equal(run.code, 1);
  const result = JSON.parse(run.stdout);
  assert.equal(result.ok, false);
  assert.equal(result.errors[0].code, 'FORBIDDEN');
  assert.equal(result.errors[0].request.status, 403);
  assert.match(result.errors[0].hint, /Developer role/);
  assertNoToken(run, server.tokens.guest);
  const usage = await cli(['download', '--name', 'app', '--json'], { env: gitlabEnv(server, server.tokens.guest) });
  assert.equal(usage.code, 2);
  assert.equal(JSON.parse(usage.stdout).errors[0].code, 'USAGE');
});
