/**
 * A Retry-After that is not one of RFC 9110's two forms (delta-seconds, HTTP-date) is ignored and
 * the normal backoff is waited (issue 13, point 8): `-5` and `2, 3` used to read as dates in 2001,
 * in the past, so the client retried at once. Waits are recorded by an injected sleep, not waited.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { parseRetryAfter } from '../../src/http/retry.js';
import { serve } from '../helpers/harness.js';

const POLICY = { attempts: 2, baseDelayMs: 400, maxDelayMs: 20_000 };

async function waitsFor(retryAfter: string): Promise<number[]> {
  const server = await serve();
  server.faults.add({ route: 'gitlab.packages.list', kind: 'status', status: 503, headers: { 'retry-after': retryAfter }, times: [1] });
  const waits: number[] = [];
  const http = new HttpClient({ credentials: { 'PRIVATE-TOKEN': server.tokens.maintainer }, retry: POLICY, sleep: async (ms) => void waits.push(ms) });
  try {
    const response = await http.request({ method: 'GET', url: `${server.url}/api/v4/projects/1/packages` });
    assert.equal(response.status, 200);
    await response.drain();
  } finally {
    await http.close();
  }
  return waits;
}

for (const value of ['-5', '2, 3', 'garbage', '1.5', '0x10', 'Sun, 06 Nov 1994 08:49:37', '2001-05-01']) {
  test(`Retry-After: ${JSON.stringify(value)} is not a valid value: the normal backoff is waited`, async () => {
    const waits = await waitsFor(value);
    assert.equal(waits.length, 1);
    assert.ok(waits[0] >= POLICY.baseDelayMs / 2 && waits[0] <= POLICY.baseDelayMs, `waited ${waits[0]} ms, the first backoff is within [200, 400]`);
  });
}

test('Retry-After in either valid form is what is waited', async () => {
  assert.deepEqual(await waitsFor('3'), [3000]);
  const waits = await waitsFor(new Date(Date.now() + 5_000).toUTCString());
  assert.ok(waits[0] > 3_000 && waits[0] <= 5_000, `waited ${waits[0]} ms for a date 5 s ahead`);
});

test('a Retry-After sent twice is ambiguous: the normal backoff is waited', async (t) => {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    if (calls === 1) {
      res.writeHead(503, [
        ['Retry-After', '1'],
        ['Retry-After', '100'],
      ]);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const waits: number[] = [];
  const http = new HttpClient({ retry: POLICY, sleep: async (ms) => void waits.push(ms) });
  t.after(() => http.close());
  const response = await http.request({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
  assert.equal(response.status, 200);
  await response.drain();
  assert.equal(waits.length, 1);
  assert.ok(waits[0] >= 200 && waits[0] <= 400, `waited ${waits[0]} ms`);
});

test('parseRetryAfter: delta-seconds and the three HTTP-date forms, nothing else', () => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
  assert.equal(parseRetryAfter('120'), 120_000);
  assert.equal(parseRetryAfter(' 7 '), 7000);
  assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 7000);
  assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now), 7000);
  assert.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 7000, 'asctime is GMT, not local time');
  assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now), 0, 'a date in the past: retry now');
  for (const bad of ['-5', '2, 3', '', 'soon', '1e3', '+5', 'Sun, 06 Nov 1994', '06 Nov 1994 08:49:37 GMT']) assert.equal(parseRetryAfter(bad, now), undefined, bad);
  assert.equal(parseRetryAfter(['1', '2'], now), undefined);
  assert.equal(parseRetryAfter(['4'], now), 4000);
});
