// Pins, over real HTTP, how relpack serve imitates Gitea's and Forgejo's generic package registry,
// v1 package API and Actions variables API where clients notice: empty 201s and 409 duplicates,
// validation order, form bodies, 401-not-403 auth, quotas, downloads with Range and HEAD,
// deletion, listing and paging, server-computed hashes, `-/latest`, variables and
// case-insensitive lookups. The behaviour comes from Gitea's `routers/api/packages/generic/generic.go`,
// `routers/api/packages/api.go`, `services/packages/packages.go`, `routers/api/v1/packages/package.go`
// and `routers/api/v1/repo/action.go` (and their Forgejo counterparts); "Gitea edge N" is case N of
// docs/gitea-behaviour.md (case 16, GitHub's variables API, is in github-variables.test.ts).
// Requests go through plain node:http (helpers.send) or fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { RunningServer } from '../../src/server/index.js';
import { basic, send, serve, type Reply } from './helpers.js';

const P = (file: string, name = 'pkg', version = '1.0.0', owner = 'demo') => `/api/packages/${owner}/generic/${name}/${version}/${file}`;
const V1 = (rest = '', owner = 'demo') => `/api/v1/packages/${owner}${rest}`;
const tok = (value: string | undefined, scheme = 'token') => ({ authorization: `${scheme} ${value}` });
const REALM = 'Basic realm="Gitea Package API"';

function put(s: RunningServer, path: string, body: Buffer | string, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> {
  return send(s.url, 'PUT', path, { headers, body });
}
function get(s: RunningServer, path: string, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> {
  return send(s.url, 'GET', path, { headers });
}
function del(s: RunningServer, path: string, headers: Record<string, string> = tok(s.tokens.giteaOwner)): Promise<Reply> {
  return send(s.url, 'DELETE', path, { headers });
}
const hex = (algo: string, b: Buffer | string) => createHash(algo).update(b).digest('hex');

test('Gitea edge 1: upload success is 201 with an empty body, no JSON, no Location', async (t) => {
  const s = await serve(t);
  const r = await put(s, P('a.bin'), 'hello gitea');
  assert.equal(r.status, 201);
  assert.equal(r.body.length, 0);
  assert.equal(r.headers['content-length'], '0');
  assert.equal(r.headers.location, undefined);
  assert.equal(r.headers['content-type'], undefined);
  const dl = await get(s, P('a.bin'));
  assert.equal(dl.status, 200);
  assert.equal(dl.text, 'hello gitea');
});

test('Gitea edge 2: same file name again → 409, also when only the case differs; a new name in the version → 201', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, P('A.bin'), 'one')).status, 201);
  const again = await put(s, P('A.bin'), 'two');
  assert.equal(again.status, 409);
  assert.equal(again.text, 'package file already exists');
  assert.match(String(again.headers['content-type']), /^text\/plain/);
  assert.equal((await put(s, P('a.bin'), 'three')).status, 409);
  assert.equal((await put(s, P('b.bin'), 'four')).status, 201);
  // No overwrite happened.
  assert.equal((await get(s, P('a.BIN'))).text, 'one');
});

