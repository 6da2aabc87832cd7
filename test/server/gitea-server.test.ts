// The Gitea flavour beyond the numbered edge cases: Forgejo vs Gitea by config, object-storage
// 303, faults on gitea routes, restart persistence, orgs and visibility, config errors,
// concurrent uploads (Gitea `routers/api/packages/generic/generic.go`, `routers/api/packages/api.go`,
// `routers/api/v1/api.go`; summary in docs/gitea-behaviour.md).
import { test } from 'node:test';
import { request as httpRequest } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/server/index.js';
import { basic, noTempFilesLeft, rm, send, serve, tempDir, type Reply } from './helpers.js';

const P = (file: string, name = 'pkg', version = '1.0.0', owner = 'demo') => `/api/packages/${owner}/generic/${name}/${version}/${file}`;
const tok = (value: string | undefined) => ({ authorization: `token ${value}` });
const put = (s: RunningServer, path: string, body: Buffer | string, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> =>
  send(s.url, 'PUT', path, { headers, body });
const get = (s: RunningServer, path: string, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> => send(s.url, 'GET', path, { headers });

test('Gitea vs Forgejo by config: /api/v1/version, Content-Disposition per version, per-package API only on Gitea ≥1.24', async (t) => {
  const cases = [
    { gitea: { server: 'gitea' as const, version: '1.25.3' }, version: '1.25.3', disposition: true, perPackage: true },
    { gitea: { server: 'gitea' as const }, version: '1.26.1', disposition: false, perPackage: true },
    { gitea: { server: 'forgejo' as const, version: '11.0.1' }, version: '11.0.1+gitea-1.22.0', disposition: true, perPackage: false },
  ];
  for (const c of cases) {
    const s = await serve(t, { gitea: c.gitea });
    const v = await send(s.url, 'GET', '/api/v1/version');
    assert.deepEqual(v.json(), { version: c.version });
    assert.equal((await put(s, P('my%20file.bin'), 'x')).status, 201);
    const dl = await get(s, P('my%20file.bin'));
    if (c.disposition) assert.equal(dl.headers['content-disposition'], `attachment; filename="my file.bin"; filename*=UTF-8''my%20file.bin`, c.version);
    else assert.equal(dl.headers['content-disposition'], undefined, c.version);
    const versions = await get(s, '/api/v1/packages/demo/generic/pkg');
    assert.equal(versions.status, c.perPackage ? 200 : 404, c.version);
    const delPkg = await send(s.url, 'DELETE', '/api/v1/packages/demo/generic/pkg', { headers: tok(s.tokens.giteaOwner) });
    assert.equal(delPkg.status, c.perPackage ? 204 : 404, c.version);
    assert.equal((await get(s, P('my%20file.bin'))).status, c.perPackage ? 404 : 200, c.version);
  }
  // Forgejo before v12: the v1 list needs a token like Gitea.
  const old = await serve(t, { gitea: { server: 'forgejo', version: '11.0.1' } });
  assert.equal((await get(old, '/api/v1/packages/demo', {})).status, 401);
});

test('Gitea object storage: GET (and HEAD on Gitea) → 303 to a presigned URL; the origin refuses a forwarded Authorization; Forgejo HEAD never redirects', async (t) => {
  const g = await serve(t, { objectStorage: { enabled: true }, gitea: { version: '1.25.0' } });
  assert.equal((await put(g, P('o.bin'), '0123456789')).status, 201);
  const r = await get(g, P('o.bin'));
  assert.equal(r.status, 303);
  const loc = new URL(String(r.headers.location));
  assert.equal(loc.origin, g.storageUrl);
  assert.equal(r.body.length, 0);
  const forwarded = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: tok(g.tokens.giteaOwner) });
  assert.equal(forwarded.status, 400);
  assert.match(forwarded.text, /InvalidArgument/);
  const clean = await send(loc.origin, 'GET', loc.pathname + loc.search, {});
  assert.equal(clean.status, 200);
  assert.equal(clean.text, '0123456789');
  assert.match(String(clean.headers['content-disposition']), /^attachment; filename="o\.bin"/);
  const ranged = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: { range: 'bytes=2-4' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.text, '234');
  // fetch's own redirect handling (same-origin rules aside) gets the bytes anonymously too.
  const fetched = await fetch(g.url + P('o.bin'));
  assert.equal(fetched.status, 200);
  assert.equal(await fetched.text(), '0123456789');
  const head = await send(g.url, 'HEAD', P('o.bin'), { headers: tok(g.tokens.giteaOwner) });
  assert.equal(head.status, 303);

  const f = await serve(t, { objectStorage: { enabled: true }, gitea: { server: 'forgejo' } });
  assert.equal((await put(f, P('o.bin'), '0123456789')).status, 201);
  assert.equal((await get(f, P('o.bin'))).status, 303);
  const fh = await send(f.url, 'HEAD', P('o.bin'), { headers: tok(f.tokens.giteaOwner) });
  assert.equal(fh.status, 200);
  assert.equal(fh.headers.location, undefined);
});

