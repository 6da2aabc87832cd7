/**
 * The download cache's store (core/cache.ts): content-addressed entries, verified placement, a
 * corrupt entry removed and never placed, LRU eviction by mtime, and nothing of anyone else's
 * touched. Pure file-system work: the download through it is in test/cli/download-cache.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DownloadCache } from '../../src/core/cache.js';
import { tempDir } from '../helpers/harness.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function fileWith(dir: string, name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

test('cache: add then place copies the bytes by SHA-256, under sha256/<2 hex>/<64 hex>; a miss places nothing', async () => {
  const dir = await tempDir();
  const work = await tempDir();
  const cache = new DownloadCache(dir);
  const digest = sha('hello');
  assert.equal(await cache.add(digest, await fileWith(work, 'src', 'hello')), true);
  assert.equal(cache.entryPath(digest), join(dir, 'sha256', digest.slice(0, 2), digest));
  assert.equal(await readFile(cache.entryPath(digest), 'utf8'), 'hello');
  assert.equal(await cache.add(digest, join(work, 'src')), false, 'already there');
  assert.equal(await cache.lookup(digest), cache.entryPath(digest));

  assert.equal(await cache.place(digest, join(work, 'out')), 'placed');
  assert.equal(await readFile(join(work, 'out'), 'utf8'), 'hello');
  // A copy, not a link: writing to the placed file leaves the entry as it was.
  await writeFile(join(work, 'out'), 'changed');
  assert.equal(await readFile(cache.entryPath(digest), 'utf8'), 'hello');

  assert.equal(await cache.place(sha('other'), join(work, 'missing')), 'miss');
  assert.deepEqual((await readdir(work)).sort(), ['out', 'src'], 'no temporary file is left');
  assert.throws(() => cache.entryPath('../../etc/passwd'), /not a SHA-256 hex digest/);
});

test('cache: a corrupt entry is removed and reported, and nothing is placed', async () => {
  const dir = await tempDir();
  const work = await tempDir();
  const cache = new DownloadCache(dir);
  const digest = sha('good');
  await cache.add(digest, await fileWith(work, 'src', 'good'));
  await writeFile(cache.entryPath(digest), 'evil');
  assert.equal(await cache.place(digest, join(work, 'out')), 'corrupt');
  assert.deepEqual(await readdir(work), ['src'], 'neither the target nor a temporary file');
  assert.equal(await cache.lookup(digest), undefined, 'the entry is gone');
});

test('cache: eviction to maxBytes keeps the most recently used; others\' files and links are left alone', async () => {
  const dir = await tempDir();
  const work = await tempDir();
  let clock = Date.parse('2026-11-01T00:00:00Z');
  const cache = new DownloadCache(dir, { maxBytes: 25, now: () => clock });
  const digests: string[] = [];
  for (const content of ['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10)]) {
    clock += 1000;
    digests.push(sha(content));
    await cache.add(sha(content), await fileWith(work, content[0], content));
  }
  // Use the oldest: it becomes the most recent, and b is now the least recently used.
  clock += 1000;
  assert.ok(await cache.lookup(digests[0]));
  // Someone else's files: at the top, in sha256/, in a prefix folder, and a hex name at the wrong prefix.
  await writeFile(join(dir, 'README'), 'not relpack\'s');
  await writeFile(join(dir, 'sha256', 'notes.txt'), 'x'.repeat(100));
  await writeFile(join(dir, 'sha256', digests[1].slice(0, 2), 'mine.bin'), 'y'.repeat(100));
  const misplaced = 'f'.repeat(64);
  await mkdir(join(dir, 'sha256', '00'), { recursive: true });
  await writeFile(join(dir, 'sha256', '00', misplaced), 'z'.repeat(100));

  const eviction = await cache.evict();
  assert.deepEqual(eviction, { removed: 1, freedBytes: 10, keptBytes: 20 });
  assert.equal(await cache.lookup(digests[1]), undefined, 'the least recently used went');
  assert.ok(await cache.lookup(digests[0]));
  assert.ok(await cache.lookup(digests[2]));
  assert.equal(await readFile(join(dir, 'README'), 'utf8'), 'not relpack\'s');
  assert.ok(await stat(join(dir, 'sha256', 'notes.txt')));
  assert.ok(await stat(join(dir, 'sha256', digests[1].slice(0, 2), 'mine.bin')));
  assert.ok(await stat(join(dir, 'sha256', '00', misplaced)));

  // A prefix folder that is a link elsewhere is neither written through nor evicted from.
  const elsewhere = await tempDir();
  const big = 'd'.repeat(30);
  await writeFile(join(elsewhere, sha(big)), big);
  await symlink(elsewhere, join(dir, 'sha256', sha(big).slice(0, 2)));
  assert.equal(await cache.add(sha(big), await fileWith(work, 'd', big)), false);
  await cache.evict();
  assert.equal(await readFile(join(elsewhere, sha(big)), 'utf8'), big);
  assert.equal(await cache.add(sha('e'.repeat(26)), await fileWith(work, 'e', 'e'.repeat(26))), false, 'larger than the whole cache');
});
