// A damaged journal is never read as "fewer records" (issue 13, point 2; docs/serve.md, "The
// journal"): a corrupt line refuses the start with nothing changed, --recover-journal moves it
// and every blob it may have named into quarantine/, and a torn last line (a crash mid-append)
// is still dropped as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Journal, JournalCorruptError } from '../../src/server/journal.js';
import { startServer } from '../../src/server/index.js';
import { API, generic, get, put, rm, tempDir } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));

test('journal (issue 13, point 2): a bad line that ends in a newline is corrupt, an unterminated last line is a torn tail', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'journal.jsonl');
  await writeFile(file, '{"ns":"t","op":"a"}\n{"ns":"t","op":"b"\n{"ns":"t","op":"c"}\n[1]\n{"ns":"t","op":"d"}\n{"ns":"t","op":');
  const j = await Journal.load(file);
  assert.deepEqual(j.records.map((r) => r.op), ['a', 'c', 'd']);
  assert.deepEqual(j.lines, [1, 3, 5]);
  assert.deepEqual(j.corrupt.map((c) => [c.line, c.reason]), [[2, 'not JSON'], [4, 'not a JSON object']]);
  assert.equal(j.tornTail, '{"ns":"t","op":');
  await assert.rejects(Journal.read(file), (e: unknown) => e instanceof JournalCorruptError && /line 2 \(not JSON\), line 4/.test(e.message));
  // a damaged last line that still ends in its newline was not torn by an append
  await writeFile(file, '{"ns":"t","op":"a"}\n{"ns":"t","op\n');
  assert.deepEqual((await Journal.load(file)).corrupt.map((c) => c.line), [2]);
});

/** A data dir with three files in one package; returns the blob key of each file. */
async function threeFiles(dataDir: string): Promise<string[]> {
  const s = await startServer({ port: 0, dataDir });
  for (const f of ['a', 'b', 'c']) assert.equal((await put(s, generic(`${f}.bin`), `bytes of ${f}`)).status, 201);
  await s.close();
  const lines = (await readFile(join(dataDir, 'journal.jsonl'), 'utf8')).trimEnd().split('\n');
  return lines.map((l) => JSON.parse(l)).filter((r) => r.op === 'file.create').map((r) => r.row.blob);
}

async function allBlobs(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(dataDir, 'blobs'))) out.push(...(await readdir(join(dataDir, 'blobs', d))));
  return out.sort();
}

/** Damages the record of file b.bin in the middle of the journal, the way a disk or an editor might. */
async function damageMiddleRecord(dataDir: string): Promise<number> {
  const file = join(dataDir, 'journal.jsonl');
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const i = lines.findIndex((l) => l.includes('"b.bin"'));
  assert.ok(i > 0 && i < lines.length - 1, 'a line in the middle');
  lines[i] = lines[i]!.slice(0, 40) + '\u0000\u0000' + lines[i]!.slice(42);
  await writeFile(file, lines.join('\n') + '\n');
  return i + 1;
}

test('journal (issue 13, point 2): a corrupt line in the middle refuses the start; the journal and every blob stay as they were', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const keys = await threeFiles(dataDir);
  const line = await damageMiddleRecord(dataDir);
  const journal = await readFile(join(dataDir, 'journal.jsonl'));
  await assert.rejects(startServer({ port: 0, dataDir }), (e: unknown) => {
    assert.ok(e instanceof JournalCorruptError);
    assert.match(e.message, new RegExp(`journal\\.jsonl: line ${line} \\(not JSON\\)`));
    assert.match(e.message, /nothing was changed.*--recover-journal/s);
    return true;
  });
  assert.deepEqual(await readFile(join(dataDir, 'journal.jsonl')), journal);
  assert.deepEqual(await allBlobs(dataDir), [...keys].sort());
});

