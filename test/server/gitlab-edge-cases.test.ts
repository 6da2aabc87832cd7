// Pins, over real HTTP, how relpack serve imitates GitLab's generic package registry, Packages
// API and CI/CD variables API where clients notice: raw-body uploads and their answers, the
// name/version/file-name rules and sub-paths, duplicates, size limits, server-side checksums,
// object-storage redirects and Range, hidden packages, the authentication matrix, listing,
// pagination, deletion and variables. The behaviour comes from GitLab's `lib/api/generic_packages.rb`,
// `lib/api/project_packages.rb`, `lib/api/package_files.rb`, `lib/api/ci/variables.rb`,
// `app/services/packages/generic/create_package_file_service.rb` and
// `spec/requests/api/generic_packages_spec.rb`; "GitLab edge N" is case N of docs/gitlab-behaviour.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API, basic, generic, get, noTempFilesLeft, put, send, serve, sha256, tempDir, rm } from './helpers.js';
import { startServer } from '../../src/server/index.js';

const twoProjects = {
  gitlab: {
    projects: [
      { id: 1, path: 'demo/app' },
      { id: 2, path: 'demo/public-app', visibility: 'public' as const, members: { maintainer: 'maintainer' as const, guest: 'guest' as const } },
    ],
  },
};

test('GitLab edge 1: PUT takes a raw body; 201 {"message":"201 Created"}, or 200 + file record with select=package_file', async (t) => {
  const s = await serve(t);
  const r1 = await put(s, generic('a.bin'), 'raw bytes, not multipart');
  assert.equal(r1.status, 201);
  assert.deepEqual(r1.json(), { message: '201 Created' });
  assert.match(String(r1.headers['content-type']), /^application\/json/);

  const r2 = await put(s, generic('b.bin') + '?select=package_file', 'hello');
  assert.equal(r2.status, 200);
  const rec = r2.json();
  for (const k of ['id', 'package_id', 'file_name', 'size', 'file_sha256', 'file_md5', 'file_sha1', 'created_at', 'updated_at']) assert.ok(k in rec, k);
  assert.equal(rec.file_name, 'b.bin');
  assert.equal(rec.size, 5);
  assert.equal(rec.file_sha256, sha256('hello'));
  assert.equal(rec.file_md5, null);
  assert.equal(rec.file_sha1, null);

  const dl = await get(s, generic('a.bin'));
  assert.equal(dl.text, 'raw bytes, not multipart');

  const bad = await put(s, generic('c.bin') + '?select=package', 'x');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { error: 'select does not have a valid value' });
});

test('GitLab edge 2: name, version and file name regexes plus traversal checks → 400 {"error":…}', async (t) => {
  const s = await serve(t);
  const okVersions = ['1.3.350-20201230123456', '1.2.3', '1.2.3g', '1.2', '1.2.bananas', 'v1.2.4-build', 'a'.repeat(40).replace(/a/g, 'f')];
  for (const v of okVersions) assert.equal((await put(s, generic('f.txt', 'pkg', v), 'x')).status, 201, v);
  for (const f of ['my+file.tar.gz', 'my~file.tar.gz', 'myfile@1.1.tar.gz']) assert.equal((await put(s, generic(f), 'x')).status, 201, f);
  assert.equal((await put(s, generic('f.txt', 'my+pkg_1.0-x'), 'x')).status, 201);

  const cases: [string, string][] = [
    [generic('f.txt', 'pkg', '..1.2.3'), 'package_version is invalid'],
    [generic('f.txt', 'pkg', '%2e%2e%2f1.2.3'), 'package_version is invalid'],
    [generic('f.txt', 'pkg', '1.2.3 4'.replace(' ', '%20')), 'package_version is invalid'],
    [generic('f.txt', '..'), 'package_name should be a valid file path'],
    [generic('f.txt', '.'), 'package_name should be a valid file path'],
    [generic('f.txt', 'my%20pkg'), 'package_name is invalid'],
    [generic('f.txt', '%2e%2e%2f.ssh'), 'package_name is invalid'],
    [generic('%2e%2e%2f.ssh%2fauthorized_keys'), 'file_name is invalid'],
    [generic('..'), 'file_name should be a valid file path'],
    [generic('~file'), 'file_name is invalid'],
    [generic('file~'), 'file_name is invalid'],
    [generic('@file'), 'file_name is invalid'],
    [generic('file@'), 'file_name is invalid'],
    [generic('my%20file'), 'file_name is invalid'],
    [generic('dir/../f.txt'), 'path should be a valid file path'],
    [generic('../f.txt'), 'path should be a valid file path'],
    [generic('%2e%2e/f.txt'), 'path should be a valid file path'],
  ];
  for (const [path, error] of cases) {
    const r = await put(s, path, 'x');
    assert.equal(r.status, 400, path);
    assert.deepEqual(r.json(), { error }, path);
    const d = await get(s, path);
    assert.equal(d.status, 400, `GET ${path}`);
  }
  const multi = await put(s, generic('~f', 'p%20q', '..'), 'x');
  assert.deepEqual(multi.json(), { error: 'package_name is invalid, package_version is invalid, file_name is invalid' });
  const st = await put(s, generic('f.txt') + '?status=processing', 'x');
  assert.deepEqual([st.status, st.json()], [400, { error: 'status does not have a valid value' }]);
});

