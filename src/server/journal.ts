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
//
// A torn tail and a corrupt line are told apart by the newline: every append writes whole lines,
// newline last, so a crash can only leave a last line *without* its newline. A line that ends in
// a newline and still is not a record was damaged after it was written (a disk, an editor, a
// copy); dropping it would let compaction forget a file and the sweep delete its blob. So such
// a journal is refused (JournalCorruptError) unless the caller recovers it on purpose.
import { open, rename, readFile, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface JournalRecord {
  /** Owning module, e.g. `gitlab`, `gitea`. */
  ns: string;
  op: string;
  [k: string]: unknown;
}

/** A newline-terminated line that is not a record. `line` is 1-based. */
export interface CorruptLine {
  line: number;
  text: string;
  reason: string;
}

export interface JournalContents {
  records: JournalRecord[];
  /** The 1-based line of each record, in step with `records`. */
  lines: number[];
  corrupt: CorruptLine[];
  /** The unterminated last line a crash mid-append left, if any (dropped). */
  tornTail: string | null;
}

/** The journal has lines that are not records and are not a torn tail; nothing was changed. */
export class JournalCorruptError extends Error {
  readonly code = 'RELPACK_SERVE_JOURNAL_CORRUPT';
  constructor(
    readonly file: string,
    readonly corrupt: CorruptLine[],
  ) {
    const shown = corrupt.slice(0, 5).map((c) => `line ${c.line} (${c.reason})`).join(', ');
    const more = corrupt.length > 5 ? ` and ${corrupt.length - 5} more` : '';
    super(
      `${file}: ${shown}${more} is not a journal record, and relpack serve will not guess what it held; ` +
        'nothing was changed. To recover, restore the file from a backup, or correct the line, or start once with ' +
        '--recover-journal: it moves the unreadable lines, and every blob no readable record refers to, into ' +
        'quarantine/ in the data dir instead of deleting anything.',
    );
    this.name = 'JournalCorruptError';
  }
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

  /** Reads `file` (missing = empty): its records, its corrupt lines, and a torn tail. */
  static async load(file: string): Promise<JournalContents> {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const out: JournalContents = { records: [], lines: [], corrupt: [], tornTail: null };
    const parts = text.split('\n');
    // The piece after the last newline: '' for a whole file, else an unterminated last line.
    const tail = parts.pop()!;
    parts.forEach((line, i) => {
      if (!line.trim()) return;
      const reason = recordProblem(line);
      if (typeof reason === 'string') out.corrupt.push({ line: i + 1, text: line, reason });
      else {
        out.records.push(reason);
        out.lines.push(i + 1);
      }
    });
    if (tail) {
      // Torn by a crash mid-append: the upload it described never got its response. A whole
      // record that only lacks its newline (written by hand) is still kept.
      const r = recordProblem(tail);
      if (typeof r === 'string') out.tornTail = tail;
      else {
        out.records.push(r);
        out.lines.push(parts.length + 1);
      }
    }
    return out;
  }

  /** Every record of `file` (missing file = none); throws JournalCorruptError on a corrupt line. */
  static async read(file: string): Promise<JournalRecord[]> {
    const j = await Journal.load(file);
    if (j.corrupt.length) throw new JournalCorruptError(file, j.corrupt);
    return j.records;
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

/** The record on a line, or why it is not one. */
function recordProblem(line: string): JournalRecord | string {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'not a JSON object';
  const rec = r as JournalRecord;
  if (typeof rec.ns !== 'string' || typeof rec.op !== 'string') return 'no "ns" and "op"';
  return rec;
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
