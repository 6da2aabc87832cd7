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