test('GitLab edge 3: raw slashes after the version are a sub-path, stored encodeURIComponent-style; root names stay raw', async (t) => {
  const s = await serve(t);
  const r = await put(s, generic('dir/sub/f.txt') + '?select=package_file', 'in a dir');
  assert.equal(r.status, 200);
  assert.equal(r.json().file_name, 'dir%2Fsub%2Ff.txt');
  const odd = await put(s, generic('a%20b/x~y+z@w/my~file.tar.gz') + '?select=package_file', 'odd');
  assert.equal(odd.json().file_name, 'a%20b%2Fx%7Ey%2Bz%40w%2Fmy%7Efile.tar.gz');
  const root = await put(s, generic('my~file+1@2.tar.gz') + '?select=package_file', 'root');
  assert.equal(root.json().file_name, 'my~file+1@2.tar.gz');
  assert.equal((await get(s, generic('dir/sub/f.txt'))).text, 'in a dir');
  assert.equal((await get(s, generic('a%20b/x~y+z@w/my~file.tar.gz'))).text, 'odd');
  const files = (await get(s, `${API()}/packages/1/package_files`)).json();
  assert.deepEqual(files.map((f: any) => f.file_name), ['dir%2Fsub%2Ff.txt', 'a%20b%2Fx%7Ey%2Bz%40w%2Fmy%7Efile.tar.gz', 'my~file+1@2.tar.gz']);
});

test('GitLab edge 4: %2F inside the last segment → 400', async (t) => {
  const s = await serve(t);
  const r = await put(s, generic('dir%2Ff.txt'), 'x');
  assert.equal(r.status, 400);
  assert.deepEqual(r.json(), { error: 'file_name is invalid' });
  await put(s, generic('dir/f.txt'), 'x');
  assert.equal((await get(s, generic('dir%2Ff.txt'))).status, 400);
});

test('GitLab edge 5: re-uploading the same file name → 201 and a second row; GET serves the newest (highest id)', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, generic('same.bin'), 'first')).status, 201);
  assert.equal((await put(s, generic('same.bin'), 'second')).status, 201);
  const files = (await get(s, `${API()}/packages/1/package_files`)).json();
  assert.equal(files.length, 2);
  assert.deepEqual(files.map((f: any) => f.file_sha256), [sha256('first'), sha256('second')]);
  assert.ok(files[1].id > files[0].id);
  const dl = await get(s, generic('same.bin'));
  assert.equal(dl.text, 'second');
  assert.equal(dl.headers['x-checksum-sha256'], sha256('second'));
  const list = (await get(s, `${API()}/packages`)).json();
  assert.equal(list.length, 1, 'same name+version appends to one package');
});