test('Gitea faults: a status fault on gitea.upload fires once; drop-after-commit stores the file (the retry gets 409); reset on gitea.download', async (t) => {
  const s = await serve(t);
  s.faults.add([
    { id: 'busy', route: 'gitea.upload', kind: 'status', status: 503, times: [1] },
    { id: 'drop', route: 'gitea.upload', path: 'dropped.bin', kind: 'drop-after-commit', times: [1] },
    { id: 'cut', route: 'gitea.download', kind: 'reset-response', afterBytes: 3, times: [1] },
  ]);
  const first = await put(s, P('a.bin'), 'hello');
  assert.equal(first.status, 503);
  assert.equal((await put(s, P('a.bin'), 'hello')).status, 201);
  await assert.rejects(put(s, P('dropped.bin'), 'stored anyway'));
  const retry = await put(s, P('dropped.bin'), 'stored anyway');
  assert.equal(retry.status, 409, 'the first attempt was committed before the connection dropped');
  await assert.rejects(get(s, P('a.bin')));
  assert.equal((await get(s, P('a.bin'))).text, 'hello');
  const fired = s.faults.fired();
  assert.deepEqual(fired.map((f) => [f.id, f.route]), [['busy', 'gitea.upload'], ['drop', 'gitea.upload'], ['cut', 'gitea.download']]);
  // An aborted upload (reset while receiving) leaves nothing behind.
  s.faults.add({ route: 'gitea.upload', kind: 'reset-request', afterBytes: 10, times: [1] });
  await assert.rejects(put(s, P('aborted.bin'), Buffer.alloc(1 << 16, 1)));
  assert.deepEqual(await noTempFilesLeft(s), []);
  assert.equal((await get(s, P('aborted.bin'))).status, 404);
});

test('Gitea restart persistence: packages, files, hashes, deletions and variables survive; ids are not reused', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const s1 = await serve(null, undefined, { dataDir });
  assert.equal((await put(s1, P('keep.bin'), 'kept bytes')).status, 201);
  assert.equal((await put(s1, P('gone.bin'), 'deleted')).status, 201);
  assert.equal((await put(s1, P('x.bin', 'pkg', '2.0.0'), 'v2')).status, 201);
  assert.equal((await send(s1.url, 'DELETE', P('gone.bin'), { headers: tok(s1.tokens.giteaOwner) })).status, 204);
  assert.equal((await send(s1.url, 'DELETE', '/api/packages/demo/generic/pkg/2.0.0', { headers: tok(s1.tokens.giteaOwner) })).status, 204);
  const v = await send(s1.url, 'POST', '/api/v1/repos/demo/app/actions/variables/next_version', { headers: { ...tok(s1.tokens.giteaOwner), 'content-type': 'application/json' }, body: '{"value":"1.0.1"}' });
  assert.equal(v.status, 201);
  const before = (await get(s1, '/api/v1/packages/demo/generic/pkg/1.0.0/files')).json();
  const listBefore = (await get(s1, '/api/v1/packages/demo')).text.split(s1.url).join('<origin>');
  await s1.close();

  const s2 = await serve(t, undefined, { dataDir });
  assert.equal((await get(s2, P('keep.bin'))).text, 'kept bytes');
  assert.equal((await get(s2, P('gone.bin'))).status, 404);
  assert.equal((await get(s2, P('x.bin', 'pkg', '2.0.0'))).status, 404);
  assert.deepEqual((await get(s2, '/api/v1/packages/demo/generic/pkg/1.0.0/files')).json(), before);
  assert.equal((await get(s2, '/api/v1/packages/demo')).text.split(s2.url).join('<origin>'), listBefore);
  assert.equal((await get(s2, '/api/v1/repos/demo/app/actions/variables/NEXT_VERSION')).json().data, '1.0.1');
  assert.equal((await put(s2, P('new.bin', 'pkg', '3.0.0'), 'n')).status, 201);
  const ids = ((await get(s2, '/api/v1/packages/demo')).json() as { id: number }[]).map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(Math.max(...ids) > 2, 'the deleted version id 2 is not reused');
  // A second restart (the journal was compacted without the deleted rows) still does not reuse it.
  assert.equal((await send(s2.url, 'DELETE', '/api/packages/demo/generic/pkg/3.0.0', { headers: tok(s2.tokens.giteaOwner) })).status, 204);
  await s2.close();
  await (await serve(null, undefined, { dataDir })).close(); // compacts away the deleted rows
  const s4 = await serve(t, undefined, { dataDir });
  assert.equal((await put(s4, P('newer.bin', 'pkg', '4.0.0'), 'n')).status, 201);
  const v4 = (await get(s4, '/api/v1/packages/demo/generic/pkg/4.0.0')).json();
  assert.ok(v4.id > Math.max(...ids), `version id ${v4.id} was handed out before`);
});

