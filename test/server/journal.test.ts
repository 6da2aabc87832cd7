// The metadata journal: group commit under concurrency, torn tails, atomic rewrite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal } from '../../src/server/journal.js';
import { rm, tempDir } from './helpers.js';

test('journal: concurrent appends share write+fsync batches and all become durable in order', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'journal.jsonl');
  const j = await Journal.open(file, { fsync: true });
  await Promise.all(Array.from({ length: 300 }, (_, i) => j.append({ ns: 't', op: 'x', i })));
  await j.close();
  assert.equal(j.stats.records, 300);
  assert.ok(j.stats.batches < 30, `${j.stats.batches} batches for 300 records`);
  const read = await Journal.read(file);
  assert.deepEqual(read.map((r) => r.i), Array.from({ length: 300 }, (_, i) => i));
});

test('journal: a torn last line is ignored; rewrite replaces the file atomically', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'journal.jsonl');
  await appendFile(file, '{"ns":"t","op":"a"}\n{"ns":"t","op":"b"}\n{"ns":"t","op":');
  assert.deepEqual((await Journal.read(file)).map((r) => r.op), ['a', 'b']);
  await Journal.rewrite(file, [{ ns: 't', op: 'c' }]);
  assert.equal(await readFile(file, 'utf8'), '{"ns":"t","op":"c"}\n');
  assert.deepEqual(await Journal.read(join(dir, 'missing.jsonl')), []);
});