test('GitLab edge 6: duplicates disallowed → 400; the exception regex flips the decision on name or version', async (t) => {
  const s = await serve(t, {
    gitlab: {
      projects: [
        { id: 1, path: 'demo/strict', duplicatesAllowed: false, duplicateExceptionRegex: 'SNAPSHOT' },
        { id: 2, path: 'demo/loose', duplicatesAllowed: true, duplicateExceptionRegex: '^release' },
      ],
    },
  });
  const dupMsg = { message: '400 Bad request - Duplicate package is not allowed' };
  assert.equal((await put(s, generic('f.bin'), 'a')).status, 201);
  const d = await put(s, generic('f.bin'), 'b');
  assert.deepEqual([d.status, d.json()], [400, dupMsg]);
  assert.equal((await put(s, generic('g.bin'), 'other file, same package')).status, 201);
  // disallowed + regex matches the version → allowed
  assert.equal((await put(s, generic('f.bin', 'pkg', '1.0-SNAPSHOT'), 'a')).status, 201);
  assert.equal((await put(s, generic('f.bin', 'pkg', '1.0-SNAPSHOT'), 'b')).status, 201);
  // disallowed + regex matches the name → allowed
  assert.equal((await put(s, generic('f.bin', 'SNAPSHOT-tool'), 'a')).status, 201);
  assert.equal((await put(s, generic('f.bin', 'SNAPSHOT-tool'), 'b')).status, 201);
  // allowed + regex matches → forbidden
  assert.equal((await put(s, generic('f.bin', 'release-tool', '1.0', 2), 'a')).status, 201);
  const d2 = await put(s, generic('f.bin', 'release-tool', '1.0', 2), 'b');
  assert.deepEqual([d2.status, d2.json()], [400, dupMsg]);
  assert.equal((await put(s, generic('f.bin', 'tool', '1.0', 2), 'a')).status, 201);
  assert.equal((await put(s, generic('f.bin', 'tool', '1.0', 2), 'b')).status, 201);
  assert.equal((await get(s, generic('f.bin'))).text, 'a', 'the rejected duplicate was not stored');
  assert.deepEqual(await noTempFilesLeft(s), []);
});

test('GitLab edge 7: over the size limit → 400 "File is too large", decided after the body was read', async (t) => {
  const s = await serve(t, { gitlab: { projects: [{ id: 1, path: 'demo/app', maxFileSize: 10 }] } });
  assert.equal((await put(s, generic('ten.bin'), Buffer.alloc(10, 1))).status, 201);
  const r = await put(s, generic('eleven.bin'), Buffer.alloc(64 * 1024, 1));
  assert.equal(r.status, 400);
  assert.deepEqual(r.json(), { message: '400 Bad request - File is too large' });
  assert.equal((await get(s, generic('eleven.bin'))).status, 404);
  assert.deepEqual(await noTempFilesLeft(s), []);
  // the default limit is GitLab's plan default, 5 GiB
  const d = await serve(t);
  assert.equal(d.config.gitlab!.projects[0]!.maxFileSize, 5 * 1024 ** 3);
});

test('GitLab edge 8: file_sha256 is computed by the server; md5/sha1 null; client checksum headers ignored', async (t) => {
  const s = await serve(t);
  const body = Buffer.from('checksum me');
  const r = await send(s.url, 'PUT', generic('c.bin') + '?select=package_file', {
    headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'X-Checksum-SHA256': 'deadbeef', 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==', 'X-Checksum-Sha1': 'nope' },
    body,
  });
  assert.equal(r.status, 200);
  assert.equal(r.json().file_sha256, sha256(body));
  assert.equal(r.json().file_md5, null);
  assert.equal(r.json().file_sha1, null);
  const f = (await get(s, `${API()}/packages/1/package_files`)).json()[0];
  assert.deepEqual([f.file_md5, f.file_sha1, f.file_sha256], [null, null, sha256(body)]);
});

test('GitLab edge 9: X-Checksum-SHA256 on 200 downloads, never on the object-storage 302', async (t) => {
  const local = await serve(t);
  await put(local, generic('x.bin'), 'xyz');
  const ok = await get(local, generic('x.bin'));
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['x-checksum-sha256'], sha256('xyz'));
  const os = await serve(t, { objectStorage: { enabled: true } });
  await put(os, generic('x.bin'), 'xyz');
  const redirect = await get(os, generic('x.bin'));
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers['x-checksum-sha256'], undefined);
});

test('GitLab edge 10: 302 to another origin, followed without auth; Range → 206', async (t) => {
  const s = await serve(t, { objectStorage: { enabled: true } });
  await put(s, generic('r.bin'), '0123456789');
  const r = await get(s, generic('r.bin'));
  assert.equal(r.status, 302);
  const loc = new URL(String(r.headers.location));
  assert.equal(loc.origin, s.storageUrl);
  assert.notEqual(loc.origin, s.url);
  const followed = await send(loc.origin, 'GET', loc.pathname + loc.search);
  assert.equal(followed.status, 200);
  assert.equal(followed.text, '0123456789');
  const ranged = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: { range: 'bytes=2-4' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.text, '234');
  // local storage: Range on the API itself
  const l = await serve(t);
  await put(l, generic('r.bin'), '0123456789');
  const p = await get(l, generic('r.bin'), { 'PRIVATE-TOKEN': l.tokens.maintainer!, range: 'bytes=7-' });
  assert.equal(p.status, 206);
  assert.equal(p.text, '789');
  assert.equal(p.headers['content-range'], 'bytes 7-9/10');
  const bad = await get(l, generic('r.bin'), { 'PRIVATE-TOKEN': l.tokens.maintainer!, range: 'bytes=50-60' });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['content-range'], 'bytes */10');
});