test('Gitea edge 3: upload validation order name → filename → version, each 400 plain text; spaces in file names pass; GET/HEAD/DELETE do not validate (404)', async (t) => {
  const s = await serve(t);
  const expect400 = async (path: string, text: string) => {
    const r = await put(s, path, 'x');
    assert.equal(r.status, 400, path);
    assert.equal(r.text, text, path);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
  };
  // All three invalid: the name is reported first, then the file name, then the version.
  await expect400(P('a%7Cb', '-', '%201.0'), 'invalid package name');
  await expect400(P('a%7Cb', 'pkg', '%201.0'), 'invalid filename');
  await expect400(P('a.bin', 'pkg', '%201.0'), 'invalid package version');
  await expect400(P('a.bin', 'pkg', '1.0%20'), 'invalid package version');
  for (const name of ['-', '.', '_', '+', '..', 'my%20pkg', 'a%2Fb', 'caf%C3%A9']) await expect400(P('f.bin', name), 'invalid package name');
  for (const file of ['a%7Cb', 'what%3F', 'dir%2Ff.bin', 'caf%C3%A9.bin', '%20lead.bin', 'trail.bin%20', '..']) await expect400(P(file), 'invalid filename');
  // Accepted: spaces inside, the punctuation of the regex, one-letter names, free-form versions.
  for (const file of ['my%20file.bin', 'a=b;c(1)[2]{3}~!@%23$%25%5E&.txt']) assert.equal((await put(s, P(file), 'x')).status, 201, file);
  for (const name of ['a', '7', 'my+pkg_1.0-x']) assert.equal((await put(s, P('f.bin', name), 'x')).status, 201, name);
  for (const version of ['1.0.3-te%20st', 'not-semver', 'v1', '2026.11.22+build.7']) assert.equal((await put(s, P('f.bin', 'ver', version), 'x')).status, 201, version);
  assert.equal((await get(s, P('my%20file.bin'))).text, 'x');
  // Only the upload validates (sanitizeParameters in Gitea `routers/api/packages/generic/generic.go`):
  // GET, HEAD and DELETE look the names up as sent, so a name the upload refuses is not found.
  for (const path of [P('a%7Cb'), P('f.bin', '-'), P('f.bin', 'pkg', '%201.0'), P('..')]) {
    for (const [method, text] of [['GET', 'package file does not exist'], ['HEAD', ''], ['DELETE', 'package file does not exist']] as const) {
      const r = await send(s.url, method, path, { headers: tok(s.tokens.giteaOwner) });
      assert.equal(r.status, 404, `${method} ${path}`);
      const versionExists = path === P('a%7Cb') || path === P('..');
      assert.equal(r.text, versionExists || method === 'HEAD' ? text : 'package does not exist', `${method} ${path}`);
    }
  }
});

