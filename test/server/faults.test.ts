// Every fault kind fires exactly as configured and shows up in faults.fired().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API, generic, get, noTempFilesLeft, put, send, serve, sha256, tempDir } from './helpers.js';
import type { RunningServer } from '../../src/server/index.js';

interface Outcome {
  status?: number;
  headers?: Record<string, unknown>;
  body: Buffer;
  error?: string;
  ms: number;
}

/** Like send() but never rejects: reports what arrived and how the connection ended. */
function attempt(s: RunningServer, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Outcome> {
  const u = new URL(s.url);
  const started = Date.now();
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let status: number | undefined;
    let hdrs: Record<string, unknown> | undefined;
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      resolve({ status, headers: hdrs, body: Buffer.concat(parts), ms: Date.now() - started, ...(error ? { error } : {}) });
    };
    const req = httpRequest({
      host: u.hostname, port: u.port, method, path, agent: false,
      headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, ...(body ? { 'content-length': String(body.length) } : {}), ...headers },
    }, (res) => {
      status = res.statusCode;
      hdrs = res.headers;
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => finish(res.complete ? undefined : 'incomplete'));
      res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      res.on('aborted', () => finish('aborted'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    req.end(body);
  });
}

const BIG = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => i % 251));

test('fault status: 503 on requests 1 and 2 only (times), with the GitLab-style body', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), 'x');
  const [id] = s.faults.add({ route: 'gitlab.download', kind: 'status', status: 503, times: [1, 2] });
  const r1 = await get(s, generic('f.bin'));
  const r2 = await get(s, generic('f.bin'));
  const r3 = await get(s, generic('f.bin'));
  assert.deepEqual([r1.status, r2.status, r3.status], [503, 503, 200]);
  assert.deepEqual(r1.json(), { message: '503 Service Unavailable' });
  const fired = s.faults.fired(id);
  assert.deepEqual(fired.map((f) => [f.kind, f.n, f.route, f.method]), [['status', 1, 'gitlab.download', 'GET'], ['status', 2, 'gitlab.download', 'GET']]);
});

test('fault status: after/count, method and path filters; 500 and 502', async (t) => {
  const s = await serve(t);
  s.faults.add({ route: 'gitlab.upload', kind: 'status', status: 502, after: 1, count: 2, path: '/only/' });
  s.faults.add({ route: 'gitlab.*', method: 'DELETE', kind: 'status', status: 500 });
  const codes: number[] = [];
  for (let i = 0; i < 4; i++) codes.push((await put(s, generic(`only/f${i}`), 'x')).status);
  assert.deepEqual(codes, [201, 502, 502, 201]);
  assert.equal((await put(s, generic('elsewhere'), 'x')).status, 201, 'path filter');
  assert.equal((await send(s.url, 'DELETE', `${API()}/packages/1`, { token: s.tokens.maintainer! })).status, 500);
  assert.equal((await get(s, `${API()}/packages`)).status, 200, 'method filter');
  // the 502s did not store anything
  const files = (await get(s, `${API()}/packages/1/package_files`)).json();
  assert.deepEqual(files.map((f: any) => f.file_name), ['only%2Ff0', 'only%2Ff3', 'elsewhere']);
  s.faults.clear();
  assert.equal((await send(s.url, 'DELETE', `${API()}/packages/1`, { token: s.tokens.maintainer! })).status, 204);
});

test('fault status with afterBody: the upload is read, then answered 500, and not stored', async (t) => {
  const s = await serve(t);
  s.faults.add({ route: 'gitlab.upload', kind: 'status', status: 500, afterBody: true, count: 1 });
  const r = await attempt(s, 'PUT', generic('f.bin'), BIG);
  assert.equal(r.status, 500);
  assert.equal((await get(s, generic('f.bin'))).status, 404);
});