test('GitLab edge 11: downloads are application/octet-stream with Content-Disposition: attachment; filename="…"', async (t) => {
  const s = await serve(t);
  await put(s, generic('tool-1.0.tar.gz'), 'tgz');
  const r = await get(s, generic('tool-1.0.tar.gz'));
  assert.equal(r.headers['content-type'], 'application/octet-stream');
  assert.equal(r.headers['content-disposition'], `attachment; filename="tool-1.0.tar.gz"; filename*=UTF-8''tool-1.0.tar.gz`);
  assert.equal(r.headers['content-length'], '3');
});

test('GitLab edge 12: unknown package/version/file → 404; error/processing → 404; hidden still downloadable', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  let s = await startServer({ port: 0, dataDir });
  await put(s, generic('f.bin'), 'x');
  await put(s, generic('f.bin', 'hid') + '?status=hidden', 'h');
  await put(s, generic('f.bin', 'broken'), 'e');
  await put(s, generic('f.bin', 'busy'), 'p');
  for (const p of [generic('f.bin', 'nope'), generic('f.bin', 'pkg', '9.9.9'), generic('other.bin')]) {
    const r = await get(s, p);
    assert.equal(r.status, 404, p);
    assert.deepEqual(r.json(), { message: '404 Not found' });
  }
  assert.equal((await get(s, generic('f.bin', 'hid'))).text, 'h');
  await s.close();
  // GitLab itself moves packages to error/processing; simulate that in the journal.
  await appendFile(join(dataDir, 'journal.jsonl'),
    JSON.stringify({ ns: 'gitlab', op: 'package.update', id: 3, status: 'error' }) + '\n' +
    JSON.stringify({ ns: 'gitlab', op: 'package.update', id: 4, status: 'processing' }) + '\n');
  s = await startServer({ port: 0, dataDir });
  t.after(() => s.close());
  assert.equal((await get(s, generic('f.bin', 'broken'))).status, 404);
  assert.equal((await get(s, generic('f.bin', 'busy'))).status, 404);
  assert.equal((await get(s, generic('f.bin'))).status, 200);
});