function multipart(boundary: string, parts: { name: string; filename?: string; body: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.from(p.body), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

test('Gitea edge 4: multipart / form-urlencoded Content-Type → first file part stored, or 500 (Gitea) / 400 (Forgejo); octet-stream stored raw', async (t) => {
  const g = await serve(t);
  const f = await serve(t, { gitea: { server: 'forgejo' } });
  const boundary = 'XyZ-boundary-42';
  // Binary content full of CRLFs and near-boundaries, big enough to span many TCP chunks.
  const payload = Buffer.concat([randomBytes(1 << 20), Buffer.from(`\r\n--${boundary.slice(0, -1)}\r\n--`), randomBytes(1 << 20)]);
  const body = multipart(boundary, [
    { name: 'comment', body: 'a text field first' },
    { name: 'file', filename: 'first.bin', body: payload },
    { name: 'file2', filename: 'second.bin', body: 'not stored' },
  ]);
  for (const s of [g, f]) {
    const r = await put(s, P('mp.bin'), body, { ...tok(s.tokens.giteaOwner), 'content-type': `multipart/form-data; boundary=${boundary}` });
    assert.equal(r.status, 201, r.text);
    const dl = await get(s, P('mp.bin'));
    assert.equal(hex('sha256', dl.body), hex('sha256', payload));
    // fetch's own FormData encoder.
    const fd = new FormData();
    fd.append('file', new Blob(['from fetch']), 'x.bin');
    const r2 = await fetch(s.url + P('fd.bin'), { method: 'PUT', headers: tok(s.tokens.giteaOwner), body: fd });
    assert.equal(r2.status, 201);
    assert.equal((await get(s, P('fd.bin'))).text, 'from fetch');
    // The same bytes sent as octet-stream (or no Content-Type) are stored raw.
    assert.equal((await put(s, P('raw.bin'), body, { ...tok(s.tokens.giteaOwner), 'content-type': 'application/octet-stream' })).status, 201);
    assert.ok((await get(s, P('raw.bin'))).body.equals(body));
  }
  const broken: [string, Buffer | string][] = [
    ['multipart/form-data; boundary=nope', 'raw bytes that are not a form'],
    ['multipart/form-data', multipart(boundary, [{ name: 'file', filename: 'a', body: 'x' }])],
    [`multipart/form-data; boundary=${boundary}`, multipart(boundary, [{ name: 'field', body: 'no file part' }])],
    [`multipart/form-data; boundary=${boundary}`, multipart(boundary, [{ name: 'file', filename: 'a', body: 'x' }]).subarray(0, 80)],
    ['application/x-www-form-urlencoded', 'a=1&b=2'],
  ];
  for (const [ct, b] of broken) {
    const rg = await put(g, P('broken.bin'), b, { ...tok(g.tokens.giteaOwner), 'content-type': ct });
    assert.equal(rg.status, 500, `gitea ${ct}`);
    const rf = await put(f, P('broken.bin'), b, { ...tok(f.tokens.giteaOwner), 'content-type': ct });
    assert.equal(rf.status, 400, `forgejo ${ct}`);
    assert.match(String(rf.headers['content-type']), /^text\/plain/);
  }
  assert.equal((await get(g, P('broken.bin'))).status, 404);
  assert.deepEqual(await g.tempFiles(), []);
});

test('Gitea edge 5: missing auth or no write → 401 + WWW-Authenticate Basic realm, never 403; bad credentials → 401 even on public GET', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, P('a.bin'), 'x')).status, 201);
  const cases: [string, string, Record<string, string>][] = [
    ['PUT', P('b.bin'), {}],
    ['PUT', P('b.bin'), tok(s.tokens.giteaOther)],
    ['DELETE', P('a.bin'), {}],
    ['DELETE', P('a.bin'), tok(s.tokens.giteaOther)],
    ['DELETE', `/api/packages/demo/generic/pkg/1.0.0`, tok(s.tokens.giteaOther)],
    ['GET', P('a.bin'), tok('0000000000000000000000000000000000000000')],
    ['GET', P('a.bin'), basic('demo', 'wrong-password')],
  ];
  for (const [method, path, headers] of cases) {
    const r = await send(s.url, method, path, { headers, ...(method === 'PUT' ? { body: 'x' } : {}) });
    assert.equal(r.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
    assert.equal(r.headers['www-authenticate'], REALM);
  }
  // The public download works anonymously and for other users.
  assert.equal((await get(s, P('a.bin'), {})).status, 200);
  assert.equal((await get(s, P('a.bin'), tok(s.tokens.giteaOther))).status, 200);
  // Nothing was deleted by the refused calls.
  assert.equal((await get(s, P('a.bin'))).text, 'x');
});

test('Gitea edge 6: token/Bearer (any case), Basic user:pat, user:password, pat:, pat:x-oauth-basic; the job token reads but PUT → 401', async (t) => {
  const s = await serve(t);
  const pat = s.tokens.giteaOwner!;
  const forms: Record<string, string>[] = [
    tok(pat, 'token'),
    tok(pat, 'Bearer'),
    tok(pat, 'BEARER'),
    tok(pat, 'Token'),
    basic('demo', pat),
    basic('demo', 'demo-password'),
    basic(pat, ''),
    basic(pat, 'x-oauth-basic'),
  ];
  for (const [i, headers] of forms.entries()) assert.equal((await put(s, P(`f${i}.bin`), 'x', headers)).status, 201, JSON.stringify(headers));
  // A header that is not exactly two fields is ignored → anonymous → 401 on PUT.
  assert.equal((await put(s, P('three.bin'), 'x', { authorization: `token ${pat} extra` })).status, 401);
  const job = s.tokens.giteaActions!;
  for (const headers of [tok(job), tok(job, 'Bearer'), basic('gitea-actions', job), basic(job, '')]) {
    assert.equal((await get(s, P('f0.bin'), headers)).status, 200, JSON.stringify(headers));
    const w = await put(s, P('job.bin'), 'x', headers);
    assert.equal(w.status, 401, JSON.stringify(headers));
    assert.equal(w.headers['www-authenticate'], REALM);
  }
  // A read:package PAT reads but cannot write.
  assert.equal((await get(s, P('f0.bin'), tok(s.tokens.giteaReader))).status, 200);
  assert.equal((await put(s, P('reader.bin'), 'x', tok(s.tokens.giteaReader))).status, 401);
});

