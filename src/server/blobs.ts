// File bytes on disk. An upload streams into tmp/ while being hashed in the same pass, is
// fsync'ed, then renamed into blobs/; only after that does the flavour commit metadata, so no
// reader ever sees a half-written file. tmp/ is emptied on start (leftovers of a killed server),
// and blobs no metadata refers to are swept (killed between rename and metadata commit).
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './journal.js';

export type HashAlgorithm = 'sha256' | 'sha1' | 'md5' | 'sha512';

export interface StagedBlob {
  tmpPath: string;
  /** Bytes received (also counted past maxBytes, where writing stops). */
  size: number;
  /** Hex digests of the bytes received. Empty when the body exceeded maxBytes. */
  digests: Partial<Record<HashAlgorithm, string>>;
  tooLarge: boolean;
}

const READ_HWM = 1 << 20; // 1 MiB reads: far fewer syscalls and event-loop turns per GiB
const WRITE_BATCH = 1 << 20;
const WRITES_IN_FLIGHT = 4;

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
   * Streams `body` into a temp file, hashing each chunk as it passes (one pass, nothing held
   * whole). Past `maxBytes` the bytes are still read (GitLab checks the size after the upload,
   * gitlab-api.md §1) but no longer written or hashed.
   */
  async stage(body: AsyncIterable<Buffer>, opts: { hashes: HashAlgorithm[]; maxBytes?: number }): Promise<StagedBlob> {
    const tmpPath = join(this.tmpDir, randomUUID());
    const fh = await open(tmpPath, 'wx');
    const hashes: [HashAlgorithm, Hash][] = opts.hashes.map((a) => [a, createHash(a)]);
    const max = opts.maxBytes && opts.maxBytes > 0 ? opts.maxBytes : Infinity;
    let size = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let tooLarge = false;
    // One write in flight while the next batch is read and hashed: disk and CPU overlap.
    const pending = new Set<Promise<unknown>>();
    let written = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (tooLarge) continue;
        if (size > max) {
          tooLarge = true;
          batch = [];
          batchBytes = 0;
          continue;
        }
        for (const [, h] of hashes) h.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH) {
          // Positioned writes may overlap: the next batch is received and hashed while up to
          // WRITES_IN_FLIGHT earlier ones are still being written by the thread pool.
          const out = batch;
          const at = written;
          written += batchBytes;
          batch = [];
          batchBytes = 0;
          if (pending.size >= WRITES_IN_FLIGHT) await Promise.race(pending);
          const write: Promise<unknown> = fh.writev(out, at).finally(() => pending.delete(write));
          write.catch(() => {}); // seen by Promise.race/all below; this only marks it handled meanwhile
          pending.add(write);
        }
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
    const digests: StagedBlob['digests'] = {};
    if (!tooLarge) for (const [a, h] of hashes) digests[a] = h.digest('hex');
    return { tmpPath, size, digests, tooLarge };
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
    await rename(staged.tmpPath, join(dir, key));
    if (this.#fsync) await fsyncDir(dir);
    return key;
  }

  async discard(staged: StagedBlob): Promise<void> {
    await unlink(staged.tmpPath).catch(() => {});
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