test('GitLab edge 13: auth matrix (401 + WWW-Authenticate, 403, 404/403 for non-members, invalid Basic on public GET)', async (t) => {
  const s = await serve(t, twoProjects);
  const realm = 'Basic realm="GitLab Packages Registry"';
  await put(s, generic('f.bin', 'pkg', '1.0.0', 2), 'pub');
  await put(s, generic('f.bin'), 'priv');

  const noAuth = await send(s.url, 'PUT', generic('n.bin'), { body: 'x' });
  assert.deepEqual([noAuth.status, noAuth.json(), noAuth.headers['www-authenticate']], [401, { message: '401 Unauthorized' }, realm]);
  const badPat = await put(s, generic('n.bin'), 'x', 'glpat-wrong');
  assert.deepEqual([badPat.status, badPat.headers['www-authenticate']], [401, realm]);
  assert.equal((await put(s, generic('n.bin'), 'x', { 'JOB-TOKEN': 'bogus' })).status, 401);

  assert.equal((await put(s, generic('ro.bin'), 'x', { 'DEPLOY-TOKEN': s.tokens.deployRo! })).status, 403);
  assert.equal((await put(s, generic('g.bin'), 'x', s.tokens.guest!)).status, 403);
  assert.equal((await put(s, generic('r.bin'), 'x', s.tokens.reporter!)).status, 403);
  assert.equal((await put(s, generic('d.bin'), 'x', s.tokens.developer!)).status, 201);
  assert.equal((await put(s, generic('j.bin'), 'x', { 'JOB-TOKEN': s.tokens.job! })).status, 201);
  assert.equal((await send(s.url, 'PUT', generic('jq.bin') + `?job_token=${s.tokens.job}`, { body: 'x' })).status, 201);
  assert.equal((await put(s, generic('wo.bin'), 'x', { 'DEPLOY-TOKEN': s.tokens.deployWo! })).status, 201);
  assert.equal((await put(s, generic('rw.bin'), 'x', { 'DEPLOY-TOKEN': s.tokens.deployRw! })).status, 201);
  assert.equal((await put(s, generic('b.bin'), 'x', basic('anyone', s.tokens.developer!))).status, 201);
  assert.equal((await put(s, generic('bearer.bin'), 'x', { authorization: `Bearer ${s.tokens.developer}` })).status, 201);
  // Basic with a job token is only enabled on GET (`job_token_allowed: %i[request basic_auth]`)
  assert.equal((await put(s, generic('jb.bin'), 'x', basic('gitlab-ci-token', s.tokens.job!))).status, 401);

  // non-member: private → 404, public → 403 (PUT) / 200 (GET)
  const np = await put(s, generic('o.bin'), 'x', s.tokens.outsider!);
  // `authorized_project_find!` (`lib/api/helpers/packages/basic_auth_helpers.rb`): a bare not_found!
  assert.deepEqual([np.status, np.json()], [404, { message: '404 Not Found' }]);
  const ng = await get(s, generic('f.bin'), s.tokens.outsider!);
  assert.deepEqual([ng.status, ng.json()], [404, { message: '404 Not Found' }]);
  assert.equal((await put(s, generic('o.bin', 'pkg', '1.0.0', 2), 'x', s.tokens.outsider!)).status, 403);
  assert.equal((await get(s, generic('f.bin', 'pkg', '1.0.0', 2), s.tokens.outsider!)).status, 200);

  // downloads: guest, job (header and Basic), deploy ro/wo/rw → 200; anonymous private → 401
  for (const h of [
    { 'PRIVATE-TOKEN': s.tokens.guest! },
    { 'JOB-TOKEN': s.tokens.job! },
    basic('gitlab-ci-token', s.tokens.job!),
    { 'DEPLOY-TOKEN': s.tokens.deployRo! },
    { 'DEPLOY-TOKEN': s.tokens.deployWo! },
    { 'DEPLOY-TOKEN': s.tokens.deployRw! },
  ]) {
    const r = await get(s, generic('f.bin'), h);
    assert.equal(r.status, 200, JSON.stringify(h));
    assert.equal(r.text, 'priv');
  }
  const anon = await get(s, generic('f.bin'), null);
  assert.deepEqual([anon.status, anon.headers['www-authenticate']], [401, realm]);
  // public project: anonymous and invalid Basic → 200; invalid PRIVATE-TOKEN/JOB-TOKEN → 401
  assert.equal((await get(s, generic('f.bin', 'pkg', '1.0.0', 2), null)).status, 200);
  assert.equal((await get(s, generic('f.bin', 'pkg', '1.0.0', 2), basic('x', 'wrong'))).status, 200);
  assert.equal((await get(s, generic('f.bin', 'pkg', '1.0.0', 2), 'glpat-wrong')).status, 401);
  assert.equal((await get(s, generic('f.bin', 'pkg', '1.0.0', 2), { 'JOB-TOKEN': 'wrong' })).status, 401);
  // invalid Basic on a private project → 401
  assert.equal((await get(s, generic('f.bin'), basic('x', 'wrong'))).status, 401);
  // projects by URL-encoded path
  assert.equal((await get(s, generic('f.bin', 'pkg', '1.0.0', 'demo%2Fapp'))).text, 'priv');
});

test('GitLab edge 14: ?status=hidden hides the package; a later upload with status=default unhides it', async (t) => {
  const s = await serve(t);
  assert.equal((await put(s, generic('f.bin', 'ghost') + '?status=hidden', 'boo')).status, 201);
  assert.deepEqual((await get(s, `${API()}/packages`)).json(), []);
  assert.equal((await get(s, generic('f.bin', 'ghost'))).text, 'boo');
  const hidden = (await get(s, `${API()}/packages?status=hidden`)).json();
  assert.equal(hidden.length, 1);
  assert.equal(hidden[0].status, 'hidden');
  assert.equal(hidden[0]._links.web_path, undefined);
  assert.equal((await get(s, `${API()}/packages/${hidden[0].id}/package_files`)).status, 404);
  assert.equal((await put(s, generic('g.bin', 'ghost') + '?status=default', 'back')).status, 201);
  const list = (await get(s, `${API()}/packages`)).json();
  assert.deepEqual(list.map((p: any) => [p.id, p.status]), [[hidden[0].id, 'default']]);
});

