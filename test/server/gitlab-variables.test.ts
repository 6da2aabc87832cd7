// CI/CD variables API beyond case 19 of docs/gitlab-behaviour.md (GitLab `lib/api/ci/variables.rb`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, get, send, serve } from './helpers.js';

test('variables: form-urlencoded POST, PUT with filter, hidden values, key rules, pagination', async (t) => {
  const s = await serve(t, { storage: { fsync: false } });
  const V = `${API()}/variables`;
  const tok = { 'PRIVATE-TOKEN': s.tokens.maintainer! };
  const form = (body: string, method = 'POST', path = V) =>
    send(s.url, method, path, { headers: { ...tok, 'content-type': 'application/x-www-form-urlencoded' }, body });

  const c = await form('key=DEPLOY_KEY&value=c2VjcmV0LXZhbHVl&masked=true&protected=true&variable_type=file&description=d');
  assert.equal(c.status, 201);
  assert.deepEqual(c.json(), { variable_type: 'file', key: 'DEPLOY_KEY', value: 'c2VjcmV0LXZhbHVl', hidden: false, protected: true, masked: true, raw: false, environment_scope: '*', description: 'd' });
  const h = await form('key=HIDDEN&value=abcdefgh12&masked_and_hidden=true');
  assert.deepEqual([h.status, h.json().value, h.json().hidden, h.json().masked], [201, null, true, true]);
  assert.equal((await get(s, `${V}/HIDDEN`)).json().value, null);

  const badKey = await form('key=bad-key&value=x');
  assert.deepEqual([badKey.status, badKey.json()], [400, { message: { key: ["can contain only letters, digits and '_'."] } }]);
  const long = await form(`key=${'K'.repeat(256)}&value=x`);
  assert.deepEqual(long.json(), { message: { key: ['is too long (maximum is 255 characters)'] } });
  const missing = await form('value=x');
  assert.deepEqual([missing.status, missing.json()], [400, { error: 'key is missing' }]);
  const badType = await form('key=T&value=x&variable_type=yaml');
  assert.deepEqual(badType.json(), { error: 'variable_type does not have a valid value' });
  assert.equal((await form('key=  TRIMMED  &value=x')).json().key, 'TRIMMED');

  await form('key=SCOPED&value=one&environment_scope=staging');
  await form('key=SCOPED&value=two&environment_scope=production');
  const put409 = await form('value=three', 'PUT', `${V}/SCOPED`);
  assert.equal(put409.status, 409);
  const upd = await form('value=three', 'PUT', `${V}/SCOPED?filter[environment_scope]=production`);
  assert.deepEqual([upd.status, upd.json().value, upd.json().environment_scope], [200, 'three', 'production']);
  const clash = await form('environment_scope=staging', 'PUT', `${V}/SCOPED?filter[environment_scope]=production`);
  assert.deepEqual([clash.status, clash.json()], [400, { message: { key: ['(SCOPED) has already been taken'] } }]);
  const mask = await form('masked=true', 'PUT', `${V}/SCOPED?filter[environment_scope]=staging`);
  assert.deepEqual([mask.status, mask.json()], [400, { message: { value: ['is invalid'] } }]);
  assert.equal((await form('value=x', 'PUT', `${V}/NOPE`)).status, 404);
  const json = await send(s.url, 'PUT', `${V}/TRIMMED`, { headers: { ...tok, 'content-type': 'application/json' }, body: JSON.stringify({ value: 'v2', protected: true }) });
  assert.deepEqual([json.status, json.json().value, json.json().protected], [200, 'v2', true]);

  for (let i = 0; i < 22; i++) await form(`key=BULK_${i}&value=x`);
  const p1 = await get(s, V);
  assert.equal(p1.json().length, 20);
  assert.equal(p1.headers['x-total'], '27');
  assert.equal(p1.headers['x-total-pages'], '2');
  const p2 = await get(s, `${V}?page=2&per_page=20`);
  assert.equal(p2.json().length, 7);
  assert.equal(p2.headers['x-next-page'], '');

  // auth: anonymous 401, deploy token is not a credential here, guest 403, outsider 404
  assert.equal((await get(s, V, null)).status, 401);
  assert.equal((await get(s, V, { 'DEPLOY-TOKEN': s.tokens.deployRw! })).status, 401);
  assert.equal((await get(s, V, s.tokens.guest!)).status, 403);
  assert.equal((await get(s, V, s.tokens.outsider!)).status, 404);
  assert.equal((await get(s, V, { authorization: `Bearer ${s.tokens.maintainer}` })).status, 200);
});

// GitLab `lib/api/ci/variables.rb` (Grape merges query and body params, multipart included),
// `lib/api/helpers/variables_helpers.rb` (find_variable reads params[:filter]) and
// `app/models/concerns/ci/hidable_variable.rb` (masked cannot change on a hidden variable).
test('variables: multipart --form bodies, filter[environment_scope] in the body, masked on a hidden variable', async (t) => {
  const s = await serve(t, { storage: { fsync: false } });
  const V = `${API()}/variables`;
  const tok = { 'PRIVATE-TOKEN': s.tokens.maintainer! };
  const multipart = (fields: Record<string, string>, method = 'POST', path = V) => {
    const b = 'relpackBoundary42';
    const body = `${Object.entries(fields).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--${b}--\r\n`;
    return send(s.url, method, path, { headers: { ...tok, 'content-type': `multipart/form-data; boundary=${b}` }, body });
  };

  const c = await multipart({ key: 'FORM_KEY', value: 'form-value', protected: 'true' });
  assert.deepEqual([c.status, c.json().key, c.json().value, c.json().protected], [201, 'FORM_KEY', 'form-value', true]);
  const u = await multipart({ value: 'new-value' }, 'PUT', `${V}/FORM_KEY`);
  assert.deepEqual([u.status, u.json().value], [200, 'new-value']);
  assert.equal((await get(s, `${V}/FORM_KEY`)).json().value, 'new-value');

  await multipart({ key: 'SCOPED', value: 'one', environment_scope: 'staging' });
  await multipart({ key: 'SCOPED', value: 'two', environment_scope: 'production' });
  const put = await multipart({ value: 'three', 'filter[environment_scope]': 'production' }, 'PUT', `${V}/SCOPED`);
  assert.deepEqual([put.status, put.json().value, put.json().environment_scope], [200, 'three', 'production']);
  const putJson = await send(s.url, 'PUT', `${V}/SCOPED`, {
    headers: { ...tok, 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'four', filter: { environment_scope: 'staging' } }),
  });
  assert.deepEqual([putJson.status, putJson.json().value, putJson.json().environment_scope], [200, 'four', 'staging']);
  const del = await send(s.url, 'DELETE', `${V}/SCOPED`, {
    headers: { ...tok, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'filter[environment_scope]=staging',
  });
  assert.equal(del.status, 204);
  const left = (await get(s, V)).json().filter((v: { key: string }) => v.key === 'SCOPED');
  assert.deepEqual(left.map((v: { environment_scope: string }) => v.environment_scope), ['production']);

  await multipart({ key: 'HIDDEN', value: 'abcdefgh12', masked_and_hidden: 'true' });
  const unmask = await multipart({ masked: 'false' }, 'PUT', `${V}/HIDDEN`);
  assert.deepEqual([unmask.status, unmask.json()], [400, { message: { base: ['Updating masked attribute is not allowed on updates for hidden variables.'] } }]);
  const same = await multipart({ masked: 'true', value: 'zyxwvuts98' }, 'PUT', `${V}/HIDDEN`);
  assert.deepEqual([same.status, same.json().hidden, same.json().masked], [200, true, true]);
});
