// Releases API and release assets of Gitea and Forgejo (docs/gitea-behaviour.md, "Releases API and
// release assets"; Gitea `routers/api/v1/repo/release.go`, `release_attachment.go`,
// `services/release/release.go`; Forgejo ≥ v9 `release_attachment.go` for external-URL assets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/server/index.js';
import { rm, send, serve, tempDir, type Reply } from './helpers.js';

const R = '/api/v1/repos/demo/app/releases';
const SHA = 'b'.repeat(40);
const tok = (value: string | undefined) => ({ authorization: `token ${value}` });

function json(s: RunningServer, method: string, path: string, body?: unknown, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> {
  return send(s.url, method, path, { headers: { ...headers, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

/** A multipart/form-data body with text fields and optional files, as curl --form sends it. */
function multipart(fields: Record<string, string>, files: Record<string, { name: string; data: string }> = {}): { body: Buffer; type: string } {
  const boundary = 'relpackBoundary7MA4YWxkTrZu0gW';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  for (const [k, f] of Object.entries(files)) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n${f.data}\r\n`);
  parts.push(`--${boundary}--\r\n`);
  return { body: Buffer.from(parts.join('')), type: `multipart/form-data; boundary=${boundary}` };
}

function postForm(s: RunningServer, path: string, form: { body: Buffer; type: string }, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> {
  return send(s.url, 'POST', path, { headers: { ...headers, 'content-type': form.type }, body: form.body });
}

const repoConfig = { users: [{ name: 'demo', repos: [{ name: 'app', tags: ['v1.0.0'], branches: ['main', 'dev'] }] }, { name: 'other' }, { name: 'root', admin: true }] };

async function start(t: Parameters<typeof serve>[0], gitea: Record<string, unknown> = {}): Promise<RunningServer> {
  return serve(t, { storage: { fsync: false }, gitea: { ...repoConfig, ...gitea } });
}

test('Gitea release 1: create on an existing tag, 409 "Release is has no Tag" when a release exists, get by tag and id, list', async (t) => {
  const s = await start(t);
  const c = await json(s, 'POST', R, { tag_name: 'v1.0.0', name: 'First', body: 'notes' });
  assert.equal(c.status, 201, c.text);
  const r = c.json();
  assert.deepEqual([r.tag_name, r.name, r.body, r.draft, r.prerelease, r.target_commitish, r.assets], ['v1.0.0', 'First', 'notes', false, false, '', []]);
  assert.equal(r.author.login, 'demo');
  assert.equal(r.upload_url, `${s.url}/api/v1/repos/demo/app/releases/${r.id}/assets`);
  const again = await json(s, 'POST', R, { tag_name: 'V1.0.0' });
  assert.deepEqual([again.status, again.json().message], [409, 'Release is has no Tag'], 'tags compare case-insensitively');
  assert.equal((await json(s, 'GET', `${R}/tags/v1.0.0`)).json().id, r.id);
  assert.equal((await json(s, 'GET', `${R}/tags/v9`)).status, 404);
  assert.equal((await json(s, 'GET', `${R}/${r.id}`)).json().name, 'First');
  assert.equal((await json(s, 'GET', `${R}/999`)).status, 404);
  const listed = await json(s, 'GET', R);
  assert.deepEqual([listed.status, listed.json().length, listed.headers['x-total-count']], [200, 1, '1']);
  assert.equal((await json(s, 'GET', `${R}/latest`)).json().id, r.id);
});

test('Gitea release 2: a missing tag is created from target_commitish (default branch by default); an unknown target is 404; drafts create no tag', async (t) => {
  const s = await start(t);
  const fromDefault = await json(s, 'POST', R, { tag_name: 'v2' });
  assert.deepEqual([fromDefault.status, fromDefault.json().target_commitish], [201, 'main']);
  assert.equal((await json(s, 'POST', R, { tag_name: 'v3', target_commitish: 'dev' })).status, 201);
  assert.equal((await json(s, 'POST', R, { tag_name: 'v4', target_commitish: SHA })).status, 201);
  assert.equal((await json(s, 'POST', R, { tag_name: 'v5', target_commitish: 'v4' })).status, 201, 'a created tag is a valid target');
  const bad = await json(s, 'POST', R, { tag_name: 'v6', target_commitish: 'nope' });
  assert.equal(bad.status, 404);
  assert.match(bad.json().message, /^target "nope" not found/);
  const draft = await json(s, 'POST', R, { tag_name: 'v7', target_commitish: 'nope', draft: true });
  assert.deepEqual([draft.status, draft.json().draft], [201, true], 'a draft does not resolve its target');
  // publishing the draft creates the tag then: an unknown target is an internal error
  const pub = await json(s, 'PATCH', `${R}/${draft.json().id}`, { draft: false });
  assert.deepEqual([pub.status, pub.json().message], [500, '']);
  const ok = await json(s, 'PATCH', `${R}/${draft.json().id}`, { draft: false, target_commitish: 'main', name: 'Seven' });
  assert.deepEqual([ok.status, ok.json().draft, ok.json().name], [200, false, 'Seven']);
  // missing tag_name: 422 from the binding
  const missing = await json(s, 'POST', R, {});
  assert.deepEqual([missing.status, missing.json()], [422, [{ fieldNames: ['TagName'], classification: 'RequiredError', message: 'Required' }]]);
  assert.equal((await send(s.url, 'POST', R, { headers: { ...tok(s.tokens.giteaOwner), 'content-type': 'application/json' }, body: '{nope' })).status, 422);
  // drafts are listed for writers only
  assert.equal((await json(s, 'GET', R, undefined, tok(s.tokens.giteaOther))).json().some((x: { draft: boolean }) => x.draft), false);
});

test('Gitea release 3: edit keeps absent and empty fields; delete keeps the tag', async (t) => {
  const s = await start(t);
  const r = (await json(s, 'POST', R, { tag_name: 'v1.0.0', name: 'n', body: 'b', prerelease: true })).json();
  const e = await json(s, 'PATCH', `${R}/${r.id}`, { name: '', body: 'b2' });
  assert.deepEqual([e.status, e.json().name, e.json().body, e.json().prerelease], [200, 'n', 'b2', true]);
  assert.equal((await json(s, 'PATCH', `${R}/999`, { name: 'x' })).status, 404);
  assert.equal((await json(s, 'DELETE', `${R}/${r.id}`)).status, 204);
  assert.equal((await json(s, 'GET', `${R}/tags/v1.0.0`)).status, 404);
  assert.equal((await json(s, 'POST', R, { tag_name: 'v1.0.0' })).status, 201, 'the tag stayed');
});

test('Gitea release 4: permissions — owner, Actions token and org writers write; others 403; scope; anonymous reads public', async (t) => {
  const s = await start(t, {
    users: [{ name: 'demo', repos: ['app'] }, { name: 'other' }, { name: 'root', admin: true }],
    orgs: [{ name: 'team', members: { other: 'write', demo: 'read' }, repos: ['svc'] }],
    tokens: {
      owner: { user: 'demo', scopes: ['write:repository'] },
      ownerRead: { user: 'demo', scopes: ['read:repository'] },
      ownerPkg: { user: 'demo', scopes: ['write:package'] },
      other: { user: 'other', scopes: ['write:repository'] },
      root: { user: 'root' },
      ci: { type: 'actions', repo: 'demo/app' },
    },
  });
  const T = (n: string) => tok(s.tokens[n]);
  assert.equal((await json(s, 'POST', R, { tag_name: 'a1' }, T('ci'))).status, 201);
  assert.equal((await json(s, 'POST', R, { tag_name: 'a2' }, T('root'))).status, 201);
  const denied = await json(s, 'POST', R, { tag_name: 'a3' }, T('other'));
  assert.deepEqual([denied.status, denied.json().message], [403, 'user should have a permission to write to a repo']);
  const scope = await json(s, 'POST', R, { tag_name: 'a3' }, T('ownerRead'));
  assert.deepEqual([scope.status, scope.json().message], [403, 'token does not have at least one of required scope(s), required=[write:repository], token scope=read:repository']);
  assert.equal((await json(s, 'GET', R, undefined, T('ownerRead'))).status, 200);
  assert.equal((await json(s, 'GET', R, undefined, T('ownerPkg'))).status, 403);
  assert.equal((await json(s, 'GET', R, undefined, {})).status, 200);
  const anon = await json(s, 'POST', R, { tag_name: 'a3' }, {});
  assert.deepEqual([anon.status, anon.json().message], [401, 'token is required']);
  assert.equal((await json(s, 'GET', R, undefined, tok('0'.repeat(40)))).status, 401);
  // the Actions token writes its own repository only; org members by their team level
  const svc = '/api/v1/repos/team/svc/releases';
  assert.equal((await json(s, 'POST', svc, { tag_name: 's1' }, T('ci'))).status, 403);
  assert.equal((await json(s, 'POST', svc, { tag_name: 's1' }, T('other'))).status, 201);
  assert.equal((await json(s, 'POST', svc, { tag_name: 's2' }, T('owner'))).status, 403);
  assert.equal((await json(s, 'GET', '/api/v1/repos/demo/nope/releases', undefined, T('owner'))).status, 404);
});

test('Gitea release 5: the non-mutating probe — an empty POST is 422 for a writer, 403 otherwise; POST …/releases/0/assets 404 vs 403', async (t) => {
  const s = await start(t);
  assert.equal((await json(s, 'POST', R, {})).status, 422);
  assert.equal((await json(s, 'POST', R, {}, tok(s.tokens.giteaActions))).status, 422);
  assert.equal((await json(s, 'POST', R, {}, tok(s.tokens.giteaOther))).status, 403);
  assert.equal((await json(s, 'POST', `${R}/0/assets`, {})).status, 404);
  assert.equal((await json(s, 'POST', `${R}/0/assets`, {}, tok(s.tokens.giteaOther))).status, 403);
  assert.deepEqual((await json(s, 'GET', R)).json(), [], 'nothing was created');
});

test('Gitea release 6: Forgejo ≥ v9 external-URL assets — multipart external_url, type external, rules and messages', async (t) => {
  const s = await start(t, { server: 'forgejo', version: '11.0.1' });
  const r = (await json(s, 'POST', R, { tag_name: 'v1.0.0' })).json();
  const A = `${R}/${r.id}/assets`;
  const ext = await postForm(s, `${A}?name=app.tar.gz`, multipart({ external_url: 'https://pkg.example.com/files/app.tar.gz' }));
  assert.equal(ext.status, 201, ext.text);
  assert.deepEqual([ext.json().name, ext.json().type, ext.json().browser_download_url, ext.json().size], ['app.tar.gz', 'external', 'https://pkg.example.com/files/app.tar.gz', 0]);
  const named = await postForm(s, A, multipart({ external_url: 'https://pkg.example.com/files/lib.zip' }));
  assert.equal(named.json().name, 'lib.zip', 'the name defaults to the last path element');
  assert.equal((await postForm(s, A, multipart({ external_url: 'https://pkg.example.com' }))).json().name, 'pkg.example.com', 'or the host');
  const both = await postForm(s, A, multipart({ external_url: 'https://x.example/a' }, { attachment: { name: 'a.bin', data: 'abc' } }));
  assert.deepEqual([both.status, both.json().message], [400, "'attachment' and 'external_url' are mutually exclusive"]);
  const neither = await postForm(s, A, multipart({ name: 'x' }));
  assert.deepEqual([neither.status, neither.json().message], [400, "One of 'attachment' or 'external_url' is required"]);
  const ftp = await postForm(s, A, multipart({ external_url: 'ftp://x.example/a' }));
  assert.deepEqual([ftp.status, ftp.json().message], [400, "invalid external URL: 'ftp://x.example/a'"]);
  // a urlencoded body counts as a file body, so external_url there is "mutually exclusive"
  const urlenc = await send(s.url, 'POST', A, { headers: { ...tok(s.tokens.giteaOwner), 'content-type': 'application/x-www-form-urlencoded' }, body: 'external_url=https%3A%2F%2Fx.example%2Fa&name=a' });
  assert.deepEqual([urlenc.status, urlenc.json().message], [400, "'attachment' and 'external_url' are mutually exclusive"]);
  // a file upload still works, and is type attachment
  const file = await postForm(s, A, multipart({}, { attachment: { name: 'notes.txt', data: 'hello' } }));
  assert.deepEqual([file.status, file.json().type, file.json().size, file.json().name], [201, 'attachment', 5, 'notes.txt']);
  // edit: a new URL for an external asset (201), refused for a file asset
  const e = await json(s, 'PATCH', `${A}/${ext.json().id}`, { browser_download_url: 'https://pkg.example.com/v2/app.tar.gz', name: 'app2.tar.gz' });
  assert.deepEqual([e.status, e.json().browser_download_url, e.json().name], [201, 'https://pkg.example.com/v2/app.tar.gz', 'app2.tar.gz']);
  const ef = await json(s, 'PATCH', `${A}/${file.json().id}`, { browser_download_url: 'https://x.example/y' });
  assert.deepEqual([ef.status, ef.json().message], [400, 'existing attachment is not external']);
  const bad = await json(s, 'PATCH', `${A}/${ext.json().id}`, { browser_download_url: 'nope' });
  assert.deepEqual([bad.status, bad.json().message], [400, "invalid external URL: 'nope'"]);
  const listed = await json(s, 'GET', A);
  assert.deepEqual(listed.json().map((a: { name: string }) => a.name), ['app2.tar.gz', 'lib.zip', 'pkg.example.com', 'notes.txt']);
  assert.equal((await json(s, 'GET', `${R}/${r.id}`)).json().assets.length, 4);
  assert.equal((await json(s, 'DELETE', `${A}/${named.json().id}`)).status, 204);
  assert.equal((await json(s, 'DELETE', `${A}/${named.json().id}`)).status, 404);
  assert.equal((await json(s, 'GET', `${R}/999/assets`)).status, 404);
});

test('Gitea release 7: without external assets (Gitea, Forgejo v8) a multipart external_url is 500; files upload as before', async (t) => {
  for (const cfg of [{ server: 'gitea' }, { server: 'forgejo', version: '8.0.3' }]) {
    const s = await start(t, cfg);
    const r = (await json(s, 'POST', R, { tag_name: 'v1.0.0' })).json();
    const A = `${R}/${r.id}/assets`;
    const ext = await postForm(s, `${A}?name=a`, multipart({ external_url: 'https://x.example/a' }));
    assert.deepEqual([ext.status, ext.json().message], [500, ''], cfg.server);
    const file = await postForm(s, `${A}?name=renamed.bin`, multipart({}, { attachment: { name: 'a.bin', data: 'abcd' } }));
    assert.deepEqual([file.status, file.json().name, file.json().size, 'type' in file.json()], [201, 'renamed.bin', 4, false], cfg.server);
    const raw = await send(s.url, 'POST', `${A}?name=raw.bin`, { headers: { ...tok(s.tokens.giteaOwner), 'content-type': 'application/octet-stream' }, body: 'xyz' });
    assert.deepEqual([raw.status, raw.json().size], [201, 3]);
    const noName = await send(s.url, 'POST', A, { headers: { ...tok(s.tokens.giteaOwner), 'content-type': 'application/octet-stream' }, body: 'xyz' });
    assert.deepEqual([noName.status, noName.json().message], [400, 'Could not determine name of attachment.']);
    // the edit ignores browser_download_url, and answers 201
    const e = await json(s, 'PATCH', `${A}/${file.json().id}`, { name: 'x.bin', browser_download_url: 'https://x.example/y' });
    assert.deepEqual([e.status, e.json().name], [201, 'x.bin']);
  }
});

test('Gitea release 8: releases, assets and created tags survive a restart', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const config = { storage: { fsync: false }, gitea: { ...repoConfig, server: 'forgejo' as const } };
  const s1 = await serve(null, config, { dataDir });
  const r = (await json(s1, 'POST', R, { tag_name: 'v2', target_commitish: SHA })).json();
  const a = (await postForm(s1, `${R}/${r.id}/assets`, multipart({ external_url: 'https://x.example/a.bin' }))).json();
  await s1.close();
  const s2 = await serve(null, config, { dataDir });
  t.after(() => s2.close());
  const got = (await json(s2, 'GET', `${R}/tags/v2`)).json();
  assert.deepEqual([got.id, got.assets.map((x: { id: number }) => x.id)], [r.id, [a.id]]);
  assert.equal((await json(s2, 'POST', R, { tag_name: 'v3', target_commitish: 'v2' })).status, 201, 'v2 is a tag now');
  assert.ok((await json(s2, 'POST', R, { tag_name: 'v4' })).json().id > r.id);
});

test('Gitea release 9: faults fire on the release routes', async (t) => {
  const s = await start(t, { server: 'forgejo' });
  const [st] = s.faults.add({ route: 'gitea.release.create', kind: 'status', status: 502, times: [1] });
  assert.equal((await json(s, 'POST', R, { tag_name: 'v1.0.0' })).status, 502);
  const r = await json(s, 'POST', R, { tag_name: 'v1.0.0' });
  assert.equal(r.status, 201);
  assert.deepEqual(s.faults.fired(st).map((f) => f.route), ['gitea.release.create']);
  const [hold] = s.faults.add({ route: 'gitea.release.asset.create', kind: 'hold', times: [1] });
  const pending = postForm(s, `${R}/${r.json().id}/assets`, multipart({ external_url: 'https://x.example/a' }));
  await s.faults.reached(hold);
  assert.equal((await json(s, 'GET', `${R}/${r.json().id}/assets`)).json().length, 0);
  s.faults.release(hold);
  assert.equal((await pending).status, 201);
  const [reset] = s.faults.add({ route: 'gitea.release.*', method: 'GET', kind: 'reset-response', times: [1] });
  await assert.rejects(json(s, 'GET', `${R}/tags/v1.0.0`));
  assert.equal(s.faults.fired(reset)[0]!.route, 'gitea.release.tag');
});

test('Gitea release 10: config — repos with tags and branches; bad ref names are refused', async () => {
  const { resolveGiteaConfig } = await import('../../src/server/gitea/config.js');
  const cfg = resolveGiteaConfig({ users: [{ name: 'demo', repos: ['a', { name: 'b', tags: ['v1'], branches: ['trunk'] }] }] });
  assert.deepEqual(cfg.repos.map((r) => [r.fullName, r.tags, r.branches]), [['demo/a', [], ['main']], ['demo/b', ['v1'], ['trunk']]]);
  assert.throws(() => resolveGiteaConfig({ users: [{ name: 'demo', repos: [{ name: 'b', tags: ['bad..tag'] }] }] }), /gitea\.users\[0\]\.repos\[0\]\.tags\[0\]/);
  assert.equal(resolveGiteaConfig({ server: 'forgejo', version: '9.0.0' }).features.externalAssets, true);
  assert.equal(resolveGiteaConfig({ server: 'forgejo', version: '8.0.3' }).features.externalAssets, false);
  assert.equal(resolveGiteaConfig({ server: 'gitea' }).features.externalAssets, false);
});