test('Gitea owners: org teams (owner/write/read), private and limited visibility, public-only tokens, REQUIRE_SIGNIN_VIEW, org variables', async (t) => {
  const s = await serve(t, {
    gitea: {
      users: [{ name: 'demo', repos: ['app'] }, 'bob', 'carol', { name: 'secret', visibility: 'private' }, { name: 'members', visibility: 'limited' }],
      orgs: [{ name: 'acme', visibility: 'private', members: { demo: 'owner', bob: 'write', carol: 'read' }, repos: ['tool'] }],
      tokens: {
        demo: { user: 'demo', scopes: ['all'] },
        bob: { user: 'bob', scopes: ['write:package', 'write:organization', 'write:repository'] },
        carol: { user: 'carol', scopes: ['write:package'] },
        secret: { user: 'secret', scopes: ['write:package'] },
        members: { user: 'members', scopes: ['write:package'] },
        publicOnly: { user: 'demo', scopes: ['read:package', 'public-only'] },
        job: { type: 'actions', repo: 'acme/tool' },
      },
    },
  });
  const T = s.tokens;
  assert.equal((await put(s, P('a.bin', 'pkg', '1.0', 'acme'), 'org', tok(T.bob))).status, 201, 'write team');
  assert.equal((await put(s, P('b.bin', 'pkg', '1.0', 'acme'), 'org', tok(T.carol))).status, 401, 'read team');
  assert.equal((await get(s, P('a.bin', 'pkg', '1.0', 'acme'), tok(T.carol))).status, 200);
  assert.equal((await get(s, P('a.bin', 'pkg', '1.0', 'acme'), {})).status, 401, 'private org, anonymous');
  assert.equal((await get(s, P('a.bin', 'pkg', '1.0', 'acme'), tok(T.job))).status, 401, 'the Actions user is no member');
  assert.equal((await get(s, P('a.bin', 'pkg', '1.0', 'acme'), tok(T.publicOnly))).status, 403, 'public-only token on a private owner');
  assert.equal((await put(s, P('s.bin', 'pkg', '1.0', 'secret'), 's', tok(T.secret))).status, 201);
  assert.equal((await get(s, P('s.bin', 'pkg', '1.0', 'secret'), tok(T.demo))).status, 401, 'private user');
  assert.equal((await put(s, P('m.bin', 'pkg', '1.0', 'members'), 'm', tok(T.members))).status, 201);
  assert.equal((await get(s, P('m.bin', 'pkg', '1.0', 'members'), {})).status, 401, 'limited: anonymous');
  assert.equal((await get(s, P('m.bin', 'pkg', '1.0', 'members'), tok(T.bob))).status, 200, 'limited: signed in');
  assert.equal((await get(s, P('m.bin', 'pkg', '1.0', 'members'), basic('bob', 'bob-password'))).status, 200);
  assert.equal((await get(s, P('x.bin', 'pkg', '1.0', 'nobody'), {})).status, 404);
  // Org variables need an org owner; repo variables of an org repo too.
  const body = { headers: { ...tok(T.demo), 'content-type': 'application/json' }, body: '{"value":"1"}' };
  assert.equal((await send(s.url, 'POST', '/api/v1/orgs/acme/actions/variables/ORG_V', body)).status, 201);
  assert.equal((await get(s, '/api/v1/orgs/acme/actions/variables/org_v', tok(T.demo))).json().owner_id > 0, true);
  assert.equal((await get(s, '/api/v1/orgs/acme/actions/variables', tok(T.bob))).status, 403);
  assert.equal((await send(s.url, 'POST', '/api/v1/repos/acme/tool/actions/variables/R', body)).status, 201);
  assert.equal((await get(s, '/api/v1/repos/acme/tool/actions/variables', tok(T.bob))).status, 403, 'write team member is not the owner');
  assert.equal((await get(s, '/api/v1/repos/acme/tool/actions/variables', tok(T.job))).status, 403, 'job token of that very repo');
  assert.equal((await send(s.url, 'POST', '/api/v1/user/actions/variables/MINE', body)).status, 201);
  assert.deepEqual(((await get(s, '/api/v1/user/actions/variables', tok(T.demo))).json() as { name: string }[]).map((v) => v.name), ['MINE']);

  const closed = await serve(t, { gitea: { requireSigninView: true } });
  assert.equal((await put(closed, P('a.bin'), 'x')).status, 201);
  assert.equal((await get(closed, P('a.bin'), {})).status, 401);
  assert.equal((await get(closed, P('a.bin'), tok(closed.tokens.giteaOther))).status, 200);
});

