// The GitHub repository-variables API shape under /api/v3 (docs.github.com/rest/actions/variables;
// docs/gitea-behaviour.md, case 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/server/index.js';
import { send, serve, tempDir, rm } from './helpers.js';

const VARS = (name = '', repo = 'demo/app') => `/api/v3/repos/${repo}/actions/variables${name ? `/${name}` : ''}`;
const H = (token: string | undefined, scheme = 'Bearer') => ({
  authorization: `${scheme} ${token}`,
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'content-type': 'application/json',
});
const call = (s: RunningServer, method: string, path: string, body?: unknown, token = s.tokens.githubAdmin) =>
  send(s.url, method, path, { headers: H(token), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

test('Gitea edge 16: GitHub creates with POST to the collection (name in the body) → 201, updates with PATCH → 204, answers `value` not `data`', async (t) => {
  const s = await serve(t);
  const created = await call(s, 'POST', VARS(), { name: 'app_version', value: '1.2.3' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json(), {});
  const got = await call(s, 'GET', VARS('APP_VERSION'));
  assert.equal(got.status, 200);
  const v = got.json();
  assert.deepEqual(Object.keys(v).sort(), ['created_at', 'name', 'updated_at', 'value']);
  assert.equal(v.name, 'APP_VERSION');
  assert.equal(v.value, '1.2.3');
  assert.match(v.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // Names are case-insensitive.
  assert.equal((await call(s, 'GET', VARS('app_version'))).json().value, '1.2.3');
  const patched = await call(s, 'PATCH', VARS('app_version'), { value: '1.2.4' });
  assert.equal(patched.status, 204);
  assert.equal(patched.body.length, 0);
  assert.equal((await call(s, 'GET', VARS('APP_VERSION'))).json().value, '1.2.4');
  // Gitea's shape is not accepted here: POST to the named path is no route.
  assert.notEqual((await call(s, 'POST', VARS('OTHER'), { value: 'x' })).status, 201);
  // PATCH may rename.
  assert.equal((await call(s, 'PATCH', VARS('APP_VERSION'), { name: 'release_version' })).status, 204);
  assert.equal((await call(s, 'GET', VARS('APP_VERSION'))).status, 404);
  assert.equal((await call(s, 'GET', VARS('RELEASE_VERSION'))).json().value, '1.2.4');
  assert.equal((await call(s, 'DELETE', VARS('release_version'))).status, 204);
  assert.equal((await call(s, 'DELETE', VARS('release_version'))).status, 404);
});

test('GitHub variables: 409 "Already exists" (our choice), 422 for missing fields and bad names, 404 for missing variables and unknown repos', async (t) => {
  const s = await serve(t);
  assert.equal((await call(s, 'POST', VARS(), { name: 'X', value: '1' })).status, 201);
  const dup = await call(s, 'POST', VARS(), { name: 'x', value: '2' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json().message, 'Already exists');
  assert.equal((await call(s, 'POST', VARS(), { value: '2' })).status, 422);
  assert.equal((await call(s, 'POST', VARS(), { name: 'Y' })).status, 422);
  for (const bad of ['1X', 'GITHUB_SHA', 'github_x', 'a-b', 'has space']) assert.equal((await call(s, 'POST', VARS(), { name: bad, value: 'v' })).status, 422, bad);
  assert.equal((await call(s, 'POST', VARS(), { name: '_ok_1', value: 'v' })).status, 201);
  assert.equal((await call(s, 'PATCH', VARS('MISSING'), { value: 'v' })).status, 404);
  assert.equal((await call(s, 'PATCH', VARS('X'), { name: '_OK_1' })).status, 409);
  const unknown = await call(s, 'GET', VARS('', 'demo/nope'));
  assert.equal(unknown.status, 404);
  assert.deepEqual(Object.keys(unknown.json()).sort(), ['documentation_url', 'message', 'status']);
  assert.equal((await call(s, 'POST', VARS(), '{not json')).status, 400);
});

test('GitHub variables: the Actions GITHUB_TOKEN gets 403 "Resource not accessible by integration"; read tokens cannot write; no/bad auth → 401', async (t) => {
  const s = await serve(t);
  assert.equal((await call(s, 'POST', VARS(), { name: 'V', value: '1' })).status, 201);
  for (const method of ['GET', 'POST']) {
    const r = await call(s, method, VARS(), method === 'POST' ? { name: 'W', value: '1' } : undefined, s.tokens.githubActions);
    assert.equal(r.status, 403, method);
    assert.equal(r.json().message, 'Resource not accessible by integration');
  }
  assert.equal((await send(s.url, 'GET', VARS('V'), { headers: H(s.tokens.githubActions, 'token') })).status, 403);
  assert.equal((await call(s, 'GET', VARS('V'), undefined, s.tokens.githubReader)).status, 200);
  const ro = await call(s, 'PATCH', VARS('V'), { value: '2' }, s.tokens.githubReader);
  assert.equal(ro.status, 403);
  assert.equal((await send(s.url, 'GET', VARS(), { headers: H(s.tokens.githubAdmin, 'token') })).status, 200);
  const none = await send(s.url, 'GET', VARS(), {});
  assert.equal(none.status, 401);
  assert.equal(none.json().message, 'Requires authentication');
  const bad = await send(s.url, 'GET', VARS(), { headers: H('ghp_not_a_real_token') });
  assert.equal(bad.status, 401);
  assert.equal(bad.json().message, 'Bad credentials');
});

test('GitHub variables: list is {total_count, variables}; per_page default 10, max 30, with Link', async (t) => {
  const s = await serve(t);
  for (let i = 0; i < 35; i++) assert.equal((await call(s, 'POST', VARS(), { name: `V${String(i).padStart(2, '0')}`, value: String(i) })).status, 201);
  const first = await call(s, 'GET', VARS());
  const body = first.json();
  assert.equal(body.total_count, 35);
  assert.equal(body.variables.length, 10);
  assert.deepEqual(Object.keys(body.variables[0]).sort(), ['created_at', 'name', 'updated_at', 'value']);
  assert.match(String(first.headers.link), /page=2[^>]*>; rel="next"/);
  const capped = (await call(s, 'GET', VARS() + '?per_page=100')).json();
  assert.equal(capped.variables.length, 30);
  const last = (await call(s, 'GET', VARS() + '?per_page=30&page=2')).json();
  assert.equal(last.variables.length, 5);
  assert.equal(last.total_count, 35);
});

test('GitHub variables: config (repos, token repo lists) and restart persistence', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const config = {
    github: {
      repos: ['acme/one', 'acme/two'],
      tokens: { onlyOne: { variables: 'write' as const, repos: ['acme/one'] }, ci: { type: 'actions' as const, repo: 'acme/two' } },
    },
  };
  const s1 = await serve(null, config, { dataDir });
  assert.equal((await call(s1, 'POST', VARS('', 'acme/one'), { name: 'KEEP', value: 'me' }, s1.tokens.onlyOne)).status, 201);
  assert.equal((await call(s1, 'GET', VARS('', 'acme/two'), undefined, s1.tokens.onlyOne)).status, 404, 'repo outside the token');
  assert.equal((await call(s1, 'GET', VARS('', 'acme/one'), undefined, s1.tokens.ci)).status, 404, 'another repo than the job\'s');
  assert.equal(s1.tokens.githubAdmin, undefined);
  await s1.close();
  const s2 = await serve(t, config, { dataDir });
  assert.equal((await call(s2, 'GET', VARS('keep', 'acme/one'), undefined, s2.tokens.onlyOne)).json().value, 'me');
  await assert.rejects(serve(null, { github: { repos: ['not-a-repo'] } }), /github\.repos\[0\]/);
  await assert.rejects(serve(null, { github: { tokens: { x: { variables: 'admin' } } } } as never), /github\.tokens\.x\.variables/);
});
