// serve under load (issue 13, point 19; docs/serve.md, "Limits"): a connection cap, header and
// idle timeouts that really close sockets (half-open ones too), and request bodies held in
// memory that are let go when their upload stalls or is aborted, within a memory budget.
// Timeouts here are a few hundred ms, configured; every wait is a bounded poll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError } from '../../src/server/config.js';
import type { RunningServer } from '../../src/server/index.js';
import { generic, get, noTempFilesLeft, put, send, serve } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));
const KiB = 1024;

/** Polls `check` every 20 ms until it holds or `ms` pass; returns its last value. */
async function until<T>(check: () => Promise<T> | T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = await check();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    v = await check();
  }
  return v;
}

/** A raw TCP connection; its `closed` turns true when it is closed. */
function openSocket(url: string, opts: { allowHalfOpen?: boolean } = {}): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), allowHalfOpen: opts.allowHalfOpen ?? false });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** An upload that sends its headers and `sent` bytes of a `total`-byte body, then goes silent. */
function stalledUpload(s: RunningServer, path: string, total: number, sent: number): Promise<ClientRequest & { gone: Promise<void> }> {
  const u = new URL(s.url);
  const req = httpRequest({
    host: u.hostname, port: u.port, method: 'PUT', path, agent: false,
    headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'content-length': String(total) },
  }) as ClientRequest & { gone: Promise<void> };
  req.on('error', () => {});
  req.gone = new Promise<void>((resolve) => req.on('close', () => resolve()));
  return new Promise((resolve) => req.write(Buffer.alloc(sent, 7), () => resolve(req)));
}

/** Body bytes the server has: what it holds in memory plus what its temp files hold. */
async function bytesReceived(s: RunningServer): Promise<number> {
  let onDisk = 0;
  for (const f of await readdir(join(s.dataDir, 'tmp'))) onDisk += (await stat(join(s.dataDir, 'tmp', f))).size;
  return (await s.stats()).bufferedBodyBytes + onDisk;
}

test('limits (issue 13, point 19): past maxConnections new connections are closed at once; the open ones are still answered', async (t) => {
  const s = await serve(t, { limits: { maxConnections: 20 } });
  const sockets: Socket[] = [];
  t.after(() => sockets.forEach((x) => void x.destroy()));
  for (let i = 0; i < 40; i++) sockets.push(await openSocket(s.url));
  const closed = await until(() => sockets.filter((x) => x.closed).length, (n) => n >= 20);
  assert.equal(closed, 20, 'the 20 connections past the cap are closed');
  assert.deepEqual(sockets.slice(0, 20).map((x) => x.closed), Array(20).fill(false), 'the first 20 stay open');
  const stats = await s.stats();
  assert.deepEqual([stats.connections, stats.refusedConnections], [20, 20]);
  // an accepted connection is still served while the cap holds
  const held = sockets[0]!;
  const answer = new Promise<string>((resolve) => {
    let got = '';
    held.on('data', (d) => {
      got += d;
      if (got.includes('"ok"')) resolve(got);
    });
  });
  held.write('GET /-/relpack/health HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(await answer, /^HTTP\/1\.1 200/);
  // once connections end, new ones are accepted again
  for (const x of sockets) x.destroy();
  await until(async () => (await s.stats()).connections, (n) => n === 0);
  assert.equal((await send(s.url, 'GET', '/-/relpack/health')).status, 200);
});

test('limits (issue 13, point 19): a half-open connection that never finishes its headers is closed after headersTimeout', async (t) => {
  const s = await serve(t, { limits: { headersTimeout: 300 } });
  // allowHalfOpen: these clients never close their side, like a peer that vanished
  const silent = await openSocket(s.url, { allowHalfOpen: true });
  const partial = await openSocket(s.url, { allowHalfOpen: true });
  t.after(() => [silent, partial].forEach((x) => void x.destroy()));
  let answered = '';
  partial.on('data', (d) => (answered += d));
  partial.write('PUT /api/v4/projects/1/packages/generic/p/1/f.bin HTTP/1.1\r\nHost: x\r\n');
  assert.equal((await s.stats()).connections, 2);
  const started = Date.now();
  const open = await until(async () => (await s.stats()).connections, (n) => n === 0, 5000);
  assert.equal(open, 0, 'the server destroyed both sockets');
  assert.ok(Date.now() - started < 3000, `closed after ${Date.now() - started} ms`);
  assert.match(answered, /^HTTP\/1\.1 408 Request Timeout/);
  assert.equal((await send(s.url, 'GET', '/-/relpack/health')).status, 200);
});

test('limits (issue 13, point 19): a stalled upload is closed after idleTimeout and its buffered body is let go', async (t) => {
  const s = await serve(t, { limits: { idleTimeout: 400 } });
  const uploads = await Promise.all([0, 1, 2].map((i) => stalledUpload(s, generic(`stalled${i}.bin`), 1024 * KiB, 100 * KiB)));
  t.after(() => uploads.forEach((u) => void u.destroy()));
  // the server holds what arrived, in memory (small bodies are kept there until commit)
  assert.equal(await until(() => bytesReceived(s), (n) => n === 300 * KiB), 300 * KiB);
  assert.ok((await s.stats()).bufferedBodyBytes > 0);
  const started = Date.now();
  await Promise.race([Promise.all(uploads.map((u) => u.gone)), new Promise((r) => setTimeout(r, 5000))]);
  assert.deepEqual(uploads.map((u) => u.destroyed), [true, true, true], 'the server closed every stalled upload');
  assert.ok(Date.now() - started < 3000);
  assert.equal(await until(async () => (await s.stats()).bufferedBodyBytes, (n) => n === 0), 0);
  assert.equal(await until(async () => (await s.stats()).connections, (n) => n === 0), 0);
  assert.deepEqual(await noTempFilesLeft(s), []);
  for (const i of [0, 1, 2]) assert.equal((await get(s, generic(`stalled${i}.bin`))).status, 404);
  // an upload that keeps sending is not cut by the idle timeout, however long it takes in all
  const u = new URL(s.url);
  const slow = httpRequest({ host: u.hostname, port: u.port, method: 'PUT', path: generic('steady.bin'), agent: false, headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'content-length': String(8 * 32 * KiB) } });
  const status = new Promise<number>((resolve, reject) => {
    slow.on('response', (r) => resolve(r.statusCode!));
    slow.on('error', reject);
  });
  for (let i = 0; i < 8; i++) {
    await new Promise<void>((r) => slow.write(Buffer.alloc(32 * KiB, i), () => r()));
    await new Promise((r) => setTimeout(r, 150));
  }
  slow.end();
  assert.equal(await status, 201);
});

