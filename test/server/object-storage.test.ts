// Object-storage mode: 302 to a second origin with a signed, expiring URL (GitLab
// `present_carrierwave_file!` in `lib/api/helpers.rb`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generic, get, put, send, serve, sha256 } from './helpers.js';

test('object storage: 302 with response-content-disposition/-type, no checksum; origin serves bytes and Range', async (t) => {
  const s = await serve(t, { objectStorage: { enabled: true } });
  const body = Buffer.from('stored in the bucket');
  await put(s, generic('dir/obj.bin'), body);
  const r = await get(s, generic('dir/obj.bin'));
  assert.equal(r.status, 302);
  assert.equal(r.headers['x-checksum-sha256'], undefined);
  // Grape's `redirect` (grape `lib/grape/dsl/inside_route.rb`) through GitLab's JSON formatter
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(r.text, JSON.stringify(`This resource has been moved temporarily to ${r.headers.location}.`));
  const loc = new URL(String(r.headers.location));
  assert.equal(loc.origin, s.storageUrl);
  assert.equal(loc.searchParams.get('response-content-type'), 'application/octet-stream');
  // Rails' ContentDisposition.format (`lib/api/helpers.rb`), the query escaped as S3 SDKs do (%20, not +)
  assert.equal(loc.searchParams.get('response-content-disposition'), `attachment; filename="dir%252Fobj.bin"; filename*=UTF-8''dir%252Fobj.bin`);
  assert.match(loc.search, /response-content-disposition=attachment%3B%20filename%3D%22dir%25252Fobj.bin%22%3B%20filename%2A%3DUTF-8%27%27dir%25252Fobj.bin&/);
  assert.ok(loc.searchParams.get('X-Amz-Signature'));
  assert.ok(loc.searchParams.get('X-Amz-Expires'));

  const full = await send(loc.origin, 'GET', loc.pathname + loc.search);
  assert.equal(full.status, 200);
  assert.equal(sha256(full.body), sha256(body));
  assert.equal(full.headers['content-type'], 'application/octet-stream');
  assert.equal(full.headers['content-disposition'], loc.searchParams.get('response-content-disposition'));
  assert.equal(full.headers['x-checksum-sha256'], undefined);
  const part = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: { range: 'bytes=-6' } });
  assert.deepEqual([part.status, part.text, part.headers['content-range']], [206, 'bucket', `bytes 14-19/${body.length}`]);
  const none = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: { range: 'bytes=100-' } });
  assert.equal(none.status, 416);
  // the 18.4 package-file route redirects too, without a disposition
  const byId = await get(s, '/api/v4/projects/1/packages/1/package_files/1/download');
  assert.equal(byId.status, 302);
  assert.equal(new URL(String(byId.headers.location)).searchParams.get('response-content-disposition'), null);
});

// S3 refuses a second auth mechanism (`Authorization` next to a presigned query) and ignores the
// headers it does not know, so the docs' `curl --location --header "PRIVATE-TOKEN: …"`
// (`doc/user/packages/generic_packages/_index.md`) works against GitLab; serve records them instead.
test('object storage: a forwarded Authorization → 400 "Only one auth mechanism allowed"; other token headers are ignored and recorded', async (t) => {
  const s = await serve(t, { objectStorage: { enabled: true } });
  await put(s, generic('f.bin'), 'x');
  const loc = new URL(String((await get(s, generic('f.bin'))).headers.location));
  assert.deepEqual(s.storageCredentials(), []);
  const r = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: { authorization: `Bearer ${s.tokens.maintainer}` } });
  assert.equal(r.status, 400);
  assert.equal(r.headers['content-type'], 'application/xml');
  assert.match(r.text, /<Code>InvalidArgument<\/Code><Message>Only one auth mechanism allowed/);
  const ignored: Record<string, string>[] = [{ 'PRIVATE-TOKEN': s.tokens.maintainer! }, { 'JOB-TOKEN': s.tokens.job! }, { 'DEPLOY-TOKEN': s.tokens.deployRo! }];
  for (const h of ignored) {
    const ok = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: h });
    assert.deepEqual([ok.status, ok.text], [200, 'x'], JSON.stringify(h));
  }
  assert.deepEqual(s.storageCredentials().map((c) => c.header), ['authorization', 'private-token', 'job-token', 'deploy-token']);
  assert.equal(s.storageCredentials()[0]!.path, loc.pathname);
});

test('object storage: bad signature and expired URL → 403', async (t) => {
  // The server's clock, stepped by the test: the URL is good for its whole lifetime and not a
  // millisecond longer, without waiting for it to run out.
  let now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const clock = { now: () => now, sleep: async () => {} };
  const s = await serve(t, { objectStorage: { enabled: true, expiresSeconds: 60 } }, { clock });
  await put(s, generic('f.bin'), 'x');
  const loc = new URL(String((await get(s, generic('f.bin'))).headers.location));
  const tampered = new URL(loc);
  tampered.searchParams.set('X-Amz-Expires', '999999');
  const bad = await send(loc.origin, 'GET', tampered.pathname + tampered.search);
  assert.equal(bad.status, 403);
  assert.match(bad.text, /<Code>SignatureDoesNotMatch<\/Code>/);
  const unsigned = await send(loc.origin, 'GET', loc.pathname);
  assert.equal(unsigned.status, 403);
  assert.equal(loc.searchParams.get('X-Amz-Date'), '20260115T120000Z');
  assert.equal((await send(loc.origin, 'GET', loc.pathname + loc.search)).status, 200);
  now += 60_000;
  assert.equal((await send(loc.origin, 'GET', loc.pathname + loc.search)).status, 200, 'still valid at the last millisecond of its lifetime');
  now += 1;
  const expired = await send(loc.origin, 'GET', loc.pathname + loc.search);
  assert.equal(expired.status, 403);
  assert.match(expired.text, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
});