test('GitLab edge 15: /packages filters: fuzzy case-insensitive name, exact version, hidden excluded, created_at asc', async (t) => {
  const s = await serve(t);
  await put(s, generic('f', 'MyTool', '1.0.0'), 'a');
  await put(s, generic('f', 'mytool-extras', '1.0.0'), 'b');
  await put(s, generic('f', 'other', '1.0.0'), 'c');
  await put(s, generic('f', 'MyTool', '1.0.0-rc1'), 'd');
  await put(s, generic('f', 'mytool', '2.0.0') + '?status=hidden', 'e');
  const names = async (q: string) => (await get(s, `${API()}/packages${q}`)).json().map((p: any) => `${p.name}@${p.version}`);
  assert.deepEqual(await names('?package_name=TOOL'), ['MyTool@1.0.0', 'mytool-extras@1.0.0', 'MyTool@1.0.0-rc1']);
  assert.deepEqual(await names('?package_name=mytool&package_version=1.0.0'), ['MyTool@1.0.0', 'mytool-extras@1.0.0']);
  assert.deepEqual(await names('?package_version=1.0'), []);
  assert.deepEqual(await names('?package_type=generic&sort=desc'), ['MyTool@1.0.0-rc1', 'other@1.0.0', 'mytool-extras@1.0.0', 'MyTool@1.0.0']);
  assert.deepEqual(await names('?order_by=name'), ['MyTool@1.0.0', 'MyTool@1.0.0-rc1', 'mytool-extras@1.0.0', 'other@1.0.0']);
  assert.deepEqual(await names('?status=hidden'), ['mytool@2.0.0']);
  assert.deepEqual(await names('?package_type=npm'), []);
  const bad = await get(s, `${API()}/packages?package_type=zip`);
  assert.deepEqual([bad.status, bad.json()], [400, { error: 'package_type does not have a valid value' }]);
  assert.equal((await get(s, `${API()}/packages?order_by=size`)).status, 400);
  assert.equal((await get(s, `${API()}/packages?status=gone`)).status, 400);
});

test('GitLab edge 16: pagination: 20 per page by default, capped at 100, X-* and Link headers', async (t) => {
  const s = await serve(t, { storage: { fsync: false } });
  for (let i = 0; i < 25; i++) await put(s, generic('f', `p${String(i).padStart(2, '0')}`), 'x');
  const p1 = await get(s, `${API()}/packages`);
  assert.equal(p1.json().length, 20);
  assert.deepEqual(
    ['x-page', 'x-per-page', 'x-next-page', 'x-prev-page', 'x-total', 'x-total-pages'].map((h) => p1.headers[h]),
    ['1', '20', '2', '', '25', '2'],
  );
  assert.equal(
    p1.headers.link,
    [`<${s.url}${API()}/packages?page=2&per_page=20>; rel="next"`, `<${s.url}${API()}/packages?page=1&per_page=20>; rel="first"`, `<${s.url}${API()}/packages?page=2&per_page=20>; rel="last"`].join(', '),
  );
  const p2 = await get(s, `${API()}/packages?page=2`);
  assert.equal(p2.json().length, 5);
  assert.deepEqual([p2.headers['x-next-page'], p2.headers['x-prev-page']], ['', '1']);
  assert.match(String(p2.headers.link), /rel="prev"/);
  const big = await get(s, `${API()}/packages?per_page=500`);
  assert.equal(big.headers['x-per-page'], '100');
  assert.equal(big.json().length, 25);
  const small = await get(s, `${API()}/packages?per_page=10&page=3&package_name=p`);
  assert.deepEqual(small.json().map((p: any) => p.name), ['p20', 'p21', 'p22', 'p23', 'p24']);
  assert.match(String(small.headers.link), /package_name=p/);
  const beyond = await get(s, `${API()}/packages?page=9`);
  assert.deepEqual([beyond.json(), beyond.headers['x-next-page']], [[], '']);
});

test('GitLab edge 17: package_files: hidden → 404, deleted files omitted, order_by/sort, encoded file_name', async (t) => {
  const s = await serve(t);
  await put(s, generic('b.bin'), '1');
  await put(s, generic('dir/a.bin'), '2');
  await put(s, generic('c.bin'), '3');
  const files = (await get(s, `${API()}/packages/1/package_files`)).json();
  assert.deepEqual(files.map((f: any) => f.file_name), ['b.bin', 'dir%2Fa.bin', 'c.bin']);
  assert.deepEqual(Object.keys(files[0]).sort(), ['created_at', 'file_md5', 'file_name', 'file_sha1', 'file_sha256', 'id', 'package_id', 'size']);
  const byName = (await get(s, `${API()}/packages/1/package_files?order_by=file_name&sort=desc`)).json();
  assert.deepEqual(byName.map((f: any) => f.file_name), ['dir%2Fa.bin', 'c.bin', 'b.bin']);
  const del = await send(s.url, 'DELETE', `${API()}/packages/1/package_files/${files[0].id}`, { token: s.tokens.maintainer! });
  assert.equal(del.status, 204);
  const after = (await get(s, `${API()}/packages/1/package_files?sort=desc`)).json();
  assert.deepEqual(after.map((f: any) => f.file_name), ['c.bin', 'dir%2Fa.bin']);
  assert.equal((await get(s, `${API()}/packages/1/package_files?order_by=size`)).status, 400);
  await put(s, generic('h.bin', 'hid') + '?status=hidden', 'h');
  const r = await get(s, `${API()}/packages/2/package_files`);
  assert.deepEqual([r.status, r.json()], [404, { message: '404 Package Not Found' }]);
});