test('Gitea edge 7: per-file LIMIT_SIZE_GENERIC → 403 (admins exempt); Forgejo owner quota → 413 "quota exceeded"', async (t) => {
  const g = await serve(t, { gitea: { limitSizeGeneric: 10, limitTotalOwnerSize: 15 } });
  assert.equal((await put(g, P('ten.bin'), '0123456789')).status, 201);
  const big = await put(g, P('eleven.bin'), '0123456789A');
  assert.equal(big.status, 403);
  assert.equal(big.text, 'maximum allowed package type size exceeded');
  const total = await put(g, P('six.bin'), '012345');
  assert.equal(total.status, 403);
  assert.equal(total.text, 'maximum allowed package storage quota exceeded');
  assert.equal((await put(g, P('admin.bin'), 'x'.repeat(100), tok(g.tokens.giteaAdmin))).status, 201);
  assert.equal((await get(g, P('eleven.bin'))).status, 404);

  const f = await serve(t, { gitea: { server: 'forgejo', quota: 5 } });
  assert.equal((await put(f, P('first.bin'), '12345678')).status, 201); // usage was 0 < 5
  const over = await put(f, P('second.bin'), '1');
  assert.equal(over.status, 413);
  assert.equal(over.text, 'quota exceeded');
});

test('Gitea edge 8: download 200 octet-stream with Range (206/416) and Last-Modified; missing version/file → 404 plain text', async (t) => {
  const s = await serve(t);
  const data = Buffer.from('0123456789abcdef');
  assert.equal((await put(s, P('r.bin'), data)).status, 201);
  const full = await get(s, P('r.bin'));
  assert.equal(full.status, 200);
  assert.equal(full.headers['content-type'], 'application/octet-stream');
  assert.equal(full.headers['x-content-type-options'], 'nosniff');
  assert.equal(full.headers['accept-ranges'], 'bytes');
  assert.equal(full.headers['content-length'], '16');
  assert.ok(!Number.isNaN(Date.parse(String(full.headers['last-modified']))));
  assert.equal(full.headers.etag, undefined);
  const part = await get(s, P('r.bin'), { ...tok(s.tokens.giteaOwner), range: 'bytes=4-7' });
  assert.equal(part.status, 206);
  assert.equal(part.text, '4567');
  assert.equal(part.headers['content-range'], 'bytes 4-7/16');
  const tail = await get(s, P('r.bin'), { range: 'bytes=-3' });
  assert.equal(tail.text, 'def');
  const bad = await get(s, P('r.bin'), { range: 'bytes=100-' });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['content-range'], 'bytes */16');
  const ims = await get(s, P('r.bin'), { 'if-modified-since': String(full.headers['last-modified']) });
  assert.equal(ims.status, 304);
  const noVersion = await get(s, P('r.bin', 'pkg', '9.9.9'));
  assert.equal(noVersion.status, 404);
  assert.equal(noVersion.text, 'package does not exist');
  assert.match(String(noVersion.headers['content-type']), /^text\/plain/);
  const noFile = await get(s, P('nope.bin'));
  assert.equal(noFile.status, 404);
  assert.equal(noFile.text, 'package file does not exist');
});