test('journal (issue 13, point 2): --recover-journal moves the bad line and the blob it named into quarantine/, deletes nothing', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const [a, b, c] = await threeFiles(dataDir);
  const line = await damageMiddleRecord(dataDir);
  const damaged = await readFile(join(dataDir, 'journal.jsonl'), 'utf8');
  const logs: string[] = [];
  const s = await startServer({ port: 0, dataDir, recoverJournal: true, log: (l) => logs.push(l) });
  t.after(() => s.close());
  assert.ok(s.quarantine?.startsWith(join(dataDir, 'quarantine')));
  assert.equal((await get(s, generic('a.bin'))).text, 'bytes of a');
  assert.equal((await get(s, generic('c.bin'))).text, 'bytes of c');
  assert.equal((await get(s, generic('b.bin'))).status, 404);
  assert.deepEqual((await get(s, `${API()}/packages/1/package_files`)).json().map((f: any) => f.file_name), ['a.bin', 'c.bin']);
  // the blob of b.bin moved, not deleted; the others stay where they were
  assert.deepEqual(await allBlobs(dataDir), [a, c].sort());
  assert.deepEqual(await readdir(join(s.quarantine!, 'blobs')), [b]);
  assert.equal(await readFile(join(s.quarantine!, 'blobs', b!), 'utf8'), 'bytes of b');
  assert.equal(await readFile(join(s.quarantine!, 'journal.jsonl'), 'utf8'), damaged);
  const kept = (await readFile(join(s.quarantine!, 'corrupt-lines.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(kept.map((k) => [k.line, k.reason]), [[line, 'not JSON']]);
  assert.ok(kept[0].text.includes('b.bin'));
  assert.ok(logs.some((l) => /moved 1 blob/.test(l)), logs.join('\n'));
});

test('journal (issue 13, point 2): a damaged record that is still JSON (a flipped character in a blob key) does not get its blob deleted', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const [a, b, c] = await threeFiles(dataDir);
  const file = join(dataDir, 'journal.jsonl');
  const text = await readFile(file, 'utf8');
  const flipped = b!.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
  await writeFile(file, text.replace(b!, flipped));
  const logs: string[] = [];
  const s = await startServer({ port: 0, dataDir, log: (l) => logs.push(l) });
  t.after(() => s.close());
  assert.ok(logs.some((l) => l.includes('1 journal record(s) name blobs that are not in blobs/')), logs.join('\n'));
  assert.equal((await get(s, generic('a.bin'))).text, 'bytes of a');
  // the blob the record named before the damage is kept, aside, not swept
  assert.deepEqual(await allBlobs(dataDir), [a, c].sort());
  assert.equal(await readFile(join(s.quarantine!, 'blobs', b!), 'utf8'), 'bytes of b');
});

test('journal (issue 13, point 2): a torn last line from a crash mid-append is dropped and the server starts', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const keys = await threeFiles(dataDir);
  await appendFile(join(dataDir, 'journal.jsonl'), '{"ns":"gitlab","op":"file.create","row":{"id":4,"packageId":1,"fileName":"d.bin"');
  const s = await startServer({ port: 0, dataDir });
  t.after(() => s.close());
  assert.equal(s.quarantine, undefined);
  assert.equal((await get(s, generic('b.bin'))).text, 'bytes of b');
  assert.equal((await get(s, generic('d.bin'))).status, 404);
  assert.deepEqual(await allBlobs(dataDir), [...keys].sort());
  assert.ok((await readFile(join(dataDir, 'journal.jsonl'), 'utf8')).endsWith('}\n'), 'compacted without the torn line');
});

test('journal (issue 13, point 2): `relpack serve` on a corrupt journal exits 2 with the line number and how to recover', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  await threeFiles(dataDir);
  const line = await damageMiddleRecord(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--data-dir', dataDir, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 2);
  assert.match(err, new RegExp(`line ${line} \\(not JSON\\)`));
  assert.match(err, /--recover-journal/);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
});
