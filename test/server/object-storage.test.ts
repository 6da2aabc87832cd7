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
  const loc = new URL(String(r.headers.location));
  assert.equal(loc.origin, s.storageUrl);
  assert.equal(loc.searchParams.get('response-content-type'), 'application/octet-stream');
  assert.equal(loc.searchParams.get('response-content-disposition'), `attachment; filename="dir%2Fobj.bin"; filename*=UTF-8''dir%252Fobj.bin`);
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

test('object storage: forwarded credentials → 400 "Only one auth mechanism allowed"', async (t) => {
  const s = await serve(t, { objectStorage: { enabled: true } });
  await put(s, generic('f.bin'), 'x');
  const loc = new URL(String((await get(s, generic('f.bin'))).headers.location));
  const forwarded: Record<string, string>[] = [
    { authorization: `Bearer ${s.tokens.maintainer}` },
    { 'PRIVATE-TOKEN': s.tokens.maintainer! },
    { 'JOB-TOKEN': s.tokens.job! },
    { 'DEPLOY-TOKEN': s.tokens.deployRo! },
  ];
  for (const h of forwarded) {
    const r = await send(loc.origin, 'GET', loc.pathname + loc.search, { headers: h });
    assert.equal(r.status, 400, JSON.stringify(h));
    assert.equal(r.headers['content-type'], 'application/xml');
    assert.match(r.text, /<Code>InvalidArgument<\/Code><Message>Only one auth mechanism allowed/);
  }
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