test('Gitea edge 9: HEAD — Gitea ≥1.25 like GET without body, Forgejo new builds 200 without Content-Length, older servers 405', async (t) => {
  const setups: [string, Record<string, unknown>, (r: Reply) => void][] = [
    ['gitea 1.26', { server: 'gitea', version: '1.26.1' }, (r) => {
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], '5');
      assert.equal(r.headers['content-type'], 'application/octet-stream');
    }],
    ['gitea 1.24', { server: 'gitea', version: '1.24.6' }, (r) => assert.equal(r.status, 405)],
    ['forgejo new', { server: 'forgejo', version: '15.0.4' }, (r) => {
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], undefined);
      assert.match(String(r.headers['content-disposition']), /^attachment; filename="h\.bin"/);
      assert.ok(r.headers['last-modified']);
    }],
    ['forgejo 15.0.3', { server: 'forgejo', version: '15.0.3' }, (r) => assert.equal(r.status, 405)],
  ];
  for (const [label, gitea, check] of setups) {
    const s = await serve(t, { gitea });
    assert.equal((await put(s, P('h.bin'), 'hello')).status, 201, label);
    const r = await send(s.url, 'HEAD', P('h.bin'), { headers: tok(s.tokens.giteaOwner) });
    assert.equal(r.body.length, 0, label);
    check(r);
    if (r.status === 200) assert.equal((await send(s.url, 'HEAD', P('missing.bin'), { headers: tok(s.tokens.giteaOwner) })).status, 404, label);
    // The fallback every client can use: GET works everywhere.
    assert.equal((await get(s, P('h.bin'))).text, 'hello', label);
  }
});

test('Gitea edge 10: deleting the last file deletes the version (GET, files and listing 404/absent)', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, P('one.bin'), '1')).status, 201);
  assert.equal((await put(s, P('two.bin'), '2')).status, 201);
  assert.equal((await put(s, P('keep.bin', 'pkg', '2.0.0'), 'k')).status, 201);
  assert.equal((await del(s, P('one.bin'))).status, 204);
  assert.equal((await get(s, V1('/generic/pkg/1.0.0'))).status, 200, 'version still has two.bin');
  assert.equal((await del(s, P('two.bin'))).status, 204);
  const file = await get(s, P('two.bin'));
  assert.equal(file.status, 404);
  assert.equal(file.text, 'package does not exist');
  assert.equal((await get(s, V1('/generic/pkg/1.0.0'))).status, 404);
  assert.equal((await get(s, V1('/generic/pkg/1.0.0/files'))).status, 404);
  const list = (await get(s, V1())).json() as { version: string }[];
  assert.deepEqual(list.map((p) => p.version), ['2.0.0']);
});

test('Gitea edge 11: version and file DELETE → 204, a repeat → 404 (package API plain text, v1 API JSON)', async (t) => {
  const s = await serve(t);
  for (const v of ['1.0.0', '2.0.0', '3.0.0']) assert.equal((await put(s, P('f.bin', 'pkg', v), v)).status, 201);
  assert.equal((await del(s, P('f.bin', 'pkg', '1.0.0'))).status, 204);
  const again = await del(s, P('f.bin', 'pkg', '1.0.0'));
  assert.equal(again.status, 404);
  assert.match(String(again.headers['content-type']), /^text\/plain/);
  assert.equal((await del(s, '/api/packages/demo/generic/pkg/2.0.0')).status, 204);
  assert.equal((await del(s, '/api/packages/demo/generic/pkg/2.0.0')).status, 404);
  assert.equal((await get(s, P('f.bin', 'pkg', '2.0.0'))).status, 404);
  assert.equal((await del(s, V1('/generic/pkg/3.0.0'))).status, 204);
  const v1again = await del(s, V1('/generic/pkg/3.0.0'));
  assert.equal(v1again.status, 404);
  assert.equal(typeof v1again.json().message, 'string');
  // The v1 API refuses readers with 403 JSON, not 401.
  assert.equal((await put(s, P('f.bin', 'pkg', '4.0.0'), '4')).status, 201);
  const refused = await del(s, V1('/generic/pkg/4.0.0'), tok(s.tokens.giteaOther));
  assert.equal(refused.status, 403);
  assert.deepEqual(Object.keys(refused.json()).sort(), ['message', 'url']);
});

