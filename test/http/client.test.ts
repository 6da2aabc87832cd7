/**
 * The HTTP client's waits between attempts, against `relpack serve`'s rate-limit fault, with the
 * client's sleep injected: the test checks what it was asked to wait instead of waiting it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { MAX_RETRY_AFTER_MS } from '../../src/http/retry.js';
import { serve } from '../helpers/harness.js';

async function client(t: { after: (fn: () => Promise<void>) => void }, token: string) {
  const waits: number[] = [];
  const log: string[] = [];
  const http = new HttpClient({
    credentials: { 'PRIVATE-TOKEN': token },
    retry: { attempts: 3, baseDelayMs: 500, maxDelayMs: 20_000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    log: (line) => log.push(line),
  });
  t.after(() => http.close());
  return { http, waits, log };
}

test('a 429 is retried after the Retry-After the server sent, instead of the backoff', async (t) => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.packages.list', kind: 'rate-limit', retryAfter: 7, times: [1] });
  const { http, waits, log } = await client(t, server.tokens.maintainer);
  const response = await http.request({ method: 'GET', url: `${server.url}/api/v4/projects/1/packages` });
  assert.equal(response.status, 200);
  await response.drain();
  assert.deepEqual(waits, [7000]);
  assert.equal(log.length, 1);
  assert.match(log[0], /^retrying GET http:\/\/.*\/api\/v4\/projects\/1\/packages in 7\.0s \(attempt 2 of 3: HTTP 429\)$/);
});

test('without Retry-After a 5xx waits the jittered backoff, doubling per attempt', async (t) => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.packages.list', kind: 'status', status: 503, times: [1, 2] });
  const { http, waits } = await client(t, server.tokens.maintainer);
  const response = await http.request({ method: 'GET', url: `${server.url}/api/v4/projects/1/packages` });
  assert.equal(response.status, 200);
  await response.drain();
  assert.equal(waits.length, 2);
  assert.ok(waits[0] >= 250 && waits[0] <= 500, `first wait ${waits[0]} ms is within [base/2, base]`);
  assert.ok(waits[1] >= 500 && waits[1] <= 1000, `second wait ${waits[1]} ms is within [base, 2 × base]`);
});

test('a Retry-After beyond the longest wait relpack accepts is not waited for: the 429 is the answer', async (t) => {
  const server = await serve();
  const seconds = MAX_RETRY_AFTER_MS / 1000 + 1;
  server.faults.add({ route: 'gitlab.packages.list', kind: 'rate-limit', retryAfter: seconds, times: [1] });
  const { http, waits } = await client(t, server.tokens.maintainer);
  const response = await http.request({ method: 'GET', url: `${server.url}/api/v4/projects/1/packages` });
  assert.equal(response.status, 429);
  assert.equal(response.header('retry-after'), String(seconds));
  await response.drain();
  assert.deepEqual(waits, []);
});