test('Gitea config: errors name the key; `gitea: false` disables the flavour; G ≤1.21 name rules', async (t) => {
  await assert.rejects(serve(null, { gitea: { orgs: [{ name: 'x', visibility: 'secret' }] } } as never), /gitea\.orgs\[0\]\.visibility/);
  await assert.rejects(serve(null, { gitea: { tokens: { t: { user: 'demo', scopes: ['write:packages'] } } } } as never), /gitea\.tokens\.t\.scopes\[0\]/);
  await assert.rejects(serve(null, { gitea: { quota: '1GiB' } }), /gitea\.quota/);
  await assert.rejects(serve(null, { gitea: { server: 'gogs' } } as never), /gitea\.server/);
  await assert.rejects(serve(null, { gitea: { tokens: { j: { type: 'actions', repo: 'demo/none' } } } }), /gitea\.tokens\.j\.repo/);
  const off = await serve(t, { gitea: false });
  assert.equal(off.tokens.giteaOwner, undefined);
  assert.equal((await send(off.url, 'GET', P('a.bin'))).status, 404);
  const old = await serve(t, { gitea: { version: '1.21.11' } });
  assert.equal((await put(old, P('with%20space.bin'), 'x')).status, 400);
  assert.equal((await put(old, P('plain.bin'), 'x')).status, 201);
  assert.equal((await send(old.url, 'HEAD', P('plain.bin'))).status, 405);
  const tooOld = await serve(t, { gitea: { version: '1.21.11' } });
  assert.equal((await get(tooOld, '/api/v1/repos/demo/app/actions/variables')).status, 404, 'no variables API before 1.22');
});

