// Metadata and bytes survive a restart with the same data dir; crash leftovers are cleaned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer } from '../../src/server/index.js';
import { API, generic, get, put, rm, send, sha256, tempDir } from './helpers.js';

test('restart: packages, files, statuses, deletions and variables survive; ids continue', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  let s = await startServer({ port: 0, dataDir });
  await put(s, generic('a.bin'), 'alpha');
  await put(s, generic('dir/b.bin'), 'beta');
  await put(s, generic('h.bin', 'hidden') + '?status=hidden', 'h');
  await put(s, generic('gone.bin', 'gone'), 'g');
  await send(s.url, 'DELETE', `${API()}/packages/3`, { token: s.tokens.maintainer! });
  await send(s.url, 'POST', `${API()}/variables`, { headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'content-type': 'application/json' }, body: '{"key":"K","value":"v"}' });
  await s.close();

  s = await startServer({ port: 0, dataDir });
  t.after(() => s.close());
  assert.equal((await get(s, generic('a.bin'))).text, 'alpha');
  assert.equal((await get(s, generic('dir/b.bin'))).headers['x-checksum-sha256'], sha256('beta'));
  assert.equal((await get(s, generic('h.bin', 'hidden'))).text, 'h');
  assert.equal((await get(s, generic('gone.bin', 'gone'))).status, 404);
  const list = (await get(s, `${API()}/packages`)).json();
  assert.deepEqual(list.map((p: any) => p.name), ['pkg']);
  assert.equal((await get(s, `${API()}/variables/K`)).json().value, 'v');
  const next = await put(s, generic('c.bin', 'new') + '?select=package_file', 'c');
  assert.deepEqual([next.json().id, next.json().package_id], [5, 4]);
});

test('restart: torn journal tail ignored, its own temp files removed, its own unreferenced blobs swept, nothing else touched', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  let s = await startServer({ port: 0, dataDir });
  await put(s, generic('a.bin'), 'alpha');
  await s.close();
  // a crash mid-append, mid-upload, and between blob rename and metadata commit (names as the
  // server gives them), next to files someone else put there
  await appendFile(join(dataDir, 'journal.jsonl'), '{"ns":"gitlab","op":"file.create","row":{"id":9');
  const upload = 'upload-0b7c3a52-9d7e-4f4e-8f0a-3c1b2d4e5f60.part';
  const orphan = '7f3e1c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00';
  await writeFile(join(dataDir, 'tmp', upload), Buffer.alloc(1000));
  await writeFile(join(dataDir, 'tmp', 'notes.txt'), 'not relpack serve\'s');
  await mkdir(join(dataDir, 'blobs', '7f'), { recursive: true });
  await writeFile(join(dataDir, 'blobs', '7f', orphan), 'orphan');
  await writeFile(join(dataDir, 'blobs', '7f', 'keep.bin'), 'keep');
  await mkdir(join(dataDir, 'blobs', 'zz'), { recursive: true });
  await writeFile(join(dataDir, 'blobs', 'zz', 'zz-orphan'), 'not a name relpack serve gives');
  await writeFile(join(dataDir, '.journal-123-456.tmp'), 'compaction leftover');
  const logs: string[] = [];
  s = await startServer({ port: 0, dataDir, log: (l) => logs.push(l) });
  t.after(() => s.close());
  assert.equal((await get(s, generic('a.bin'))).text, 'alpha');
  assert.deepEqual(await readdir(join(dataDir, 'tmp')), ['notes.txt']);
  assert.deepEqual(await readdir(join(dataDir, 'blobs', '7f')), ['keep.bin']);
  assert.deepEqual(await readdir(join(dataDir, 'blobs', 'zz')), ['zz-orphan']);
  assert.ok(!(await readdir(dataDir)).includes('.journal-123-456.tmp'));
  assert.ok(logs.some((l) => /unreferenced blob/.test(l)));
  assert.ok(logs.some((l) => /left alone 3 file\(s\)/.test(l)), logs.join('\n'));
  const journal = await readFile(join(dataDir, 'journal.jsonl'), 'utf8');
  assert.ok(journal.endsWith('\n'));
  assert.ok(!journal.includes('"id":9'), 'compacted without the torn record');
});

test('a server killed (SIGKILL) mid-upload shows no half-written file after restart', async (t) => {
  const { spawn } = await import('node:child_process');
  const { request } = await import('node:http');
  const { fileURLToPath } = await import('node:url');
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const main = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--data-dir', dataDir, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.on('exit', r));
  let out = '';
  const url = await new Promise<string>((resolve) => child.stdout!.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m && /admin token/.test(out)) resolve(m[1]!);
  }));
  const s0 = { url, tokens: { maintainer: 'glpat-dev-maintainer' } } as never;
  assert.equal((await put(s0, generic('whole.bin'), 'complete')).status, 201);
  const u = new URL(url);
  const req = request({ host: u.hostname, port: u.port, method: 'PUT', path: generic('half.bin'), headers: { 'PRIVATE-TOKEN': 'glpat-dev-maintainer', 'content-length': String(4 << 20) } });
  req.on('error', () => {});
  await new Promise<void>((r) => req.write(Buffer.alloc(1 << 20, 3), () => r()));
  // wait until the server has started staging the body
  for (let i = 0; i < 100 && (await readdir(join(dataDir, 'tmp')).catch(() => [])).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await readdir(join(dataDir, 'tmp'))).length, 1, 'upload in progress');
  child.kill('SIGKILL');
  await exited;
  req.destroy();
  const s = await startServer({ port: 0, dataDir });
  t.after(() => s.close());
  assert.equal((await get(s, generic('whole.bin'))).text, 'complete');
  assert.equal((await get(s, generic('half.bin'))).status, 404);
  assert.deepEqual((await get(s, `${API()}/packages/1/package_files`)).json().map((f: any) => f.file_name), ['whole.bin']);
  assert.deepEqual(await readdir(join(dataDir, 'tmp')), []);
});
