// HTTP-level behaviour clients depend on: HEAD, conditional GET, chunked and 100-continue uploads,
// keep-alive, the 18.4 package-file download route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { API, generic, get, put, send, serve, sha256 } from './helpers.js';

function chunkedPut(url: string, path: string, token: string, parts: string[], expectContinue = false): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: u.hostname, port: u.port, method: 'PUT', path, agent: false,
      headers: { 'PRIVATE-TOKEN': token, 'transfer-encoding': 'chunked', ...(expectContinue ? { expect: '100-continue' } : {}) },
    }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    const write = () => {
      for (const p of parts) req.write(p);
      req.end();
    };
    if (expectContinue) req.on('continue', write);
    else write();
  });
}

test('GitLab HTTP: HEAD, If-Modified-Since → 304, keep-alive, download by package-file id', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), 'head me');
  const head = await send(s.url, 'HEAD', generic('f.bin'), { token: s.tokens.maintainer! });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], '7');
  assert.equal(head.headers['x-checksum-sha256'], sha256('head me'));
  const full = await get(s, generic('f.bin'), { 'PRIVATE-TOKEN': s.tokens.maintainer!, connection: 'keep-alive' });
  assert.equal(full.headers['keep-alive'], 'timeout=65');
  const lm = String(full.headers['last-modified']);
  const cond = await get(s, generic('f.bin'), { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'if-modified-since': lm });
  assert.deepEqual([cond.status, cond.body.length], [304, 0]);
  const ifRangeStale = await get(s, generic('f.bin'), { 'PRIVATE-TOKEN': s.tokens.maintainer!, range: 'bytes=0-3', 'if-range': 'Mon, 01 Jan 2001 00:00:00 GMT' });
  assert.deepEqual([ifRangeStale.status, ifRangeStale.text], [200, 'head me']);
  const ifRangeOk = await get(s, generic('f.bin'), { 'PRIVATE-TOKEN': s.tokens.maintainer!, range: 'bytes=0-3', 'if-range': lm });
  assert.deepEqual([ifRangeOk.status, ifRangeOk.text], [206, 'head']);
  const byId = await get(s, `${API()}/packages/1/package_files/1/download`);
  assert.deepEqual([byId.status, byId.text, byId.headers['content-disposition']], [200, 'head me', undefined]);
  assert.equal((await get(s, `${API()}/packages/1/package_files/99/download`)).status, 404);
  assert.equal((await get(s, `${API()}/packages/1/package_files/1/download`, s.tokens.outsider!)).status, 404);
});

test('GitLab HTTP: chunked and Expect: 100-continue uploads are stored whole', async (t) => {
  const s = await serve(t);
  const parts = ['part one, ', 'part two, ', 'part three'];
  const r = await chunkedPut(s.url, generic('chunked.bin'), s.tokens.maintainer!, parts);
  assert.equal(r.status, 201);
  const r2 = await chunkedPut(s.url, generic('continue.bin'), s.tokens.maintainer!, parts, true);
  assert.equal(r2.status, 201);
  for (const f of ['chunked.bin', 'continue.bin']) {
    const d = await get(s, generic(f));
    assert.equal(d.text, parts.join(''));
    assert.equal(d.headers['x-checksum-sha256'], sha256(parts.join('')));
  }
  const empty = await put(s, generic('empty.bin') + '?select=package_file', Buffer.alloc(0));
  assert.deepEqual([empty.status, empty.json().size, empty.json().file_sha256], [200, 0, sha256('')]);
  assert.equal((await get(s, generic('empty.bin'))).body.length, 0);
});

test('GitLab HTTP: DELETE with a stale If-Unmodified-Since → 412, current → 204', async (t) => {
  const s = await serve(t);
  await put(s, generic('f.bin'), 'x');
  const del = (h: Record<string, string>) => send(s.url, 'DELETE', `${API()}/packages/1`, { headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, ...h } });
  const stale = await del({ 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' });
  assert.deepEqual([stale.status, stale.json()], [412, { message: '412 Precondition Failed' }]);
  assert.equal((await del({ 'if-unmodified-since': new Date(Date.now() + 60_000).toUTCString() })).status, 204);
});
