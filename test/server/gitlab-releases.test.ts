// Releases API and release links as GitLab answers them (docs/gitlab-behaviour.md, "Releases API
// and release links"; GitLab `lib/api/releases.rb`, `lib/api/release/links.rb`,
// `app/services/releases/*`, `app/models/releases/link.rb`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, send, serve, type Reply } from './helpers.js';
import type { RunningServer } from '../../src/server/index.js';

const SHA = 'a'.repeat(40);

function call(s: RunningServer, method: string, path: string, body?: unknown, token: string | Record<string, string> | null = s.tokens.maintainer!): Promise<Reply> {
  const headers: Record<string, string> = token === null ? {} : typeof token === 'string' ? { 'PRIVATE-TOKEN': token } : { ...token };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return send(s.url, method, path, { headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

const R = `${API()}/releases`;
const links = (tag: string) => `${R}/${encodeURIComponent(tag)}/assets/links`;

async function start(t: Parameters<typeof serve>[0], extra: Record<string, unknown> = {}): Promise<RunningServer> {
  return serve(t, {
    storage: { fsync: false },
    gitlab: {
      externalUrl: 'https://gitlab.example.com',
      projects: [{ path: 'demo/app', tags: ['v1.0.0'], branches: ['main', 'release/1.x'] }, { path: 'demo/public', visibility: 'public', tags: ['v1'] }],
      ...extra,
    },
  });
}

test('GitLab release 1: create on an existing tag, with links; 409 when it exists; GET, list and entity shape', async (t) => {
  const s = await start(t);
  const c = await call(s, 'POST', R, {
    tag_name: 'v1.0.0',
    name: 'First',
    description: 'notes',
    assets: { links: [{ name: 'app.tar.gz', url: 'https://pkg.example.com/app.tar.gz', direct_asset_path: '/bin/app.tar.gz', link_type: 'package' }] },
  });
  assert.equal(c.status, 201, c.text);
  const r = c.json();
  assert.equal(r.tag_name, 'v1.0.0');
  assert.equal(r.name, 'First');
  assert.equal(r.description, 'notes');
  assert.equal(r.assets.links.length, 1);
  assert.deepEqual(Object.keys(r.assets.links[0]).sort(), ['direct_asset_url', 'id', 'link_type', 'name', 'url']);
  assert.equal(r.assets.links[0].direct_asset_url, 'https://gitlab.example.com/demo/app/-/releases/v1.0.0/downloads/bin/app.tar.gz');
  assert.equal(r.assets.links[0].link_type, 'package');
  assert.equal(r.assets.count, 5, 'links plus four source archives');
  assert.equal(r.author.username, 'maintainer');

  const again = await call(s, 'POST', R, { tag_name: 'v1.0.0' });
  assert.deepEqual([again.status, again.json()], [409, { message: 'Release already exists' }]);

  const got = await call(s, 'GET', `${R}/v1.0.0`);
  assert.deepEqual([got.status, got.json().name], [200, 'First']);
  assert.deepEqual((await call(s, 'GET', `${R}/v9`)).json(), { message: '404 Not Found' });
  const listed = await call(s, 'GET', R);
  assert.deepEqual([listed.status, listed.json().length, listed.headers['x-total']], [200, 1, '1']);
  // the name defaults to the tag
  const c2 = await call(s, 'POST', R, { tag_name: 'v2', ref: 'main' });
  assert.equal(c2.json().name, 'v2');
});

test('GitLab release 2: a missing tag needs ref (422 Ref is not specified); ref creates it from a branch, tag or SHA; bad refs 400', async (t) => {
  const s = await start(t);
  assert.deepEqual(await pair(call(s, 'POST', R, { tag_name: 'v3' })), [422, { message: 'Ref is not specified' }]);
  assert.deepEqual(await pair(call(s, 'POST', R, { tag_name: 'v3', ref: 'nope' })), [400, { message: 'Target nope is invalid' }]);
  assert.deepEqual(await pair(call(s, 'POST', R, { tag_name: 'v3', ref: '' })), [400, { message: 'Target is empty' }]);
  assert.deepEqual(await pair(call(s, 'POST', R, { tag_name: 'bad..tag', ref: 'main' })), [400, { message: 'Tag name invalid' }]);
  assert.deepEqual(await pair(call(s, 'POST', R, {})), [400, { error: 'tag_name is missing' }]);
  const fromBranch = await call(s, 'POST', R, { tag_name: 'v3', ref: 'release/1.x' });
  assert.equal(fromBranch.status, 201);
  const fromSha = await call(s, 'POST', R, { tag_name: 'v4', ref: SHA });
  assert.deepEqual([fromSha.status, fromSha.json().commit.id], [201, SHA]);
  // v4 now exists as a tag: it can be a ref for another tag
  assert.equal((await call(s, 'POST', R, { tag_name: 'v5', ref: 'v4' })).json().commit.id, SHA);
  // milestones are checked before the tag
  assert.deepEqual(await pair(call(s, 'POST', R, { tag_name: 'v6', ref: 'main', milestones: ['m1'] })), [400, { message: 'Milestone(s) not found: m1' }]);
});

test('GitLab release 3: link rules on create and on the links API, with GitLab\'s messages', async (t) => {
  const s = await start(t);
  const bad = (link: Record<string, unknown>) => pair(call(s, 'POST', R, { tag_name: 'v1.0.0', assets: { links: [link] } }));
  assert.deepEqual(await bad({ name: 'a', url: 'file:///etc/passwd' }), [400, { message: 'Validation failed: Links url is blocked: Only allowed schemes are http, https, ftp' }]);
  assert.deepEqual(await bad({ name: 'a', url: 'https://x.example/a', direct_asset_path: 'bin/a' }), [400, { message: 'Validation failed: Links filepath is in an invalid format' }]);
  assert.deepEqual(await bad({ name: 'a', url: 'https://x.example/a', link_type: 'binary' }), [400, { message: "'binary' is not a valid link_type" }]);
  assert.deepEqual(await bad({ name: 'a' }), [400, { error: 'assets[links][0][url] is missing' }]);
  const dup = await pair(call(s, 'POST', R, { tag_name: 'v1.0.0', assets: { links: [{ name: 'a', url: 'https://x.example/1' }, { name: 'a', url: 'https://x.example/2' }] } }));
  assert.equal(dup[0], 400);
  assert.match(dup[1].message, /^Validation failed: Links have duplicate values \(a\) for #<Release:0x[0-9a-f]+> scope$/);

  assert.equal((await call(s, 'POST', R, { tag_name: 'v1.0.0' })).status, 201);
  const L = links('v1.0.0');
  const ok = await call(s, 'POST', L, { name: 'app', url: 'https://x.example/app', direct_asset_path: '/ap' });
  // `/ap` is too short for the regex (it needs at least four characters)
  assert.deepEqual([ok.status, ok.json()], [400, { message: ['Filepath is in an invalid format'] }]);
  const made = await call(s, 'POST', L, { name: 'app', url: 'https://x.example/app', direct_asset_path: '/bin/app' });
  assert.equal(made.status, 201);
  assert.equal(made.json().link_type, 'other');
  const taken = await call(s, 'POST', L, { name: 'app', url: 'https://x.example/app', direct_asset_path: '/bin/app' });
  assert.deepEqual([taken.status, taken.json()], [400, { message: ['Url has already been taken', 'Name has already been taken', 'Filepath has already been taken'] }]);
  const long = await call(s, 'POST', L, { name: 'b', url: 'https://x.example/b', direct_asset_path: `/${'a'.repeat(128)}` });
  assert.deepEqual(long.json(), { message: ['Filepath is too long (maximum is 128 characters)'] });
  assert.deepEqual((await call(s, 'POST', L, { name: 'b', url: 'https://x.example/b', direct_asset_path: '/a//b1' })).json(), { message: ['Filepath is in an invalid format'] });
  assert.deepEqual((await call(s, 'POST', L, { name: 'b', url: 'https://x.example/b', direct_asset_path: '' })).json(), { message: ['Filepath is in an invalid format'] });
  assert.deepEqual((await call(s, 'POST', L, { name: 'b', url: 'not a url' })).json(), { message: ['Url is blocked: Only allowed schemes are http, https, ftp'] });
  assert.deepEqual((await call(s, 'POST', L, { name: 'b', url: 'https://x.example/b', link_type: 'zip' })).json(), { error: 'link_type does not have a valid value' });
  assert.deepEqual((await call(s, 'POST', L, {})).json(), { error: 'name is missing, url is missing' });
  assert.deepEqual(await pair(call(s, 'POST', links('v9'), { name: 'b', url: 'https://x.example/b' })), [404, { message: '404 Not found' }]);
  assert.equal((await call(s, 'POST', L, { name: 'ftp', url: 'ftp://x.example/b' })).status, 201);
});

test('GitLab release 4: links list, get, update (link_type resets to other), delete answers 200 with the link', async (t) => {
  const s = await start(t);
  await call(s, 'POST', R, { tag_name: 'v1.0.0' });
  const L = links('v1.0.0');
  const a = (await call(s, 'POST', L, { name: 'a', url: 'https://x.example/a', link_type: 'image' })).json();
  const b = (await call(s, 'POST', L, { name: 'b', url: 'https://x.example/b' })).json();
  assert.deepEqual((await call(s, 'GET', L)).json().map((l: { id: number }) => l.id), [b.id, a.id], 'newest first');
  assert.equal((await call(s, 'GET', `${L}/${a.id}`)).json().name, 'a');
  assert.equal((await call(s, 'GET', `${L}/999`)).status, 404);
  const u = await call(s, 'PUT', `${L}/${a.id}`, { name: 'a2' });
  assert.deepEqual([u.status, u.json().name, u.json().link_type], [200, 'a2', 'other']);
  assert.deepEqual((await call(s, 'PUT', `${L}/${a.id}`, { link_type: 'image' })).json(), { error: 'name, url are missing, at least one parameter must be provided' });
  assert.deepEqual((await call(s, 'PUT', `${L}/${a.id}`, { url: 'https://x.example/b' })).json(), { message: ['Url has already been taken'] });
  const d = await call(s, 'DELETE', `${L}/${b.id}`);
  assert.deepEqual([d.status, d.json().id], [200, b.id]);
  assert.equal((await call(s, 'DELETE', `${L}/${b.id}`)).status, 404);
  // a deleted link's id is not reused
  const c = (await call(s, 'POST', L, { name: 'c', url: 'https://x.example/c' })).json();
  assert.ok(c.id > b.id);
});

test('GitLab release 5: update — params is empty, a missing release is 403, changes persist', async (t) => {
  const s = await start(t);
  await call(s, 'POST', R, { tag_name: 'v1.0.0', description: 'one' });
  assert.deepEqual(await pair(call(s, 'PUT', `${R}/v1.0.0`, {})), [400, { message: 'params is empty' }]);
  assert.deepEqual(await pair(call(s, 'PUT', `${R}/v9`, { name: 'x' })), [403, { message: '403 Forbidden' }]);
  const u = await call(s, 'PUT', `${R}/v1.0.0`, { name: 'Renamed', description: 'two' });
  assert.deepEqual([u.status, u.json().name, u.json().description], [200, 'Renamed', 'two']);
  assert.equal((await call(s, 'GET', `${R}/v1.0.0`)).json().description, 'two');
});

test('GitLab release 6: permissions — job token and Developer write, Reporter 403, guest cannot read code, read_api scope, non-member 404', async (t) => {
  const s = await start(t);
  const job = { 'JOB-TOKEN': s.tokens.job! };
  assert.equal((await call(s, 'POST', R, { tag_name: 'v1.0.0' }, job)).status, 201);
  assert.equal((await call(s, 'POST', links('v1.0.0'), { name: 'j', url: 'https://x.example/j' }, { authorization: `Bearer ${s.tokens.job}` })).status, 201);
  assert.equal((await call(s, 'POST', R, { tag_name: 'v2', ref: 'main' }, s.tokens.developer!)).status, 201);
  assert.deepEqual(await pair(call(s, 'POST', R, { tag_name: 'v3', ref: 'main' }, s.tokens.reporter!)), [403, { message: '403 Forbidden' }]);
  assert.equal((await call(s, 'POST', links('v1.0.0'), { name: 'r', url: 'https://x.example/r' }, s.tokens.reporter!)).status, 403);
  assert.equal((await call(s, 'GET', `${R}/v1.0.0`, undefined, s.tokens.reporter!)).status, 200);
  assert.equal((await call(s, 'GET', `${R}/v1.0.0`, undefined, s.tokens.guest!)).status, 403);
  const guestList = (await call(s, 'GET', R, undefined, s.tokens.guest!)).json();
  assert.equal(guestList[0].tag_name, undefined, 'tag_name is hidden from callers who cannot download code');
  assert.match(guestList[0].name, /^Release-\d+$/, 'and the name too (ReleasePresenter#name)');
  assert.equal((await call(s, 'GET', R, undefined, s.tokens.outsider!)).status, 404);
  // the links API validates params before it looks for the project (`after_validation`)
  assert.equal((await call(s, 'POST', links('v1.0.0'), {}, s.tokens.outsider!)).status, 400);
  assert.equal((await call(s, 'POST', links('v1.0.0'), { name: 'o', url: 'https://x.example/o' }, s.tokens.outsider!)).status, 404);
  assert.equal((await call(s, 'GET', R, undefined, null)).status, 404);
  assert.equal((await call(s, 'GET', R, undefined, 'glpat-wrong')).status, 401);
  assert.equal((await call(s, 'POST', R, { tag_name: 'v4', ref: 'main' }, { 'DEPLOY-TOKEN': s.tokens.deployRw! })).status, 404, 'a deploy token is not a credential here');
});

test('GitLab release 7: a read_api token may read but not write; the 422 probe tells a writer from a reader without writing', async (t) => {
  const s = await start(t, {
    tokens: {
      dev: { type: 'personal', user: 'developer' },
      devRead: { type: 'personal', user: 'developer', scopes: ['read_api'] },
      rep: { type: 'personal', user: 'reporter' },
      job: { type: 'job', user: 'developer' },
    },
  });
  const probe = (token: string | Record<string, string>) => pair(call(s, 'POST', R, { tag_name: 'relpack-probe-does-not-exist' }, token));
  assert.deepEqual(await probe(s.tokens.dev!), [422, { message: 'Ref is not specified' }]);
  assert.deepEqual(await probe({ 'JOB-TOKEN': s.tokens.job! }), [422, { message: 'Ref is not specified' }]);
  assert.deepEqual(await probe(s.tokens.rep!), [403, { message: '403 Forbidden' }]);
  const scoped = await probe(s.tokens.devRead!);
  assert.deepEqual([scoped[0], scoped[1].error], [403, 'insufficient_scope']);
  assert.equal((await call(s, 'GET', R, undefined, s.tokens.devRead!)).status, 200);
  assert.equal(s.tokens.maintainer, undefined, 'the default tokens are gone');
  assert.deepEqual((await call(s, 'GET', R, undefined, s.tokens.dev!)).json(), [], 'the probe created nothing');
});

test('GitLab release 8: direct asset downloads redirect (302) to the link; the web route does for public projects', async (t) => {
  const s = await start(t);
  await call(s, 'POST', R, { tag_name: 'v1.0.0', assets: { links: [{ name: 'a', url: 'https://pkg.example.com/a.bin', direct_asset_path: '/dist/a.bin' }] } });
  const api = await call(s, 'GET', `${R}/v1.0.0/downloads/dist/a.bin`);
  assert.deepEqual([api.status, api.headers.location], [302, 'https://pkg.example.com/a.bin']);
  assert.equal((await call(s, 'GET', `${R}/v1.0.0/downloads/dist/b.bin`)).status, 404);
  const P = `${API(2)}/releases`;
  await call(s, 'POST', P, { tag_name: 'v1', assets: { links: [{ name: 'p', url: 'https://pkg.example.com/p', filepath: '/p/file' }] } });
  const web = await call(s, 'GET', '/demo/public/-/releases/v1/downloads/p/file', undefined, null);
  assert.deepEqual([web.status, web.headers.location], [302, 'https://pkg.example.com/p']);
  const priv = await call(s, 'GET', '/demo/app/-/releases/v1.0.0/downloads/dist/a.bin', undefined, null);
  assert.deepEqual([priv.status, priv.headers.location], [302, 'https://gitlab.example.com/users/sign_in']);
  // anonymous API read of a public project's release, and 403 on writing it
  assert.equal((await call(s, 'GET', `${P}/v1`, undefined, null)).status, 200);
  assert.equal((await call(s, 'POST', `${P}/v1/assets/links`, { name: 'x', url: 'https://x.example/x' }, null)).status, 403);
});

test('GitLab release 9: releases, links and created tags survive a restart', async (t) => {
  const { tempDir, rm } = await import('./helpers.js');
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const config = { storage: { fsync: false }, gitlab: { projects: [{ path: 'demo/app', tags: ['v1.0.0'] }] } };
  const s1 = await serve(null, config, { dataDir });
  await call(s1, 'POST', R, { tag_name: 'v2', ref: 'main', assets: { links: [{ name: 'a', url: 'https://x.example/a' }] } });
  const del = (await call(s1, 'POST', links('v2'), { name: 'b', url: 'https://x.example/b' })).json();
  await call(s1, 'DELETE', `${links('v2')}/${del.id}`);
  await s1.close();
  const s2 = await serve(null, config, { dataDir });
  t.after(() => s2.close());
  const r = (await call(s2, 'GET', `${R}/v2`)).json();
  assert.deepEqual(r.assets.links.map((l: { name: string }) => l.name), ['a']);
  // v2 is a tag now: a release for v3 may name it as ref, and the next link id is new
  assert.equal((await call(s2, 'POST', R, { tag_name: 'v3', ref: 'v2' })).status, 201);
  assert.ok((await call(s2, 'POST', links('v2'), { name: 'c', url: 'https://x.example/c' })).json().id > del.id);
});

test('GitLab release 10: faults fire on the release routes (status, hold)', async (t) => {
  const s = await start(t);
  const [st] = s.faults.add({ route: 'gitlab.release.create', kind: 'status', status: 503, times: [1] });
  assert.equal((await call(s, 'POST', R, { tag_name: 'v1.0.0' })).status, 503);
  assert.equal((await call(s, 'POST', R, { tag_name: 'v1.0.0' })).status, 201);
  assert.deepEqual(s.faults.fired(st).map((f) => [f.route, f.method]), [['gitlab.release.create', 'POST']]);
  const [hold] = s.faults.add({ route: 'gitlab.release.link.create', kind: 'hold', times: [1] });
  const pending = call(s, 'POST', links('v1.0.0'), { name: 'a', url: 'https://x.example/a' });
  await s.faults.reached(hold);
  assert.equal((await call(s, 'GET', links('v1.0.0'))).json().length, 0, 'held before anything was written');
  s.faults.release(hold);
  assert.equal((await pending).status, 201);
  const [rl] = s.faults.add({ route: 'gitlab.release.*', kind: 'rate-limit', times: [1] });
  assert.equal((await call(s, 'GET', `${R}/v1.0.0`)).status, 429);
  assert.equal(s.faults.fired(rl)[0]!.route, 'gitlab.release.get');
});

async function pair(r: Promise<Reply>): Promise<[number, any]> {
  const x = await r;
  return [x.status, x.json()];
}