test('Gitea edge 12: v1 list = one entry per version, newest first; q substring; limit 30/50; X-Total-Count and Link; anonymous 401 (Gitea) / allowed (Forgejo)', async (t) => {
  const s = await serve(t);
  // 52 versions over three packages, created in a known order.
  const created: string[] = [];
  for (let i = 0; i < 52; i++) {
    const name = i % 3 === 0 ? 'Tool-Linux' : i % 3 === 1 ? 'tool-darwin' : 'other';
    assert.equal((await put(s, P('f.bin', name, `1.0.${i}`), 'x')).status, 201);
    created.push(`${name}@1.0.${i}`);
  }
  const newestFirst = [...created].reverse();
  const page1 = await get(s, V1('?type=generic'));
  assert.equal(page1.status, 200);
  const items = page1.json() as { name: string; version: string; id: number; type: string }[];
  assert.equal(items.length, 30);
  assert.deepEqual(items.map((p) => `${p.name}@${p.version}`), newestFirst.slice(0, 30));
  assert.equal(page1.headers['x-total-count'], '52');
  const link = String(page1.headers.link);
  assert.match(link, /[?&]page=2[^>]*>; rel="next"/);
  assert.match(link, /[?&]page=2[^>]*>; rel="last"/);
  assert.doesNotMatch(link, /rel="prev"/);
  assert.match(String(page1.headers['access-control-expose-headers']), /X-Total-Count/);
  // Follow `next` exactly as given.
  const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
  const page2 = await get(s, new URL(next).pathname + new URL(next).search);
  assert.deepEqual((page2.json() as { version: string }[]).map((p) => p.version), newestFirst.slice(30).map((x) => x.split('@')[1]));
  assert.match(String(page2.headers.link), /rel="prev"/);
  assert.doesNotMatch(String(page2.headers.link), /rel="next"/);
  // limit is capped at 50; ≤0 means the default.
  assert.equal((await get(s, V1('?limit=100'))).json().length, 50);
  assert.equal((await get(s, V1('?limit=0'))).json().length, 30);
  assert.equal((await get(s, V1('?limit=7&page=8'))).json().length, 3);
  // q: case-insensitive substring of the package name, not an exact match.
  const q = await get(s, V1('?q=TOOL&limit=50'));
  assert.equal(q.headers['x-total-count'], String(created.filter((c) => c.toLowerCase().includes('tool')).length));
  assert.ok((q.json() as { name: string }[]).every((p) => p.name.toLowerCase().includes('tool')));
  assert.equal((await get(s, V1('?type=npm'))).json().length, 0);
  // Anonymous: 401 {"message":"token is required"} on Gitea …
  const anon = await get(s, V1(), {});
  assert.equal(anon.status, 401);
  assert.equal(anon.json().message, 'token is required');
  assert.ok(anon.json().url);
  // … the job token counts as signed in.
  assert.equal((await get(s, V1(), tok(s.tokens.giteaActions))).status, 200);
  // Forgejo ≥ v12 lets anonymous list a public owner.
  const f = await serve(t, { gitea: { server: 'forgejo' } });
  assert.equal((await put(f, P('f.bin'), 'x')).status, 201);
  const fa = await get(f, V1(), {});
  assert.equal(fa.status, 200);
  assert.equal(fa.json().length, 1);
  assert.equal((await get(f, V1(), {})).headers['x-total-count'], '1');
});