test('GitLab edge 18: DELETE package/file → 204, gone at once; non-Maintainer → 403; re-upload → new package id', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), 'v1');
  const del = (path: string, token: string | Record<string, string>) =>
    send(s.url, 'DELETE', path, { headers: typeof token === 'string' ? { 'PRIVATE-TOKEN': token } : token });
  assert.deepEqual([(await del(`${API()}/packages/1`, s.tokens.developer!)).status], [403]);
  // The Packages API does not take deploy tokens (`lib/api/project_packages.rb`): anonymous on a private project.
  assert.equal((await del(`${API()}/packages/1`, { 'DEPLOY-TOKEN': s.tokens.deployRo! })).status, 404);
  assert.equal((await del(`${API()}/packages/1`, { 'JOB-TOKEN': s.tokens.job! })).status, 204, 'job token triggered by a maintainer');
  assert.deepEqual((await get(s, `${API()}/packages`)).json(), []);
  assert.equal((await get(s, `${API()}/packages/1`)).status, 404);
  assert.equal((await get(s, generic('f.bin'))).status, 404);
  assert.equal((await del(`${API()}/packages/1`, s.tokens.maintainer!)).status, 404);
  const re = await put(s, generic('f.bin') + '?select=package_file', 'v2');
  assert.equal(re.json().package_id, 2);
  assert.equal((await get(s, generic('f.bin'))).text, 'v2');
  assert.equal((await del(`${API()}/packages/2`, { 'DEPLOY-TOKEN': s.tokens.deployRw! })).status, 404);
  assert.equal((await del(`${API()}/packages/2`, s.tokens.maintainer!)).status, 204);
  await put(s, generic('g.bin'), 'v3');
  const fileId = (await get(s, `${API()}/packages/3/package_files`)).json()[0].id;
  assert.equal((await del(`${API()}/packages/3/package_files/${fileId}`, s.tokens.developer!)).status, 403);
  assert.equal((await del(`${API()}/packages/3/package_files/${fileId}`, s.tokens.maintainer!)).status, 204);
  assert.equal((await del(`${API()}/packages/3/package_files/${fileId}`, s.tokens.maintainer!)).status, 404);
  assert.equal((await get(s, generic('g.bin'))).status, 404);
});

