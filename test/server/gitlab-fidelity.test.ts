// serve's remaining differences from GitLab (issue 14, points 8 to 11), each following the
// upstream file named in its test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, generic, get, put, send, serve } from './helpers.js';

// `lib/gitlab/auth/auth_finders.rb`: find_user_from_bearer_token tries find_user_from_job_bearer_token
// first on routes with `job_token_allowed` (`lib/api/generic_packages.rb`, `lib/api/project_packages.rb`);
// routes without it (`lib/api/ci/variables.rb`) take a Bearer token as an access token only.
test('GitLab: a job token as Authorization: Bearer works where job tokens do, and nowhere else', async (t) => {
  const s = await serve(t, { storage: { fsync: false } });
  const bearer = { authorization: `Bearer ${s.tokens.job}` };
  assert.equal((await put(s, generic('bearer.bin'), 'x', bearer)).status, 201);
  const dl = await get(s, generic('bearer.bin'), bearer);
  assert.deepEqual([dl.status, dl.text], [200, 'x']);
  const list = await get(s, `${API()}/packages`, bearer);
  assert.equal(list.status, 200);
  assert.equal(list.json().length, 1);
  assert.equal((await get(s, `${API()}/variables`, bearer)).status, 401);
  assert.equal((await get(s, `${API()}/packages`, { authorization: 'Bearer not-a-token' })).status, 401);
});

// The generic routes find the project with `authorized_project_find!`
// (`lib/api/helpers/packages/basic_auth_helpers.rb`), a bare `not_found!` → "404 Not Found"; the
// Packages API's `user_project` says "404 Project Not Found". From 18.0 a job token whose user cannot
// see the project is 403 on the Packages API and the package-file download by id
// (`spec/requests/api/project_packages_spec.rb`, `spec/requests/api/package_files_spec.rb`); before, 404.
for (const [version, status] of [['18.6.0', 403], ['17.11.0', 404]] as const) {
  test(`GitLab ${version}: generic 404 Not Found; a non-member's job token on the Packages API → ${status}`, async (t) => {
    const s = await serve(t, {
      storage: { fsync: false },
      gitlab: {
        version,
        projects: [{ id: 1, path: 'demo/app', members: { maintainer: 'maintainer' } }, { id: 2, path: 'other/app', members: { outsider: 'maintainer' } }],
        tokens: {
          maintainer: { type: 'personal', user: 'maintainer' },
          outsider: { type: 'personal', user: 'outsider' },
          strangerJob: { type: 'job', user: 'outsider', project: 2 },
        },
      },
    });
    const up = await put(s, `${generic('f.bin')}?select=package_file`, 'x');
    const { package_id: pkgId, id: fileId } = up.json();
    const job = { 'JOB-TOKEN': s.tokens.strangerJob! };
    for (const r of [await put(s, generic('o.bin'), 'x', s.tokens.outsider!), await get(s, generic('f.bin'), job), await get(s, generic('f.bin', 'pkg', '1.0.0', 99), job)]) {
      assert.deepEqual([r.status, r.json()], [404, { message: '404 Not Found' }]);
    }
    for (const path of ['/packages', `/packages/${pkgId}`, `/packages/${pkgId}/package_files`, `/packages/${pkgId}/package_files/${fileId}/download`]) {
      const r = await get(s, `${API()}${path}`, job);
      assert.deepEqual([r.status, r.json()], [status, { message: status === 403 ? '403 Forbidden' : '404 Project Not Found' }], path);
    }
    assert.equal((await send(s.url, 'DELETE', `${API()}/packages/${pkgId}`, { headers: job })).status, status);
    // a PAT of the same non-member stays 404 on every version
    assert.deepEqual((await get(s, `${API()}/packages`, s.tokens.outsider!)).json(), { message: '404 Project Not Found' });
  });
}

// GitLab 13.5 (`generic_package_version_regex` in `lib/gitlab/regex.rb`) took only X.Y.Z versions on
// the generic routes; later releases take `maven_version_regex` (`lib/gitlab/regex/packages.rb`).
test('GitLab gitlab.version 13.5: generic versions are X.Y.Z only; 13.6 and later take the relaxed rule', async (t) => {
  const old = await serve(t, { storage: { fsync: false }, gitlab: { version: '13.5.4' } });
  assert.equal((await put(old, generic('f.bin', 'pkg', '1.2.3'), 'x')).status, 201);
  for (const version of ['1.2', 'v1.2.3', '1.2.3-rc.1']) {
    const r = await put(old, generic('f.bin', 'pkg', version), 'x');
    assert.deepEqual([r.status, r.json()], [400, { error: 'package_version is invalid' }], version);
    assert.equal((await get(old, generic('f.bin', 'pkg', version))).status, 400, version);
  }
  const now = await serve(t, { storage: { fsync: false }, gitlab: { version: '13.6.0' } });
  for (const version of ['1.2', 'v1.2.3', '1.2.3-rc.1']) assert.equal((await put(now, generic('f.bin', 'pkg', version), 'x')).status, 201, version);
});
