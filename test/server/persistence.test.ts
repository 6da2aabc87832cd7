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

test('restart: torn journal tail ignored, temp files removed, unreferenced blobs swept', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  let s = await startServer({ port: 0, dataDir });
  await put(s, generic('a.bin'), 'alpha');
  await s.close();
  // a crash mid-append, mid-upload, and between blob rename and metadata commit
  await appendFile(join(dataDir, 'journal.jsonl'), '{"ns":"gitlab","op":"file.create","row":{"id":9');
  await writeFile(join(dataDir, 'tmp', 'half-written-upload'), Buffer.alloc(1000));
  await mkdir(join(dataDir, 'blobs', 'zz'), { recursive: true });
  await writeFile(join(dataDir, 'blobs', 'zz', 'zz-orphan'), 'orphan');
  const logs: string[] = [];
  s = await startServer({ port: 0, dataDir, log: (l) => logs.push(l) });
  t.after(() => s.close());
  assert.equal((await get(s, generic('a.bin'))).text, 'alpha');
  assert.deepEqual(await readdir(join(dataDir, 'tmp')), []);
  assert.deepEqual(await readdir(join(dataDir, 'blobs', 'zz')), []);
  assert.ok(logs.some((l) => /unreferenced blob/.test(l)));
  const journal = await readFile(join(dataDir, 'journal.jsonl'), 'utf8');
  assert.ok(journal.endsWith('\n'));
  assert.ok(!journal.includes('"id":9'), 'compacted without the torn record');
});
