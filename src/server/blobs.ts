// File bytes on disk. An upload streams into tmp/ while being hashed in the same pass, is
// fsync'ed, then renamed into blobs/; only after that does the flavour commit metadata, so no
// reader ever sees a half-written file. At start the temp files of a killed server are removed,
// and blobs no metadata refers to are swept (killed between rename and metadata commit).
// Small bodies stay in memory until commit, which writes them straight to their blob path: no
// temp file and no rename.
//
// Only files with the names this module generates are ever removed (`tmp/upload-<uuid>.part`,
// `blobs/<2 hex>/<uuid>`): anything else found in the data dir was not made here and stays
// (docs/serve.md, "The data dir").
//
// Bodies held in memory are counted in `bufferedBytes`, across all uploads: past `bodyMemory`
// a body goes to its temp file at once and every piece received is written out as it arrives,
// so stalled uploads (docs/serve.md, "Limits") cannot pile up memory, and an aborted one gives
// its share back the moment its request ends.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './journal.js';

export type HashAlgorithm = 'sha256' | 'sha1' | 'md5' | 'sha512';

export interface StagedBlob {
  /** The temp file holding the bytes; absent for a small body kept in `data`. */
  tmpPath?: string;
  data?: Buffer;
  /** Bytes received (also counted past maxBytes, where writing stops). */
  size: number;
  /** Hex digests of the bytes received. Empty when the body exceeded maxBytes. */
  digests: Partial<Record<HashAlgorithm, string>>;
  tooLarge: boolean;
  /** The share of `BlobStore.bufferedBytes` this blob holds until commit or discard. */
  lease?: MemoryLease;
}

const READ_HWM = 1 << 20; // 1 MiB reads: far fewer syscalls and event-loop turns per GiB
const WRITE_BATCH = 1 << 20;
const WRITES_IN_FLIGHT = 4;
/** Bodies up to this size are held in memory until commit (bounded by the connections open). */
const SMALL_BLOB = 256 * 1024;

/** Names this store generates, and so the only names it ever deletes. */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TMP_NAME = new RegExp(`^upload-${UUID}\\.part$`);
const BLOB_NAME = new RegExp(`^${UUID}$`);
const FANOUT_NAME = /^[0-9a-f]{2}$/;

