/**
 * A GitLab deploy token or HTTP Basic reaches only the generic package routes: GitLab's Packages
 * API (`lib/api/project_packages.rb`, `lib/api/package_files.rb`) sets
 * `route_setting :authentication, job_token_allowed: true` and looks at neither, while
 * `lib/api/generic_packages.rb` adds `deploy_token_allowed` and `basic_auth_personal_access_token`.
 * relpack then publishes and downloads through the generic routes alone (issue 14, point 2), and
 * says which tokens can do what it cannot. Over real HTTP against `relpack serve`, whose Packages
 * API refuses these credentials as GitLab does.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

const modes = (server: Awaited<ReturnType<typeof serve>>) => [
  { label: 'deploy token', env: gitlabEnv(server, server.tokens.deployRw, { RELPACK_TOKEN_TYPE: 'deploy' }) },
  { label: 'Basic with a deploy token', env: gitlabEnv(server, `deployer:${server.tokens.deployRw}`, { RELPACK_TOKEN_TYPE: 'basic' }) },
  { label: 'Basic with an access token', env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_TOKEN_TYPE: 'basic', RELPACK_USERNAME: 'maintainer' }) },
];

test('deploy token and Basic: publish and download a whole version through the generic routes alone', async () => {
  const server = await serve();
  for (const [i, mode] of modes(server).entries()) {
    const version = `1.0.${i}`;
    const work = await writeTree(await tempDir(), { 'dist/a.bin': 'alpha', 'dist/sub/b.bin': 'beta' });
    const first = await cli(['publish', 'dist', '--name', 'app', '--version', version], { env: mode.env, cwd: work });
    assert.equal(first.code, 0, `${mode.label}: ${first.stderr}`);
    assert.match(first.stderr, /generic routes only/, mode.label);
    assert.equal(server.lines.filter((line) => /\/packages(\?|\/\d)/.test(line) && !/\/generic\//.test(line)).length, 0, 'no Packages API request');

    // A re-run asks each file at its own URL and skips what is there with the same SHA-256.
    const again = await cli(['publish', 'dist', '--name', 'app', '--version', version, '--json'], { env: mode.env, cwd: work });
    assert.equal(again.code, 0, `${mode.label}: ${again.stderr}`);
    const result = JSON.parse(again.stdout);
    assert.equal(result.uploaded, 0, `${mode.label}: ${again.stdout}`);

    // A changed file is refused by --if-exists skip, as with any token.
    await writeTree(work, { 'dist/a.bin': 'changed' });
    const changed = await cli(['publish', 'dist', '--name', 'app', '--version', version], { env: mode.env, cwd: work });
    assert.notEqual(changed.code, 0, mode.label);
    assert.match(changed.stderr, /a\.bin/);

    const out = await tempDir();
    const download = await cli(['download', '--name', 'app', '--version', version, '--out', out], { env: mode.env });
    assert.equal(download.code, 0, `${mode.label}: ${download.stderr}`);
    assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), 'alpha');
    assert.equal(await readFile(join(out, 'sub/b.bin'), 'utf8'), 'beta');
  }
});

test('deploy token: list, delete and a version without SHA256SUMS fail with the token types that can', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.deployRw, { RELPACK_TOKEN_TYPE: 'deploy' });
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work })).code, 0);
  for (const args of [['list', '--name', 'app'], ['delete', '--name', 'app', '--version', '1.0.0']]) {
    const run = await cli(args, { env });
    assert.notEqual(run.code, 0, args.join(' '));
    assert.match(run.stderr, /Packages API[\s\S]*does not take a deploy token[\s\S]*personal, project or group access token[\s\S]*job token/, run.stderr);
    assert.ok(!run.stderr.includes(server.tokens.deployRw));
  }
  const download = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', await tempDir()], { env });
  assert.equal(download.code, 1);
  assert.match(download.stderr, /no SHA256SUMS[\s\S]*does not take a deploy token[\s\S]*personal, project or group access token/);
  // a named file is still fetched by its URL
  const out = await tempDir();
  const named = await cli(['download', 'a.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(named.code, 0, named.stderr);
  assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), 'a');
});

test('a write-only deploy token still reads files by URL, as GitLab lets it (spec/requests/api/generic_packages_spec.rb)', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.deployWo, { RELPACK_TOKEN_TYPE: 'deploy' });
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work })).code, 0);
  const again = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).uploaded, 0);
});

test('a deploy token GitLab will not let read: every file is uploaded, and relpack says why', async () => {
  // A server of the test's own: the generic GET/HEAD refuses the token (403), PUT takes it.
  const puts: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'PUT') {
        puts.push(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? ''));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: puts.length, package_id: 1, file_name: puts.at(-1), size: 1, file_sha256: null }));
        return;
      }
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"403 Forbidden"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env: { RELPACK_URL: url, RELPACK_PROJECT: '1', RELPACK_TOKEN: 'gldt-x', RELPACK_TOKEN_TYPE: 'deploy' }, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /may not read this project's packages[\s\S]*cannot tell which files are already published[\s\S]*read_package_registry/);
  assert.deepEqual(puts, ['a.bin', 'SHA256SUMS']);
});
