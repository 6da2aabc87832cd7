// The data dir is relpack serve's only when it made it (issue 13, point 1; docs/serve.md, "The
// data dir"): a directory holding other files is refused with nothing touched, and the cleanup at
// start removes only names the server generates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDirError, MARKER_FILE, startServer } from '../../src/server/index.js';
import { generic, get, put, rm, tempDir } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));

/** Every file under `dir` with its bytes, to prove nothing changed. */
async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, e.name);
    if (e.isDirectory()) Object.assign(out, { [`${rel}/`]: '' }, await tree(dir, rel));
    else out[rel] = await readFile(join(dir, rel), 'utf8');
  }
  return out;
}

/** A directory a user might point --data-dir at by mistake: it has a tmp/, a blobs/ and a journal.jsonl of its own. */
async function someoneElsesDir(): Promise<string> {
  const dir = await tempDir('relpack-not-serve-');
  await mkdir(join(dir, 'tmp', 'build'), { recursive: true });
  await writeFile(join(dir, 'tmp', 'build', 'out.o'), 'object');
  await writeFile(join(dir, 'tmp', 'upload-0b7c3a52-9d7e-4f4e-8f0a-3c1b2d4e5f60.part'), 'even a name serve would give');
  await mkdir(join(dir, 'blobs', 'ab'), { recursive: true });
  await writeFile(join(dir, 'blobs', 'ab', 'notes.txt'), 'notes');
  await writeFile(join(dir, 'blobs', 'ab', 'ab0c3a52-9d7e-4f4e-8f0a-3c1b2d4e5f60'), 'a uuid-named file');
  await writeFile(join(dir, 'journal.jsonl'), 'my own journal\n');
  await writeFile(join(dir, 'README'), 'mine');
  return dir;
}

test('data dir (issue 13, point 1): a non-empty directory without the marker is refused and nothing in it changes', async (t) => {
  const dir = await someoneElsesDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const before = await tree(dir);
  await assert.rejects(startServer({ port: 0, dataDir: dir }), (e: unknown) => {
    assert.ok(e instanceof DataDirError);
    assert.ok(e.message.includes(dir), e.message);
    assert.match(e.message, /not empty .* not a relpack serve data dir .*relpack-serve\.json.*new or empty directory/s);
    return true;
  });
  assert.deepEqual(await tree(dir), before);
});

test('data dir (issue 13, point 1): a marker of an unknown format version, or not a marker at all, is refused', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, MARKER_FILE), JSON.stringify({ format: 'relpack-serve-data', version: 2 }));
  await writeFile(join(dir, 'journal.jsonl'), '{"ns":"gitlab","op":"from-the-future"}\n');
  const before = await tree(dir);
  await assert.rejects(startServer({ port: 0, dataDir: dir }), (e: unknown) => e instanceof DataDirError && /format 2; this relpack serve reads format 1/.test(e.message));
  await writeFile(join(dir, MARKER_FILE), '{"version": 1');
  await assert.rejects(startServer({ port: 0, dataDir: dir }), (e: unknown) => e instanceof DataDirError && /not a relpack serve marker.*not JSON/.test(e.message));
  await writeFile(join(dir, MARKER_FILE), JSON.stringify({ format: 'relpack-serve-data', version: 2 }));
  assert.deepEqual(await tree(dir), before);
});

test('data dir (issue 13, point 1): a new or empty directory gets the marker, and is reused after a restart', async (t) => {
  const parent = await tempDir();
  t.after(() => rm(parent, { recursive: true, force: true }));
  const fresh = join(parent, 'new', 'data');
  let s = await startServer({ port: 0, dataDir: fresh });
  assert.equal((await put(s, generic('a.bin'), 'alpha')).status, 201);
  await s.close();
  const marker = JSON.parse(await readFile(join(fresh, MARKER_FILE), 'utf8'));
  assert.deepEqual([marker.format, marker.version], ['relpack-serve-data', 1]);
  s = await startServer({ port: 0, dataDir: fresh });
  t.after(() => s.close());
  assert.equal((await get(s, generic('a.bin'))).text, 'alpha');
  // an existing empty directory is taken too
  const empty = await tempDir();
  t.after(() => rm(empty, { recursive: true, force: true }));
  const e = await startServer({ port: 0, dataDir: empty });
  await e.close();
  assert.ok((await readdir(empty)).includes(MARKER_FILE));
});

test('data dir (issue 13, point 1): `relpack serve --data-dir` on someone else\'s directory exits 2 naming it and what to do', async (t) => {
  const dir = await someoneElsesDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const before = await tree(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--data-dir', dir, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.ok(err.includes(dir), err);
  assert.match(err, /Pass --data-dir a new or empty directory/);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  assert.deepEqual(await tree(dir), before);
});