/** What an upload holds of the shared in-memory budget; released once, however the upload ends. */
export class MemoryLease {
  #held = 0;
  readonly #store: { adjust(n: number): void };
  constructor(store: { adjust(n: number): void }) {
    this.#store = store;
  }
  get held(): number {
    return this.#held;
  }
  add(n: number): void {
    this.#held += n;
    this.#store.adjust(n);
  }
  sub(n: number): void {
    const d = Math.min(n, this.#held);
    this.#held -= d;
    this.#store.adjust(-d);
  }
  release(): void {
    this.sub(this.#held);
  }
}

export class BlobStore {
  readonly root: string;
  readonly #fsync: boolean;
  readonly #bodyMemory: number;
  readonly #dirs = new Set<string>();
  #buffered = 0;

  constructor(dataDir: string, opts: { fsync: boolean; bodyMemory?: number }) {
    this.root = dataDir;
    this.#fsync = opts.fsync;
    this.#bodyMemory = opts.bodyMemory ?? Infinity;
  }

  get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  /** Bytes of request bodies held in memory right now, all uploads together. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  #lease(): MemoryLease {
    return new MemoryLease({ adjust: (n) => (this.#buffered += n) });
  }

  #overBudget(): boolean {
    return this.#buffered > this.#bodyMemory;
  }

  /** Creates tmp/ and blobs/, and removes the temp files of an earlier run (only names it generates). */
  async init(): Promise<{ removed: number; foreign: string[] }> {
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(join(this.root, 'blobs'), { recursive: true });
    let removed = 0;
    const foreign: string[] = [];
    for (const name of await readdir(this.tmpDir)) {
      if (TMP_NAME.test(name) && (await isFile(join(this.tmpDir, name)))) {
        await unlink(join(this.tmpDir, name)).catch(() => {});
        removed++;
      } else {
        foreign.push(join('tmp', name));
      }
    }
    return { removed, foreign };
  }

  /**
   * Hashes `body` in the same pass that stores it: a small body is kept in memory, a larger one
   * streams into a temp file and is never held whole. Past `maxBytes` the bytes are still read
   * (GitLab checks the size after the upload, `max_file_size_exceeded?` in `lib/api/generic_packages.rb`)
   * but no longer written or hashed.
   */
  async stage(body: AsyncIterable<Buffer>, opts: { hashes: HashAlgorithm[]; maxBytes?: number }): Promise<StagedBlob> {
    const hashes: [HashAlgorithm, Hash][] = opts.hashes.map((a) => [a, createHash(a)]);
    const max = opts.maxBytes && opts.maxBytes > 0 ? opts.maxBytes : Infinity;
    const digests = (): StagedBlob['digests'] => Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]));
    const iterator = body[Symbol.asyncIterator]();
    const lease = this.#lease();
    // Read up to SMALL_BLOB into memory first; most bodies end there. A body that would take the
    // server past its memory budget goes to disk now instead.
    let size = 0;
    const batch: Buffer[] = [];
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          if (size > max) {
            lease.release();
            return { size, digests: {}, tooLarge: true };
          }
          for (const chunk of batch) for (const [, h] of hashes) h.update(chunk);
          // The lease stays with the data until commit() or discard().
          return { data: Buffer.concat(batch, size), size, digests: digests(), tooLarge: false, lease };
        }
        batch.push(next.value);
        size += next.value.length;
        lease.add(next.value.length);
        if (size > SMALL_BLOB || this.#overBudget()) break;
      }
    } catch (e) {
      // An aborted or timed-out request: what it had sent is let go here, not at some later GC.
      batch.length = 0;
      lease.release();
      throw e;
    }
    return this.#stageToFile({ [Symbol.asyncIterator]: () => iterator }, batch, size, hashes, max, digests, lease);
  }

  /** The rest of a large body: written to a temp file while the next chunks are received and hashed. */
  async #stageToFile(
    rest: AsyncIterable<Buffer>,
    head: Buffer[],
    headBytes: number,
    hashes: [HashAlgorithm, Hash][],
    max: number,
    digests: () => StagedBlob['digests'],
    lease: MemoryLease,
  ): Promise<StagedBlob> {
    const tmpPath = join(this.tmpDir, `upload-${randomUUID()}.part`);
    let fh: FileHandle;
    try {
      fh = await open(tmpPath, 'wx');
    } catch (e) {
      lease.release();
      throw e;
    }
    let size = headBytes;
    let tooLarge = size > max;
    // splice: the caller's array must not keep the head chunks alive for the whole upload.
    let batch = head.splice(0);
    let batchBytes = headBytes;
    if (tooLarge) {
      batch = [];
      batchBytes = 0;
      lease.release();
    }
    for (const chunk of batch) for (const [, h] of hashes) h.update(chunk);
    // Up to WRITES_IN_FLIGHT positioned writes overlap: the next batch is received and hashed
    // while earlier ones are still being written by the thread pool.
    const pending = new Set<Promise<unknown>>();
    let written = 0;
    const flush = async () => {
      const out = batch;
      const at = written;
      const bytes = batchBytes;
      written += batchBytes;
      batch = [];
      batchBytes = 0;
      if (pending.size >= WRITES_IN_FLIGHT) await Promise.race(pending);
      // The bytes count against the memory budget until the thread pool has written them.
      const write: Promise<unknown> = fh.writev(out, at).finally(() => {
        pending.delete(write);
        lease.sub(bytes);
      });
      write.catch(() => {}); // seen by Promise.race/all below; this only marks it handled meanwhile
      pending.add(write);
    };
    // Over the memory budget every piece is written out as it arrives, so a stalled upload holds
    // nothing in memory while it waits for its next bytes.
    const full = () => batchBytes >= WRITE_BATCH || (batchBytes > 0 && this.#overBudget());
    try {
      if (full()) await flush();
      for await (const chunk of rest) {
        size += chunk.length;
        if (tooLarge) continue;
        if (size > max) {
          // Past the limit the bytes are still read (GitLab checks the size after the upload,
          // `lib/api/generic_packages.rb`) but no longer written or hashed.
          tooLarge = true;
          batch = [];
          batchBytes = 0;
          lease.release();
          continue;
        }
        for (const [, h] of hashes) h.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.length;
        lease.add(chunk.length);
        if (full()) await flush();
      }
      await Promise.all(pending);
      if (batch.length && !tooLarge) await fh.writev(batch, written);
      if (this.#fsync && !tooLarge) await fh.sync();
    } catch (e) {
      batch = [];
      await Promise.allSettled(pending);
      lease.release();
      await fh.close().catch(() => {});
      await unlink(tmpPath).catch(() => {});
      throw e;
    }
    batch = [];
    lease.release();
    await fh.close();
    return { tmpPath, size, digests: tooLarge ? {} : digests(), tooLarge };
  }

  /** Makes a staged file durable under a fresh key and returns the key. */
  async commit(staged: StagedBlob): Promise<string> {
    try {
      return await this.#commit(staged);
    } finally {
      staged.lease?.release();
    }
  }

  async #commit(staged: StagedBlob): Promise<string> {
    const key = randomUUID();
    const dir = join(this.root, 'blobs', key.slice(0, 2));
    // 256 fan-out directories: each is created once, not checked on every upload.
    if (!this.#dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#dirs.add(dir);
    }
    const path = join(dir, key);
    if (staged.data && this.#fsync) {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(staged.data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } else if (staged.data) {
      // Asynchronous even though small: creating a file can take a millisecond on a busy disk,
      // and the event loop serves every other upload meanwhile.
      await writeFile(path, staged.data, { flag: 'wx' });
    } else {
      await rename(staged.tmpPath!, path);
    }
    if (this.#fsync) await fsyncDir(dir);
    return key;
  }

  async discard(staged: StagedBlob): Promise<void> {
    staged.lease?.release();
    if (staged.tmpPath) await unlink(staged.tmpPath).catch(() => {});
  }

  path(key: string): string {
    return join(this.root, 'blobs', key.slice(0, 2), key);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return null;
    }
  }

  /** Streams [start, end] (inclusive) of a blob. */
  read(key: string, start?: number, end?: number): ReadStream {
    return createReadStream(this.path(key), { start, end, highWaterMark: READ_HWM });
  }

  /** Opens a blob for serving; null when it does not exist. */
  async openForRead(key: string): Promise<FileHandle | null> {
    try {
      return await open(this.path(key), 'r');
    } catch {
      return null;
    }
  }

  /** Streams [start, end] of an opened blob; the handle is closed when the stream ends. */
  readHandle(fh: FileHandle, start: number, end: number): ReadStream {
    return createReadStream('', { fd: fh, start, end, highWaterMark: READ_HWM, autoClose: true });
  }

  async remove(key: string): Promise<void> {
    await unlink(this.path(key)).catch(() => {});
  }

  /** The keys in `keys` that have no blob file (a journal that names a blob which is not there). */
  async missing(keys: Iterable<string>): Promise<string[]> {
    const all = [...keys];
    const out: string[] = [];
    // 64 stats at a time: quick on 10,000 files without opening the thread pool's floodgates.
    for (let i = 0; i < all.length; i += 64) {
      const part = all.slice(i, i + 64);
      const found = await Promise.all(part.map((k) => isFile(this.path(k))));
      part.forEach((k, j) => {
        if (!found[j]) out.push(k);
      });
    }
    return out;
  }

  /**
   * Blob files no metadata refers to: deleted, or moved into `quarantineDir` when the journal was
   * recovered (a record that could not be read may have referred to them). Only names this
   * store generates are touched; others are returned in `foreign`.
   */
  async sweep(live: Set<string>, opts: { quarantineDir?: string } = {}): Promise<{ removed: number; moved: number; foreign: string[] }> {
    let removed = 0;
    let moved = 0;
    const foreign: string[] = [];
    const base = join(this.root, 'blobs');
    for (const d of await readdir(base).catch(() => [] as string[])) {
      if (!FANOUT_NAME.test(d)) {
        foreign.push(join('blobs', d));
        continue;
      }
      for (const f of await readdir(join(base, d)).catch(() => [] as string[])) {
        const path = join(base, d, f);
        if (!BLOB_NAME.test(f) || !f.startsWith(d) || !(await isFile(path))) {
          foreign.push(join('blobs', d, f));
          continue;
        }
        if (live.has(f)) continue;
        if (opts.quarantineDir) {
          await mkdir(opts.quarantineDir, { recursive: true });
          await rename(path, join(opts.quarantineDir, f));
          moved++;
        } else {
          await unlink(path).catch(() => {});
          removed++;
        }
      }
    }
    return { removed, moved, foreign };
  }

  /** Names of files currently in tmp/ (tests assert none are left behind). */
  async tmpFiles(): Promise<string[]> {
    return readdir(this.tmpDir).catch(() => []);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}