test('fault rate-limit: 429 with Retry-After, then through', async (t) => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0, 500);
  const s = await serve(t, undefined, { clock: { now: () => now, sleep: async () => {} } });
  s.faults.add({ id: 'throttle', route: 'gitlab.upload', kind: 'rate-limit', retryAfter: 7, count: 1 });
  const r = await put(s, generic('f.bin'), 'x');
  assert.equal(r.status, 429);
  assert.equal(r.headers['retry-after'], '7');
  assert.equal(r.headers['ratelimit-remaining'], '0');
  // RateLimit-Reset is a Unix time in seconds: the server's clock (whole seconds) plus Retry-After.
  assert.equal(r.headers['ratelimit-reset'], String(Date.UTC(2026, 0, 15, 12, 0, 7) / 1000));
  assert.equal((await put(s, generic('f.bin'), 'x')).status, 201);
  assert.equal(s.faults.fired('throttle').length, 1);
});

test('fault delay: the response waits for the server clock', async (t) => {
  // The server's clock records what it was asked to wait and lets the request go when the test says.
  const waits: number[] = [];
  let elapse = () => {};
  const clock = {
    now: () => Date.now(),
    sleep: (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => {
        elapse = resolve;
      });
    },
  };
  const s = await serve(t, undefined, { clock });
  const [id] = s.faults.add({ route: 'gitlab.packages.list', kind: 'delay', ms: 300, count: 1 });
  let answered = false;
  const reply = get(s, `${API()}/packages`).finally(() => (answered = true));
  assert.deepEqual((await s.faults.reached(id)).detail, '300 ms');
  assert.deepEqual(waits, [300]);
  assert.equal(answered, false, 'no answer before the wait is over');
  elapse();
  assert.equal((await reply).status, 200);
  assert.equal((await get(s, `${API()}/packages`)).status, 200);
  assert.deepEqual(waits, [300], 'count: 1 delays one request only');
});

test('fault hold: the request waits until released, while others go through; reached() says when it waits', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), 'first');
  const [id] = s.faults.add({ route: 'gitlab.download', kind: 'hold', times: [1] });
  const held = get(s, generic('f.bin'));
  const fired = await s.faults.reached(id);
  assert.deepEqual([fired.kind, fired.n, fired.route, fired.detail], ['hold', 1, 'gitlab.download', 'held until released']);
  // The held request is answered after what happens meanwhile: it reads the file stored after it arrived.
  assert.equal((await get(s, generic('f.bin'))).text, 'first', 'the second download is not held');
  assert.equal((await put(s, generic('f.bin'), 'second')).status, 201);
  assert.equal(s.faults.release(id), 1);
  assert.equal((await held).text, 'second');
  assert.equal(s.faults.release(id), 0, 'nothing is held any more');
  assert.deepEqual(s.faults.fired(id).map((f) => f.n), [1]);

  // Over HTTP, for a server in another process: release what waits, and removing a fault releases too.
  const admin = { 'X-Relpack-Admin-Token': s.tokens.admin!, 'content-type': 'application/json' };
  assert.equal((await send(s.url, 'POST', '/-/relpack/faults', { headers: admin, body: JSON.stringify({ id: 'gate', route: 'gitlab.download', kind: 'hold' }) })).status, 201);
  const waiting = [get(s, generic('f.bin')), get(s, generic('f.bin'))];
  await s.faults.reached('gate', 2);
  assert.equal((await send(s.url, 'POST', '/-/relpack/faults/gate/release')).status, 401, 'only with the admin token');
  const released = await send(s.url, 'POST', '/-/relpack/faults/gate/release', { headers: admin });
  assert.deepEqual([released.status, released.json()], [200, { released: 2 }]);
  assert.deepEqual((await Promise.all(waiting)).map((r) => r.text), ['second', 'second']);
  const third = get(s, generic('f.bin'));
  await s.faults.reached('gate', 3);
  assert.equal((await send(s.url, 'DELETE', '/-/relpack/faults/gate', { headers: admin })).status, 204);
  assert.equal((await third).status, 200);
  assert.equal((await send(s.url, 'POST', '/-/relpack/faults/gate/release', { headers: admin })).status, 404);
});