test('GitLab edge 19: variables API: job token 401, Developer 403, 404/400/409 shapes, POST 201, DELETE 204', async (t) => {
  const s = await serve(t);
  const V = `${API()}/variables`;
  const json = { 'content-type': 'application/json' };
  const post = (body: object, token = s.tokens.maintainer!) =>
    send(s.url, 'POST', V, { headers: { ...json, 'PRIVATE-TOKEN': token }, body: JSON.stringify(body) });
  assert.equal((await send(s.url, 'GET', V, { headers: { 'JOB-TOKEN': s.tokens.job! } })).status, 401);
  assert.equal((await send(s.url, 'POST', V, { headers: { ...json, 'JOB-TOKEN': s.tokens.job! }, body: '{"key":"A","value":"b"}' })).status, 401);
  assert.deepEqual((await get(s, V, s.tokens.developer!)).status, 403);
  assert.equal((await post({ key: 'A', value: 'b' }, s.tokens.developer!)).status, 403);
  const created = await post({ key: 'VERSION', value: '1.2.3' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json(), { variable_type: 'env_var', key: 'VERSION', value: '1.2.3', hidden: false, protected: false, masked: false, raw: false, environment_scope: '*', description: null });
  const dup = await post({ key: 'VERSION', value: '2' });
  assert.deepEqual([dup.status, dup.json()], [400, { message: { key: ['(VERSION) has already been taken'] } }]);
  const missing = await get(s, `${V}/NOPE`);
  assert.deepEqual([missing.status, missing.json()], [404, { message: '404 Variable Not Found' }]);
  assert.equal((await post({ key: 'VERSION', value: 'prod', environment_scope: 'production' })).status, 201);
  const amb = await get(s, `${V}/VERSION`);
  assert.deepEqual([amb.status, amb.json()], [409, { message: "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'" }]);
  const scoped = await get(s, `${V}/VERSION?filter%5Benvironment_scope%5D=production`);
  assert.deepEqual([scoped.status, scoped.json().value], [200, 'prod']);
  for (const value of ['short', 'has space in it', 'bad$chars!']) {
    const m = await post({ key: 'M', value, masked: true });
    assert.deepEqual([m.status, m.json()], [400, { message: { value: ['is invalid'] } }], value);
  }
  assert.equal((await post({ key: 'M', value: 'abcd$%^&*!', masked: true, raw: true })).status, 201);
  assert.equal((await send(s.url, 'DELETE', `${V}/M`, { token: s.tokens.maintainer! })).status, 204);
  assert.equal((await send(s.url, 'DELETE', `${V}/M`, { token: s.tokens.maintainer! })).status, 404);
});

test('GitLab edge 20: no …/generic/:name/:version/files route → 404', async (t) => {
  const s = await serve(t);
  await put(s, generic('a.bin'), 'a');
  const r = await get(s, `${API()}/packages/generic/pkg/1.0.0/files`);
  assert.equal(r.status, 404);
  const r2 = await get(s, `${API()}/packages/generic/pkg/1.0.0`);
  assert.deepEqual([r2.status, r2.json()], [404, { error: '404 Not Found' }]);
  const r3 = await get(s, `${API()}/packages/generic/pkg/1.0.0/`);
  assert.equal(r3.status, 404);
});

test('GitLab probes: GET /api/v4/version needs auth; GET /api/v4/projects/:id returns minimal JSON', async (t) => {
  const s = await serve(t);
  const anon = await get(s, '/api/v4/version', null);
  assert.deepEqual([anon.status, anon.json()], [401, { message: '401 Unauthorized' }]);
  const v = await get(s, '/api/v4/version');
  assert.equal(v.status, 200);
  assert.equal(v.json().version, '18.6.0');
  const p = await get(s, `${API('demo%2Fapp')}`);
  assert.equal(p.status, 200);
  assert.deepEqual([p.json().id, p.json().path_with_namespace, p.json().visibility], [1, 'demo/app', 'private']);
  assert.equal((await get(s, API(), s.tokens.outsider!)).status, 404);
  assert.equal((await get(s, API(99))).status, 404);
  const raw = await readFile(join(s.dataDir, 'journal.jsonl'), 'utf8');
  assert.ok(!raw.includes('"ns":"gitlab"'), 'probes write nothing');
});

test('GitLab Packages API takes neither deploy tokens nor Basic, the generic routes take both (issue 14, point 1)', async (t) => {
  // `lib/api/project_packages.rb` and `lib/api/package_files.rb`: `route_setting :authentication,
  // job_token_allowed: true` only; `lib/api/generic_packages.rb` adds `deploy_token_allowed` and
  // `basic_auth_personal_access_token`. A credential the route does not look at leaves the caller
  // anonymous: a private project is 404 Project Not Found, a public one lists and refuses DELETE.
  const s = await serve(t, twoProjects);
  await put(s, generic('f.bin'), 'x');
  await put(s, `${API(2)}/packages/generic/pkg/1.0.0/f.bin`, 'x', { 'PRIVATE-TOKEN': s.tokens.maintainer! });
  const deploy = { 'DEPLOY-TOKEN': s.tokens.deployRw! };
  const basicDeploy = basic('deployer', s.tokens.deployRw!);
  const basicPat = basic('maintainer', s.tokens.maintainer!);
  for (const headers of [deploy, basicDeploy, basicPat]) {
    for (const path of ['/packages', '/packages/1', '/packages/1/package_files']) {
      const r = await get(s, `${API()}${path}`, headers);
      assert.deepEqual([r.status, r.json()], [404, { message: '404 Project Not Found' }], `${path} ${Object.keys(headers)}`);
    }
    assert.equal((await send(s.url, 'DELETE', `${API()}/packages/1`, { headers })).status, 404);
    // the generic routes take them
    assert.equal((await get(s, generic('f.bin'), headers)).status, 200);
    // a public project: anonymous reads, anonymous may not delete
    assert.equal((await get(s, `${API(2)}/packages`, headers)).status, 200);
    assert.equal((await send(s.url, 'DELETE', `${API(2)}/packages/2`, { headers })).status, 403);
  }
  assert.equal((await get(s, `${API()}/packages`, { 'PRIVATE-TOKEN': s.tokens.maintainer! })).status, 200);
});
