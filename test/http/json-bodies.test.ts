/**
 * Every JSON answer relpack reads from a registry is capped (issue 13, point 4): a listing page,
 * a variable. A 200 MiB listing used to be read whole (1.2 GiB RSS); now reading stops past 32 MiB
 * with a PROTOCOL error naming the request. Error answers are read for their message only: at most
 * 64 KiB of them.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { cli, gitlabEnv, serve } from '../helpers/harness.js';

const MAX_JSON_BYTES = 32 * 1024 * 1024;
const MAX_ERROR_TEXT_BYTES = 64 * 1024;
/** A JSON list a little larger than the cap: valid JSON, so only its size is wrong. */
const OVERSIZED = `[${' '.repeat(MAX_JSON_BYTES)}]`;

test('a listing page larger than 32 MiB is refused with a sentence, and not retried', { timeout: 60_000 }, async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.packages.list', kind: 'status', status: 200, body: OVERSIZED, headers: { 'content-type': 'application/json' } });
  const run = await cli(['list', '--name', 'app', '--json'], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /the answer to GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/1\/packages\?\S* is larger than 32\.0 MiB, more than any registry answer relpack reads/);
  assert.equal(JSON.parse(run.stdout).errors[0].code, 'PROTOCOL');
  assert.equal(server.faults.fired().length, 1);
});

test('a variable larger than 32 MiB is refused the same way', { timeout: 60_000 }, async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.variables.get', kind: 'status', status: 200, body: OVERSIZED, headers: { 'content-type': 'application/json' } });
  const run = await cli(['version', 'show', '--name', 'app', '--version-variable', 'APP_VERSION'], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /the answer to GET .*\/variables\/APP_VERSION is larger than 32\.0 MiB/);
});

test('json() reads at most its cap; text() at most 64 KiB of an error answer, whatever its length', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ items: 'x'.repeat(10_000) }));
    }
    // An error answer that never ends.
    res.writeHead(500, { 'content-type': 'text/plain' });
    const block = Buffer.alloc(64 * 1024, 0x65);
    const pump = () => {
      while (!res.destroyed && res.write(block)) {
        // until the socket's buffer is full
      }
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = new HttpClient({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  t.after(() => http.close());
  const small = await http.request({ method: 'GET', url: `${base}/json` });
  await assert.rejects(small.json(1024), /the answer to GET .*\/json is larger than 1\.0 KiB/);
  const endless = await http.request({ method: 'GET', url: `${base}/error` });
  assert.equal(endless.status, 500);
  const text = await endless.text();
  assert.equal(text.length, MAX_ERROR_TEXT_BYTES);
});
