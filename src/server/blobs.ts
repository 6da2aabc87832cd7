// File bytes on disk. An upload streams into tmp/ while being hashed in the same pass, is
// fsync'ed, then renamed into blobs/; only after that does the flavour commit metadata, so no
// reader ever sees a half-written file. tmp/ is emptied on start (leftovers of a killed server),
// and blobs no metadata refers to are swept (killed between rename and metadata commit).
// Small bodies stay in memory until commit, which writes them straight to their blob path: no
// temp file and no rename.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
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
}

const READ_HWM = 1 << 20; // 1 MiB reads: far fewer syscalls and event-loop turns per GiB
const WRITE_BATCH = 1 << 20;
const WRITES_IN_FLIGHT = 4;
/** Bodies up to this size are held in memory until commit (bounded by the connections open). */
const SMALL_BLOB = 256 * 1024;

export class BlobStore {
  readonly root: string;
  readonly #fsync: boolean;
  readonly #dirs = new Set<string>();

  constructor(dataDir: string, opts: { fsync: boolean }) {
    this.root = dataDir;
    this.#fsync = opts.fsync;
  }

  get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(join(this.root, 'blobs'), { recursive: true });
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
    // Read up to SMALL_BLOB into memory first; most bodies end there.
    let size = 0;
    const batch: Buffer[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        if (size > max) return { size, digests: {}, tooLarge: true };
        for (const chunk of batch) for (const [, h] of hashes) h.update(chunk);
        return { data: Buffer.concat(batch, size), size, digests: digests(), tooLarge: false };
      }
      batch.push(next.value);
      size += next.value.length;
      if (size > SMALL_BLOB) break;
    }
    return this.#stageToFile({ [Symbol.asyncIterator]: () => iterator }, batch, size, hashes, max, digests);
  }

  /** The rest of a large body: written to a temp file while the next chunks are received and hashed. */
  async #stageToFile(
    rest: AsyncIterable<Buffer>,
    head: Buffer[],
    headBytes: number,
    hashes: [HashAlgorithm, Hash][],
    max: number,
    digests: () => StagedBlob['digests'],
  ): Promise<StagedBlob> {
    const tmpPath = join(this.tmpDir, randomUUID());
    const fh = await open(tmpPath, 'wx');
    let size = headBytes;
    let tooLarge = size > max;
    let batch = tooLarge ? [] : head;
    let batchBytes = tooLarge ? 0 : headBytes;
    for (const chunk of batch) for (const [, h] of hashes) h.update(chunk);
    // Up to WRITES_IN_FLIGHT positioned writes overlap: the next batch is received and hashed
    // while earlier ones are still being written by the thread pool.
    const pending = new Set<Promise<unknown>>();
    let written = 0;
    const flush = async () => {
      const out = batch;
      const at = written;
      written += batchBytes;
      batch = [];
      batchBytes = 0;
      if (pending.size >= WRITES_IN_FLIGHT) await Promise.race(pending);
      const write: Promise<unknown> = fh.writev(out, at).finally(() => pending.delete(write));
      write.catch(() => {}); // seen by Promise.race/all below; this only marks it handled meanwhile
      pending.add(write);
    };
    try {
      if (batchBytes >= WRITE_BATCH) await flush();
      for await (const chunk of rest) {
        size += chunk.length;
        if (tooLarge) continue;
        if (size > max) {
          // Past the limit the bytes are still read (GitLab checks the size after the upload,
          // `lib/api/generic_packages.rb`) but no longer written or hashed.
          tooLarge = true;
          batch = [];
          batchBytes = 0;
          continue;
        }
        for (const [, h] of hashes) h.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH) await flush();
      }
      await Promise.all(pending);
      if (batch.length && !tooLarge) await fh.writev(batch, written);
      if (this.#fsync && !tooLarge) await fh.sync();
    } catch (e) {
      await Promise.allSettled(pending);
      await fh.close().catch(() => {});
      await unlink(tmpPath).catch(() => {});
      throw e;
    }
    await fh.close();
    return { tmpPath, size, digests: tooLarge ? {} : digests(), tooLarge };
  }

  /** Makes a staged file durable under a fresh key and returns the key. */
  async commit(staged: StagedBlob): Promise<string> {
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

  /** Deletes blob files no metadata refers to; returns how many. */
  async sweep(live: Set<string>): Promise<number> {
    let removed = 0;
    const base = join(this.root, 'blobs');
    for (const d of await readdir(base).catch(() => [] as string[])) {
      for (const f of await readdir(join(base, d)).catch(() => [] as string[])) {
        if (!live.has(f)) {
          await unlink(join(base, d, f)).catch(() => {});
          removed++;
        }
      }
    }
    return removed;
  }

  /** Names of files currently in tmp/ (tests assert none are left behind). */
  async tmpFiles(): Promise<string[]> {
    return readdir(this.tmpDir).catch(() => []);
  }
}