test('fault reset-request: connection reset while the upload body arrives; nothing stored, no temp file', async (t) => {
  const s = await serve(t);
  s.faults.add({ id: 'rr', route: 'gitlab.upload', kind: 'reset-request', afterBytes: 64 * 1024, count: 1 });
  const r = await attempt(s, 'PUT', generic('f.bin'), BIG);
  assert.equal(r.status, undefined);
  assert.ok(r.error, 'client saw an error');
  assert.equal(s.faults.fired('rr').length, 1);
  assert.match(s.faults.fired('rr')[0]!.detail!, /after receiving 65536 bytes/);
  assert.equal((await get(s, generic('f.bin'))).status, 404);
  assert.deepEqual(await noTempFilesLeft(s), []);
  assert.equal((await put(s, generic('f.bin'), BIG)).status, 201, 'the retry succeeds');
});

test('fault slow-request: the upload body is read at the configured rate', async (t) => {
  const s = await serve(t);
  s.faults.add({ route: 'gitlab.upload', kind: 'slow-request', bytesPerSecond: 200 * 1024, count: 1 });
  const r = await attempt(s, 'PUT', generic('f.bin'), BIG);
  assert.equal(r.status, 201);
  assert.ok(r.ms >= 1000, `took ${r.ms} ms for 256 KiB at 200 KiB/s`);
});

test('fault reset-response: reset in the middle of the response body', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), BIG);
  s.faults.add({ id: 'rs', route: 'gitlab.download', kind: 'reset-response', afterBytes: 100_000, count: 1 });
  const r = await attempt(s, 'GET', generic('f.bin'));
  assert.equal(r.status, 200);
  assert.equal(r.headers!['content-length'], String(BIG.length));
  assert.ok(r.error, 'client saw an error');
  assert.ok(r.body.length <= 100_000, `got ${r.body.length}`);
  assert.equal(s.faults.fired('rs').length, 1);
  const ok = await attempt(s, 'GET', generic('f.bin'));
  assert.equal(sha256(ok.body), sha256(BIG));
});

test('fault slow-response: the body is throttled', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), BIG);
  s.faults.add({ route: 'gitlab.download', kind: 'slow', bytesPerSecond: 256 * 1024, count: 1 });
  const r = await attempt(s, 'GET', generic('f.bin'));
  assert.equal(r.error, undefined);
  assert.equal(r.body.length, BIG.length);
  assert.ok(r.ms >= 900, `took ${r.ms} ms`);
});

test('fault truncate: Content-Length promised, fewer bytes sent, connection closed', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), BIG);
  s.faults.add({ id: 'tr', route: 'gitlab.download', kind: 'truncate', afterBytes: 1000, count: 1 });
  const r = await attempt(s, 'GET', generic('f.bin'));
  assert.equal(r.status, 200);
  assert.equal(r.headers!['content-length'], String(BIG.length));
  assert.equal(r.body.length, 1000);
  assert.ok(r.error);
  assert.match(s.faults.fired('tr')[0]!.detail!, /truncate after 1000/);
});

test('fault corrupt: bytes flipped, X-Checksum-SHA256 still the true digest', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), BIG);
  s.faults.add({ route: 'gitlab.download', kind: 'corrupt', offset: 5, bytes: 3, count: 1 });
  const r = await attempt(s, 'GET', generic('f.bin'));
  assert.equal(r.status, 200);
  assert.equal(r.body.length, BIG.length);
  assert.equal(r.headers!['x-checksum-sha256'], sha256(BIG));
  assert.notEqual(sha256(r.body), sha256(BIG));
  const diff = [...r.body.keys()].filter((i) => r.body[i] !== BIG[i]);
  assert.deepEqual(diff, [5, 6, 7]);
});

test('fault drop-after-commit: stored, then the connection drops before the response', async (t) => {
  const s = await serve(t);
  s.faults.add({ id: 'drop', route: 'gitlab.upload', kind: 'drop-after-commit', count: 1 });
  const r = await attempt(s, 'PUT', generic('f.bin'), Buffer.from('committed'));
  assert.equal(r.status, undefined);
  assert.ok(r.error);
  assert.equal(s.faults.fired('drop').length, 1);
  const dl = await get(s, generic('f.bin'));
  assert.equal(dl.text, 'committed');
});