test('Gitea edge 13: …/{version}/files is unpaginated with server-computed lower-hex md5/sha1/sha256/sha512; Package.id is the version id', async (t) => {
  const s = await serve(t);
  const files = Array.from({ length: 35 }, (_, i) => [`f${String(i).padStart(2, '0')}.bin`, randomBytes(100 + i)] as const);
  for (const [name, data] of files) assert.equal((await put(s, P(name), data)).status, 201);
  assert.equal((await put(s, P('x.bin', 'pkg', '2.0.0'), 'x')).status, 201);
  const r = await get(s, V1('/generic/pkg/1.0.0/files?limit=5'));
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-total-count'], undefined);
  assert.equal(r.headers.link, undefined);
  const list = r.json() as { id: number; name: string; size: number; md5: string; sha1: string; sha256: string; sha512: string }[];
  assert.equal(list.length, 35);
  for (const [name, data] of files) {
    const f = list.find((x) => x.name === name)!;
    assert.equal(f.size, data.length);
    for (const algo of ['md5', 'sha1', 'sha256', 'sha512'] as const) {
      assert.equal(f[algo], hex(algo, data), `${name} ${algo}`);
      assert.match(f[algo], /^[0-9a-f]+$/);
    }
  }
  const v1 = (await get(s, V1('/generic/pkg/1.0.0'))).json();
  const v2 = (await get(s, V1('/generic/pkg/2.0.0'))).json();
  assert.notEqual(v1.id, v2.id, 'each version has its own id');
  const listed = (await get(s, V1())).json() as { id: number; version: string }[];
  assert.equal(listed.find((p) => p.version === '1.0.0')!.id, v1.id);
  for (const k of ['id', 'owner', 'repository', 'creator', 'type', 'name', 'version', 'html_url', 'created_at']) assert.ok(k in v1, k);
  assert.equal(v1.owner.login, 'demo');
  assert.equal(v1.creator.login, 'demo');
  assert.equal(v1.repository, null);
  assert.match(v1.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
});

test('Gitea edge 14: -/latest is the most recently created version, not the semver maximum; Gitea ≥1.24 only', async (t) => {
  const s = await serve(t);
  for (const v of ['2.0.0', '10.0.0', '1.5.0']) assert.equal((await put(s, P('f.bin', 'pkg', v), v)).status, 201);
  const latest = await get(s, V1('/generic/pkg/-/latest'));
  assert.equal(latest.status, 200);
  assert.equal(latest.json().version, '1.5.0');
  assert.equal((await get(s, V1('/generic/nothing/-/latest'))).status, 404);
  const versions = await get(s, V1('/generic/pkg'));
  assert.deepEqual((versions.json() as { version: string }[]).map((p) => p.version), ['1.5.0', '10.0.0', '2.0.0']);
  for (const gitea of [{ server: 'forgejo' as const }, { server: 'gitea' as const, version: '1.23.8' }]) {
    const o = await serve(t, { gitea });
    assert.equal((await put(o, P('f.bin'), 'x')).status, 201);
    assert.equal((await get(o, V1('/generic/pkg/-/latest'))).status, 404, gitea.server);
    assert.equal((await get(o, V1('/generic/pkg'))).status, 404, gitea.server);
    assert.equal((await get(o, V1('/generic/pkg/1.0.0'))).status, 200, gitea.server);
  }
});

test('Gitea edge 15: variables upper-cased; POST 201 (G ≥1.25) / 204 (older G, Forgejo); 409; empty value 422; bad names 400; PUT 404/clears description; non-owners and job tokens 403', async (t) => {
  const s = await serve(t);
  const VAR = (name = '') => `/api/v1/repos/demo/app/actions/variables${name ? `/${name}` : ''}`;
  const json = (body: unknown, token = s.tokens.giteaOwner) => ({ headers: { ...tok(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = await send(s.url, 'POST', VAR('app_version'), json({ value: '1.2.3', description: 'current release' }));
  assert.equal(created.status, 201);
  const got = await get(s, VAR('APP_VERSION'));
  assert.equal(got.status, 200);
  assert.deepEqual(got.json(), { owner_id: 0, repo_id: 1, name: 'APP_VERSION', data: '1.2.3', description: 'current release' });
  assert.equal((await get(s, VAR('app_version'))).json().name, 'APP_VERSION');
  assert.equal((await send(s.url, 'POST', VAR('App_Version'), json({ value: 'x' }))).status, 409);
  const empty = await send(s.url, 'POST', VAR('EMPTY'), json({ value: '' }));
  assert.equal(empty.status, 422);
  assert.equal((await send(s.url, 'POST', VAR('MISSING'), json({ description: 'no value' }))).status, 422);
  for (const bad of ['1X', 'GITEA_X', 'github_token', 'ci', 'a-b']) {
    const r = await send(s.url, 'POST', VAR(bad), json({ value: 'v' }));
    assert.equal(r.status, 400, bad);
    assert.ok(r.json().message, bad);
  }
  assert.equal((await send(s.url, 'POST', VAR('CIX'), json({ value: 'the code only rejects exactly CI' }))).status, 201);
  assert.equal((await send(s.url, 'PUT', VAR('NOPE'), json({ value: 'v' }))).status, 404);
  // PUT without description clears it (G ≥1.24); CRLF is normalised to LF.
  assert.equal((await send(s.url, 'PUT', VAR('app_version'), json({ value: '1.2.4\r\nline2' }))).status, 204);
  assert.deepEqual((await get(s, VAR('APP_VERSION'))).json(), { owner_id: 0, repo_id: 1, name: 'APP_VERSION', data: '1.2.4\nline2', description: '' });
  const list = await get(s, VAR());
  assert.deepEqual((list.json() as { name: string }[]).map((v) => v.name), ['APP_VERSION', 'CIX']);
  assert.equal(list.headers['x-total-count'], '2');
  // Who may: only the owner (or a site admin). Other users, the job token and PATs without the
  // repository scope get 403 (reads included); anonymous 401.
  for (const [who, token] of [['other', s.tokens.giteaOther], ['job', s.tokens.giteaActions], ['reader', s.tokens.giteaReader]] as const) {
    assert.equal((await get(s, VAR(), tok(token))).status, 403, who);
    assert.equal((await send(s.url, 'PUT', VAR('APP_VERSION'), json({ value: 'hijack' }, token))).status, 403, who);
  }
  assert.equal((await get(s, VAR(), {})).status, 401);
  assert.equal((await get(s, VAR(), tok(s.tokens.giteaAdmin))).status, 200);
  assert.equal((await del(s, VAR('APP_VERSION'))).status, 204);
  assert.equal((await del(s, VAR('APP_VERSION'))).status, 404);

  // Older Gitea and Forgejo answer 204 to POST; Forgejo has no description.
  for (const [gitea, status] of [[{ version: '1.24.6' }, 204], [{ server: 'forgejo' }, 204]] as const) {
    const o = await serve(t, { gitea });
    const r = await send(o.url, 'POST', VAR('X'), { headers: { ...tok(o.tokens.giteaOwner), 'content-type': 'application/json' }, body: JSON.stringify({ value: 'v', description: 'd' }) });
    assert.equal(r.status, status, JSON.stringify(gitea));
    const v = (await get(o, VAR('X'))).json();
    assert.equal('description' in v, !('server' in gitea), JSON.stringify(gitea));
    if ('server' in gitea) assert.equal((await send(o.url, 'POST', VAR('FORGEJO_X'), { headers: { ...tok(o.tokens.giteaOwner), 'content-type': 'application/json' }, body: '{"value":"v"}' })).status, 400);
  }
});

test('Gitea edge 17: name, version and file name lookups are case-insensitive; responses keep the first upload\'s case', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, P('File.BIN', 'MyPkg', 'V1.0-RC'), 'first')).status, 201);
  assert.equal((await put(s, P('other.bin', 'MYPKG', 'v1.0-rc'), 'second')).status, 201);
  assert.equal((await get(s, P('file.bin', 'mypkg', 'v1.0-rc'))).text, 'first');
  const list = (await get(s, V1())).json() as { name: string; version: string }[];
  assert.deepEqual(list.map((p) => [p.name, p.version]), [['MyPkg', 'V1.0-RC']]);
  const files = (await get(s, V1('/generic/mypkg/V1.0-rc/files'))).json() as { name: string }[];
  assert.deepEqual(files.map((f) => f.name), ['File.BIN', 'other.bin']);
  assert.equal((await put(s, P('FILE.bin', 'mypkg', 'V1.0-RC'), 'x')).status, 409);
  assert.equal((await get(s, V1('/generic/MYPKG/v1.0-RC'))).json().name, 'MyPkg');
  assert.equal((await get(s, P('file.bin', 'mypkg', 'v1.0-rc', 'DEMO'))).status, 200, 'owner names too');
  assert.equal((await del(s, P('FILE.BIN', 'mypkg', 'V1.0-rc'))).status, 204);
});
