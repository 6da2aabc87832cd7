/**
 * A read answered with a redirect relpack cannot follow says what happened (issue 13, point 17):
 * a 302 with an empty Location, or none, is "redirected without a Location to follow", not "writes
 * are not followed" (that is for PUT and DELETE); a Location that is not an http(s) URL is named.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

async function published() {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work })).code, 0);
  return { server, env };
}

for (const [label, headers] of [
  ['an empty Location', { location: '' }],
  ['a blank Location', { location: '   ' }],
  ['no Location', {}],
] as const) {
  test(`a download answered 302 with ${label} says so`, async () => {
    const { server, env } = await published();
    server.faults.add({ route: 'gitlab.download', path: 'a.bin', kind: 'status', status: 302, body: '', headers });
    const run = await cli(['download', 'a.bin', '--name', 'app', '--version', '1.0.0', '--out', await tempDir(), '--json'], { env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /GET a\.bin was redirected \(HTTP 302\) without a Location to follow/);
    assert.doesNotMatch(run.stderr, /writes are not followed/);
    assert.equal(JSON.parse(run.stdout).errors[0].request.status, 302);
  });
}

test('a listing answered 302 without a Location says so too', async () => {
  const { server, env } = await published();
  server.faults.add({ route: 'gitlab.packages.list', kind: 'status', status: 302, body: '', headers: { location: '' } });
  const run = await cli(['list', '--name', 'app'], { env });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/1\/packages\?\S* was redirected \(HTTP 302\) without a Location to follow/);
});

for (const location of ['http://[', 'file:///etc/passwd', 'javascript:alert(1)']) {
  test(`a download redirected to ${location} names it, without a stack trace`, async () => {
    const { server, env } = await published();
    server.faults.add({ route: 'gitlab.download', path: 'a.bin', kind: 'status', status: 302, body: '', headers: { location } });
    const run = await cli(['download', 'a.bin', '--name', 'app', '--version', '1.0.0', '--out', await tempDir()], { env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`was redirected \\(HTTP 302\\) to ${JSON.stringify(JSON.stringify(location)).slice(1, -1).replace(/[[\]().]/g, '\\$&')}, which is not an http or https URL`));
    assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/);
  });
}

test('a redirected write still says that writes are not followed', async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.upload', kind: 'status', status: 307, body: '', headers: { location: 'https://elsewhere.example/upload' }, afterBody: true });
  const work = await writeTree(await tempDir(), { 'b.bin': 'b' });
  const run = await cli(['publish', 'b.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /PUT b\.bin was redirected \(HTTP 307\) and writes are not followed[\s\S]*pointed to https:\/\/elsewhere\.example\/upload/);
});