test('limits (issue 13, point 19): aborted uploads give back their buffered bytes; past bodyMemory bodies go to disk', async (t) => {
  const s = await serve(t, { limits: { bodyMemory: '256KiB' } });
  const uploads = await Promise.all(Array.from({ length: 6 }, (_, i) => stalledUpload(s, generic(`big${i}.bin`), 1024 * KiB, 100 * KiB)));
  t.after(() => uploads.forEach((u) => void u.destroy()));
  assert.equal(await until(() => bytesReceived(s), (n) => n === 600 * KiB), 600 * KiB);
  // 600 KiB arrived; at most the budget plus the piece that crossed it is in memory, the rest on disk
  const held = (await s.stats()).bufferedBodyBytes;
  assert.ok(held > 0 && held <= 256 * KiB + 64 * KiB, `${held} bytes held in memory`);
  assert.ok((await s.tempFiles()).length >= 2, 'the bodies past the budget were spilled to temp files');
  // new uploads still work while the budget is used up, through a temp file
  assert.equal((await put(s, generic('small.bin'), 'while full')).status, 201);
  assert.equal((await get(s, generic('small.bin'))).text, 'while full');
  for (const u of uploads) u.destroy();
  assert.equal(await until(async () => (await s.stats()).bufferedBodyBytes, (n) => n === 0), 0);
  assert.deepEqual(await noTempFilesLeft(s), []);
});

test('limits (issue 13, point 19): config keys are validated; stats show the limits in force', async (t) => {
  const bad: [unknown, RegExp][] = [
    [{ limits: { maxConnections: 0 } }, /limits\.maxConnections.*between 1/],
    [{ limits: { headersTimeout: 'soon' } }, /limits\.headersTimeout.*duration/],
    [{ limits: { idleTimeout: -1 } }, /limits\.idleTimeout/],
    [{ limits: { bodyMemory: 'lots' } }, /limits\.bodyMemory/],
    [{ limits: { connections: 5 } }, /limits\.connections.*unknown key/],
  ];
  for (const [config, re] of bad) {
    await assert.rejects(loadConfig({ config: config as never }), (e: unknown) => e instanceof ConfigError && re.test(e.message), JSON.stringify(config));
  }
  const c = await loadConfig({ config: { limits: { headersTimeout: '2s', idleTimeout: '1.5m', bodyMemory: '8MiB' } } });
  assert.deepEqual(c.limits, { maxConnections: 1024, headersTimeout: 2000, idleTimeout: 90_000, bodyMemory: 8 * 1024 * KiB });
  const s = await serve(t);
  const stats = (await send(s.url, 'GET', '/-/relpack/stats')).json();
  assert.deepEqual(stats.limits, { maxConnections: 1024, headersTimeout: 30_000, idleTimeout: 60_000, bodyMemory: 64 * 1024 * KiB });
});

test('limits (issue 13, point 19): `relpack serve --max-connections N` sets the cap over the config file; a bad N exits 2', async () => {
  const run = (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { child, exited, out: () => out, err: () => err };
  };
  const bad = run(['--max-connections', 'many']);
  assert.equal(await bad.exited, 2);
  assert.match(bad.err(), /--max-connections must be a whole number/);
  const good = run(['--max-connections', '7']);
  const url = await until(() => /listening on (http:\/\/\S+)/.exec(good.out())?.[1], (v) => !!v && /admin token/.test(good.out()), 20_000);
  try {
    assert.ok(url, good.err());
    assert.equal((await send(url!, 'GET', '/-/relpack/stats')).json().limits.maxConnections, 7);
  } finally {
    good.child.kill('SIGTERM');
    await good.exited;
  }
});