test('faults apply to JSON responses and to storage.download too', async (t) => {
  const s = await serve(t, { objectStorage: { enabled: true } });
  await put(s, generic('f.bin'), BIG);
  s.faults.add({ route: 'gitlab.packages.list', kind: 'truncate', afterBytes: 5, count: 1 });
  const l = await attempt(s, 'GET', `${API()}/packages`);
  assert.equal(l.body.toString(), '[{"id');
  s.faults.add({ id: 'st', route: 'storage.download', kind: 'status', status: 503, count: 1 });
  const loc = new URL(String((await get(s, generic('f.bin'))).headers.location));
  assert.equal((await send(loc.origin, 'GET', loc.pathname + loc.search)).status, 503);
  assert.equal((await send(loc.origin, 'GET', loc.pathname + loc.search)).status, 200);
  assert.equal(s.faults.fired('st')[0]!.route, 'storage.download');
});

test('faults from YAML config and over the admin HTTP endpoint', async (t) => {
  const dir = await tempDir();
  const file = join(dir, 'serve.yml');
  await writeFile(file, `faults:\n  - id: boot\n    route: gitlab.version\n    kind: status\n    status: 502\n    times: [1]\n`);
  const s = await serve(t, undefined, { configFile: file });
  assert.equal((await get(s, '/api/v4/version')).status, 502);
  assert.equal((await get(s, '/api/v4/version')).status, 200);

  const admin = { 'X-Relpack-Admin-Token': s.tokens.admin!, 'content-type': 'application/json' };
  assert.equal((await send(s.url, 'POST', '/-/relpack/faults', { body: '{}' })).status, 401);
  const bad = await send(s.url, 'POST', '/-/relpack/faults', { headers: admin, body: JSON.stringify({ route: 'x', kind: 'explode' }) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().key, 'fault.kind');
  const add = await send(s.url, 'POST', '/-/relpack/faults', { headers: admin, body: JSON.stringify([{ id: 'h1', route: 'gitlab.project', kind: 'rate-limit', count: 1 }]) });
  assert.deepEqual([add.status, add.json()], [201, { ids: ['h1'] }]);
  assert.equal((await get(s, API())).status, 429);
  const state = (await send(s.url, 'GET', '/-/relpack/faults', { headers: admin })).json();
  assert.deepEqual(state.fired.map((f: any) => f.id), ['boot', 'h1']);
  assert.deepEqual(state.faults.map((f: any) => f.id).sort(), ['boot', 'h1']);
  assert.equal((await send(s.url, 'DELETE', '/-/relpack/faults/h1', { headers: admin })).status, 204);
  assert.equal((await send(s.url, 'DELETE', '/-/relpack/faults/h1', { headers: admin })).status, 404);
  assert.equal((await send(s.url, 'DELETE', '/-/relpack/faults?fired=1', { headers: admin })).status, 204);
  assert.deepEqual((await send(s.url, 'GET', '/-/relpack/faults', { headers: admin })).json(), { faults: [], fired: [] });
  assert.equal((await send(s.url, 'GET', '/-/relpack/health')).status, 200);
});

test('fault reset-response at byte 0: status and headers arrive, then the reset', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), BIG);
  s.faults.add({ route: 'gitlab.download', kind: 'reset-response', afterBytes: 0, count: 1 });
  const r = await attempt(s, 'GET', generic('f.bin'));
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 0);
  assert.ok(r.error);
});

test('fault on a JSON POST body: reset-request on gitlab.variables.create stores nothing', async (t) => {
  const s = await serve(t);
  s.faults.add({ id: 'v', route: 'gitlab.variables.create', kind: 'reset-request', afterBytes: 5, count: 1 });
  const body = Buffer.from(JSON.stringify({ key: 'K', value: 'v' }));
  const r = await attempt(s, 'POST', `${API()}/variables`, body, { 'content-type': 'application/json' });
  assert.ok(r.error);
  assert.equal(s.faults.fired('v').length, 1);
  assert.equal((await get(s, `${API()}/variables/K`)).status, 404);
});
