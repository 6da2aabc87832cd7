// Abuse the server, then prove it is still up, every stored file matches its recorded SHA-256,
// and no temp files are left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { API, generic, get, noTempFilesLeft, put, send, serve, sha256 } from './helpers.js';

function rawExchange(url: string, payload: string | Buffer, waitMs = 500): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(u.port), u.hostname);
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('error', () => resolve(got));
    sock.on('close', () => resolve(got));
    sock.write(payload);
    setTimeout(() => sock.destroy(), waitMs);
  });
}

/** Sends headers and part of a body, then destroys the socket. */
function abortedUpload(url: string, path: string, token: string, total: number, sent: number): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method: 'PUT', path, agent: false, headers: { 'PRIVATE-TOKEN': token, 'content-length': String(total) } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(Buffer.alloc(sent, 1), () => setTimeout(() => req.destroy(), 30));
  });
}

test('robustness: malformed input, aborted and concurrent uploads leave a consistent server', async (t) => {
  const s = await serve(t);
  const tok = s.tokens.maintainer!;

  // malformed paths
  const bad: [string, string, number][] = [
    ['PUT', generic('f.bin', '%ZZ'), 400],
    ['PUT', generic('f%ZZ.bin'), 400],
    ['PUT', generic('f.bin', 'pkg', '1.0.0%00'), 400],
    ['PUT', generic('a//b.bin'), 400],
    ['GET', `${API('%')}/packages`, 404],
    ['GET', `${API('999')}/packages`, 404],
    ['GET', `/api/v4/projects//packages`, 404],
    ['PUT', `/api/v4/${'x/'.repeat(500)}`, 404],
    ['PUT', '/', 404],
    ['PUT', `${API()}/packages`, 405],
  ];
  for (const [method, path, status] of bad) {
    const r = await send(s.url, method, path, { token: tok, ...(method === 'PUT' ? { body: 'x' } : {}) });
    assert.equal(r.status, status, `${method} ${path}`);
  }
  // wrong methods on known paths
  const post = await send(s.url, 'POST', generic('f.bin'), { token: tok, body: 'x' });
  assert.deepEqual([post.status, post.headers.allow], [405, 'PUT, GET, HEAD']);
  assert.equal((await send(s.url, 'PATCH', `${API()}/packages`, { token: tok })).status, 405);
  assert.equal((await send(s.url, 'DELETE', `${API()}/variables`, { token: tok })).status, 405);
  // garbage request line and oversized headers
  assert.match(await rawExchange(s.url, 'NOT HTTP AT ALL\r\n\r\n'), /^HTTP\/1\.1 400/);
  assert.match(await rawExchange(s.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`), /^HTTP\/1\.1 431/);
  // a body longer than Content-Length / shorter and then closed
  await abortedUpload(s.url, generic('aborted.bin'), tok, 1_000_000, 200_000);
  await abortedUpload(s.url, generic('aborted.bin'), tok, 10, 5);
  await Promise.all(Array.from({ length: 5 }, (_, i) => abortedUpload(s.url, generic(`ab${i}.bin`), tok, 500_000, 1000 * (i + 1))));

  // 20 concurrent uploads of the same file name (different bytes) and 20 of distinct files
  const bodies = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000 + i, i));
  const same = await Promise.all(bodies.map((b) => put(s, generic('same.bin', 'conc', '1.0.0'), b)));
  assert.deepEqual(same.map((r) => r.status), Array(20).fill(201));
  const distinct = await Promise.all(bodies.map((b, i) => put(s, generic(`f${i}.bin`, 'conc2', '1.0.0'), b)));
  assert.deepEqual(distinct.map((r) => r.status), Array(20).fill(201));
  // concurrent first uploads to a brand-new version land in one package
  const list = (await get(s, `${API()}/packages?package_name=conc&per_page=100`)).json();
  assert.deepEqual(list.map((p: any) => p.name).sort(), ['conc', 'conc2']);

  // still up, and consistent
  assert.equal((await send(s.url, 'GET', '/-/relpack/health')).status, 200);
  assert.equal((await get(s, generic('aborted.bin'))).status, 404);
  let checked = 0;
  for (const pkg of list) {
    const files = (await get(s, `${API()}/packages/${pkg.id}/package_files?per_page=100`)).json();
    assert.equal(files.length, 20);
    for (const f of files) {
      const dl = await get(s, `${API()}/packages/${pkg.id}/package_files/${f.id}/download`);
      assert.equal(dl.status, 200);
      assert.equal(sha256(dl.body), f.file_sha256, `file ${f.id}`);
      assert.equal(dl.body.length, f.size);
      checked++;
    }
  }
  assert.equal(checked, 40);
  // the newest of the 20 same-name uploads is served
  const newest = (await get(s, `${API()}/packages/${list.find((p: any) => p.name === 'conc').id}/package_files?sort=desc&per_page=1`)).json()[0];
  assert.equal(sha256((await get(s, generic('same.bin', 'conc', '1.0.0'))).body), newest.file_sha256);
  assert.deepEqual(await noTempFilesLeft(s), []);
});