test('Gitea concurrency: racing PUTs of one new file → exactly one 201, the rest 409; racing new files → one version holding all', async (t) => {
  const s = await serve(t);
  const same = await Promise.all(Array.from({ length: 8 }, (_, i) => put(s, P('race.bin', 'racy', '1.0.0'), `body ${i}`)));
  assert.deepEqual(same.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
  const many = await Promise.all(Array.from({ length: 8 }, (_, i) => put(s, P(`f${i}.bin`, 'fresh', '2.0.0'), `body ${i}`)));
  assert.ok(many.every((r) => r.status === 201));
  const list = (await get(s, '/api/v1/packages/demo?q=fresh')).json() as unknown[];
  assert.equal(list.length, 1);
  assert.equal(((await get(s, '/api/v1/packages/demo/generic/fresh/2.0.0/files')).json() as unknown[]).length, 8);
});

test('Gitea streaming upload: chunked body without Content-Length or Content-Type is stored whole (UploadStream)', async (t) => {
  const s = await serve(t);
  const parts = Array.from({ length: 40 }, () => randomBytes(64 << 10));
  const whole = Buffer.concat(parts);
  const u = new URL(s.url);
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method: 'PUT', path: P('stream.bin'), headers: tok(s.tokens.giteaOwner) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    (async () => {
      for (const p of parts) {
        if (!req.write(p)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
  assert.equal(status, 201);
  const files = (await get(s, '/api/v1/packages/demo/generic/pkg/1.0.0/files')).json() as { size: number; sha256: string }[];
  assert.equal(files[0]!.size, whole.length);
  assert.equal(files[0]!.sha256, createHash('sha256').update(whole).digest('hex'));
});

test('Gitea v1 link/unlink: Package.repository follows the link; wrong methods on package paths → empty 405', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, P('a.bin'), 'x')).status, 201);
  const post = (path: string, token = s.tokens.giteaOwner) => send(s.url, 'POST', path, { headers: tok(token) });
  assert.equal((await post('/api/v1/packages/demo/generic/pkg/-/link/app')).status, 201);
  const linked = (await get(s, '/api/v1/packages/demo/generic/pkg/1.0.0')).json();
  assert.equal(linked.repository.full_name, 'demo/app');
  assert.equal((await post('/api/v1/packages/demo/generic/pkg/-/link/nope')).status, 404);
  assert.equal((await post('/api/v1/packages/demo/generic/pkg/-/link/app', s.tokens.giteaOther)).status, 403);
  assert.equal((await post('/api/v1/packages/demo/generic/pkg/-/unlink')).status, 204);
  assert.equal((await get(s, '/api/v1/packages/demo/generic/pkg/1.0.0')).json().repository, null);
  const wrong = await send(s.url, 'POST', P('a.bin'), { headers: tok(s.tokens.giteaOwner), body: 'x' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.body.length, 0);
  assert.equal((await get(s, '/api/packages/demo/generic/pkg/1.0.0')).status, 405);
});

test('docs/serve-gitea.md: every YAML example starts a server as documented', async (t) => {
  const md = await readFile(new URL('../../docs/serve-gitea.md', import.meta.url), 'utf8');
  const blocks = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as Record<string, unknown>);
  assert.ok(blocks.length >= 3);
  const config = Object.assign({}, ...blocks);
  const s = await serve(t, config);
  for (const name of ['release', 'acmeJob', 'bumper', 'readOnly', 'toolJob']) assert.ok(s.tokens[name], name);
  assert.equal(s.config.gitea?.server, 'forgejo');
  assert.equal(s.faults.list().length, 2);
  // The documented faults are live: the first upload gets the 503.
  assert.equal((await put(s, P('a.bin', 'pkg', '1.0', 'acme'), 'x', tok(s.tokens.release))).status, 503);
  assert.equal((await put(s, P('a.bin', 'pkg', '1.0', 'acme'), 'x', tok(s.tokens.release))).status, 201);
  await assert.rejects(get(s, P('a.bin', 'pkg', '1.0', 'acme'), tok(s.tokens.release)), 'the documented reset-response fault');
  assert.equal((await get(s, P('a.bin', 'pkg', '1.0', 'acme'), tok(s.tokens.release))).text, 'x');
  assert.equal((await get(s, P('a.bin', 'pkg', '1.0', 'acme'), {})).status, 401, 'acme is private');
});

// `reqPackageAccess` (`routers/api/packages/api.go`) and `checkTokenPublicOnly` (`routers/api/v1/api.go`):
// Gitea after 1.26.2 refuses a public-only token for every owner that is not public, limited included;
// 1.26.2 and older, and Forgejo, refuse private owners only.
for (const [server, version, limitedStatus] of [['gitea', '1.26.1', 200], ['gitea', '1.26.3', 403], ['forgejo', '16.0.0', 200]] as const) {
  test(`Gitea public-only token (${server} ${version}): limited owner → ${limitedStatus}, private → 403, public → 200`, async (t) => {
    const s = await serve(t, {
      gitea: {
        server,
        version,
        users: [{ name: 'open' }, { name: 'members', visibility: 'limited' }, { name: 'secret', visibility: 'private' }],
        tokens: {
          open: { user: 'open', scopes: ['write:package'] },
          members: { user: 'members', scopes: ['write:package'] },
          secret: { user: 'secret', scopes: ['write:package'] },
          publicOnly: { user: 'open', scopes: ['read:package', 'public-only'] },
        },
      },
    });
    const T = s.tokens;
    for (const owner of ['open', 'members', 'secret']) assert.equal((await put(s, P('f.bin', 'pkg', '1.0', owner), 'x', tok(T[owner]))).status, 201);
    assert.equal((await get(s, P('f.bin', 'pkg', '1.0', 'open'), tok(T.publicOnly))).status, 200);
    const limited = await get(s, P('f.bin', 'pkg', '1.0', 'members'), tok(T.publicOnly));
    assert.equal(limited.status, limitedStatus);
    if (limitedStatus === 403) assert.equal(limited.text.trim(), 'token scope is limited to public packages');
    assert.equal((await get(s, P('f.bin', 'pkg', '1.0', 'secret'), tok(T.publicOnly))).status, 403);
    assert.equal((await get(s, '/api/v1/packages/members?type=generic', tok(T.publicOnly))).status, limitedStatus);
  });
}

// The web route under a version's html_url: GET /{owner}/-/packages/generic/{name}/{version}/files/{fileid}
// (Gitea `routers/web/web.go`, `DownloadPackageFile` in `routers/web/user/package.go`) serves the
// file as an attachment; web routes take no token or Basic (`services/auth/basic.go`), so without a
// session only what an anonymous user may read is served.
test('Gitea web route: html_url/files/{id} serves the file as an attachment to anonymous readers; 404 otherwise', async (t) => {
  const s = await serve(t, {
    gitea: {
      users: [{ name: 'demo' }, { name: 'secret', visibility: 'private' }],
      tokens: { demo: { user: 'demo', scopes: ['all'] }, secret: { user: 'secret', scopes: ['all'] } },
    },
  });
  const T = s.tokens;
  assert.equal((await put(s, P('my file.bin'.replace(' ', '%20')), 'web bytes', tok(T.demo))).status, 201);
  assert.equal((await put(s, P('other.bin', 'pkg', '2.0.0'), 'other', tok(T.demo))).status, 201);
  assert.equal((await put(s, P('s.bin', 'pkg', '1.0.0', 'secret'), 'hidden', tok(T.secret))).status, 201);
  const [pkg] = (await get(s, '/api/v1/packages/demo?type=generic&q=pkg', tok(T.demo))).json().filter((p: { version: string }) => p.version === '1.0.0');
  const [file] = (await get(s, '/api/v1/packages/demo/generic/pkg/1.0.0/files', tok(T.demo))).json();
  const webPath = `${new URL(pkg.html_url).pathname}/files/${file.id}`;
  assert.equal(webPath, `/demo/-/packages/generic/pkg/1.0.0/files/${file.id}`);
  const r = await send(s.url, 'GET', webPath);
  assert.deepEqual([r.status, r.text], [200, 'web bytes']);
  assert.equal(r.headers['content-disposition'], `attachment; filename="my file.bin"; filename*=UTF-8''my%20file.bin`);
  // another version's file id, an unknown id, an unknown version: 404
  const [other] = (await get(s, '/api/v1/packages/demo/generic/pkg/2.0.0/files', tok(T.demo))).json();
  for (const path of [`/demo/-/packages/generic/pkg/1.0.0/files/${other.id}`, '/demo/-/packages/generic/pkg/1.0.0/files/999', `/demo/-/packages/generic/pkg/9.9.9/files/${file.id}`]) {
    assert.equal((await send(s.url, 'GET', path)).status, 404, path);
  }
  // a private owner: 404 even with the owner's token, which web routes do not read
  const [sf] = (await get(s, '/api/v1/packages/secret/generic/pkg/1.0.0/files', tok(T.secret))).json();
  assert.equal((await get(s, `/secret/-/packages/generic/pkg/1.0.0/files/${sf.id}`, tok(T.secret))).status, 404);
});
