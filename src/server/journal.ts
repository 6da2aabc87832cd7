// Metadata (packages, files, variables) lives in an append-only JSON-lines journal.
//
// Why a journal and not a JSON snapshot per change: a snapshot rewrite costs O(state) per upload,
// and hundreds of concurrent small uploads would serialise behind it. Appends are O(record), and
// the writer does group commit: every record queued while one write+fdatasync is in flight goes
// out in the next single write+fdatasync, so concurrent uploads share fsyncs instead of queueing
// one fsync each. Big blob fsyncs happen in the uploading request, never in this writer.
//
// Crash safety: a torn last line (power cut mid-append) is ignored on replay. On every start the
// live state is rewritten as a compact journal via tmp file + fsync + rename, so the file never
// grows without bound and a torn tail never survives a restart.
import { open, rename, readFile, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface JournalRecord {
  /** Owning module, e.g. `gitlab`, `gitea`. */
  ns: string;
  op: string;
  [k: string]: unknown;
}

export class Journal {
  #fh: FileHandle;
  #fsync: boolean;
  #queue: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  #flushing: Promise<void> | null = null;
  #closed = false;
  /** Records and write+sync batches so far: batches ≪ records under concurrency (group commit). */
  readonly stats = { records: 0, batches: 0 };

  private constructor(fh: FileHandle, fsync: boolean) {
    this.#fh = fh;
    this.#fsync = fsync;
  }

  /** Reads every whole record of `file` (missing file = none). */
  static async read(file: string): Promise<JournalRecord[]> {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const records: JournalRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as JournalRecord;
        if (r && typeof r.ns === 'string' && typeof r.op === 'string') records.push(r);
      } catch {
        // torn tail from a crash mid-append: the upload it described never got its response
      }
    }
    return records;
  }

  /** Opens `file` for appends. */
  static async open(file: string, opts: { fsync: boolean }): Promise<Journal> {
    await mkdir(dirname(file), { recursive: true });
    return new Journal(await open(file, 'a'), opts.fsync);
  }

  /** Atomically replaces `file` with exactly `records` (tmp + fsync + rename + dir fsync). */
  static async rewrite(file: string, records: JournalRecord[]): Promise<void> {
    const tmp = join(dirname(file), `.journal-${process.pid}-${Date.now()}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      const CHUNK = 2000;
      for (let i = 0; i < records.length; i += CHUNK) {
        await fh.write(records.slice(i, i + CHUNK).map((r) => JSON.stringify(r) + '\n').join(''));
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await fsyncDir(dirname(file));
  }

  /** Resolves once the record is durable (written, and fdatasync'ed unless fsync is off). */
  append(record: JournalRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: JSON.stringify(record) + '\n', resolve, reject });
      if (!this.#flushing) this.#flushing = this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        this.stats.batches++;
        this.stats.records += batch.length;
        await this.#fh.write(batch.map((b) => b.line).join(''));
        if (this.#fsync) await this.#fh.datasync();
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e as Error);
      }
    }
    this.#flushing = null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await this.#flushing;
    await this.#fh.close();
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // some filesystems refuse fsync on directories; rename is still atomic there
  }
}
