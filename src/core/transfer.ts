/**
 * Sending one file, with the guarantees relpack promises for every upload (downloads, which resume
 * from part files a later run can find, are core/download.ts):
 * - streaming, hashed in the same pass, never buffered whole;
 * - an upload is retried only after asking the registry whether the failed attempt stored the file,
 *   so a retry never adds a duplicate (GitLab appends a row on every PUT,
 *   `app/services/packages/generic/create_package_file_service.rb`);
 * - a local file is sent as it was planned (core/local-files.ts): never more than its planned size
 *   is read, and a file that changes before its last byte is sent stops the publish at once
 *   ("changed while being published"), before the registry stores the mix of old and new bytes; it
 *   is not a network failure, so it is not retried.
 */
import { type Stats, closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { PackageRef, RegistryAdapter, UploadResult, UploadBody } from '../registry/types.js';
import { RelpackError } from '../base/errors.js';
import { sha256 } from '../base/hashing.js';
import { progressTracker, type Reporter } from './progress.js';

/**
 * Files up to this size are moved whole through memory (bounded by the concurrency): read or
 * written with one synchronous call each, a page-cache copy of microseconds, instead of a stream
 * pipeline and a thread-pool round trip per step, which is most of the cost of moving hundreds of
 * small files. Larger files stream, hashed in the same pass.
 */
const SMALL_FILE_BYTES = 256 * 1024;

/**
 * A large file is read in pieces of this size into two buffers that the upload keeps for its whole
 * length: one is on its way to the socket while the next piece is read into the other. Fresh
 * buffers per read (what fs.createReadStream does) cost more than the hashing on this VM: each new
 * allocation touches pages that the kernel has to hand out again, and chunks held while the
 * registry is slow end up in V8's old generation. A 1 GiB publish against `relpack serve` on
 * loopback: 2.9 s of client CPU with a 256 KiB read stream piped through a hashing Transform,
 * 1.7 s with this (openssl dgst -sha256 alone: 1.0 s); 4 MiB pieces read about 0.3 s less CPU
 * than 1 MiB ones. At most 8 MiB per file being sent.
 */
const UPLOAD_PIECE_BYTES = 4 * 1024 * 1024;

export interface UploadSource {
  name: string;
  size: number;
  /** A file on disk, or bytes already in memory (the manifest). */
  path?: string;
  data?: Buffer;
  /** The file's modification time when planned: the upload stops if it has moved. */
  mtimeMs?: number;
  /** The file's SHA-256, where the plan computed one: the bytes sent must have it. */
  sha256?: string;
}

export interface VerifiedUpload extends UploadResult {
  /** The SHA-256 of the bytes relpack sent, computed while sending. */
  localSha256: string;
  /** False when the registry did not say what it stored (checked later from its listing). */
  verified: boolean;
}

export async function uploadFile(
  registry: RegistryAdapter,
  ref: PackageRef,
  source: UploadSource,
  options: { hidden?: boolean; reporter: Reporter; knownIds: Set<number> },
): Promise<VerifiedUpload> {
  const track = progressTracker(options.reporter, source.name, source.size);
  // Small files (and the manifest) are read once into memory and hashed there: one pass over the
  // bytes all the same. Larger files stream, hashed as they are sent.
  const data = source.data ?? (source.path && source.size <= SMALL_FILE_BYTES ? readPlanned(source) : undefined);
  const dataSha256 = data ? sha256(data) : undefined;
  const size = data ? data.length : source.size;
  let attempt: PlannedFileBody | undefined;
  const body = (): UploadBody => {
    if (data) return data;
    attempt = new PlannedFileBody(source, track);
    // An async iterable of Buffers, which the HTTP client sends as it is (http/client.ts); the
    // adapters hand the body through without touching it.
    return attempt;
  };
  const digest = async () => dataSha256 ?? (await attempt?.settled());
  const { knownIds } = options;
  const key = registry.normalizeFileName(source.name);

  const result = await registry.retrying<UploadResult & { localSha256?: string }>(
    { method: 'PUT', url: registry.fileUrl(ref, source.name) },
    async () => {
      try {
        const stored = await registry.upload(ref, source.name, body, size, { hidden: options.hidden });
        return { ...stored, localSha256: await digest() };
      } catch (error) {
        // However the HTTP client reports the aborted body, a changed file is not worth a retry.
        throw attempt?.changed ?? error;
      }
    },
    // The body may have reached the registry before the connection broke ("stored, then the
    // connection dropped"): look for a new row with the bytes we sent before sending them again.
    async () => {
      const sent = await digest();
      if (!sent) return undefined;
      const unlisted = registry.unlistedUploads({ hidden: options.hidden });
      if (unlisted) {
        // Whether this attempt was stored cannot be checked, and sending it again could add a duplicate.
        throw new RelpackError('NETWORK', `${source.name}: the connection broke after the whole file was sent, and ${unlisted}, so relpack cannot tell whether it was stored`, {
          hint: `run the same publish again: files already published with the same SHA-256 are skipped${options.hidden ? ' once the version has its SHA256SUMS; or publish without --hidden' : ''}`,
        });
      }
      const rows = await registry.listRows(ref);
      const stored = rows.find((row) => registry.normalizeFileName(row.fileName) === key && row.sha256 === sent && !knownIds.has(row.id ?? -1));
      if (!stored) return undefined;
      options.reporter.info(`${source.name}: the failed attempt had stored the file; not uploading it again`);
      return { sha256: stored.sha256, size: stored.size, id: stored.id, packageId: stored.packageId, localSha256: sent };
    },
  );

  const localSha256 = result.localSha256 ?? (await digest());
  if (!localSha256) throw new RelpackError('NETWORK', `${source.name}: the upload ended before the whole file was read`);
  if (source.sha256 && source.sha256 !== localSha256) throw changedError(source, `its SHA-256 was ${source.sha256} when planned, the bytes sent have ${localSha256}`);
  if (result.sha256 && result.sha256.toLowerCase() !== localSha256) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${source.name}: the registry stored different bytes than were sent`, {
      hint: `sent sha256 ${localSha256}, the registry recorded ${result.sha256}; a proxy or the storage altered the upload. Delete the file and publish again.`,
    });
  }
  return { ...result, localSha256, verified: Boolean(result.sha256) };
}

export async function rowIds(registry: RegistryAdapter, ref: PackageRef, name: string): Promise<Set<number>> {
  // Rows the registry cannot list (a GitLab deploy token) are never compared against either.
  if (registry.unlistedUploads({})) return new Set();
  const rows = await registry.listRows(ref);
  const key = registry.normalizeFileName(name);
  return new Set(rows.filter((row) => registry.normalizeFileName(row.fileName) === key).map((row) => row.id ?? -1));
}

/** Why a local file is not as planned any more, or undefined when its size and modification time still hold. */
function difference(source: UploadSource, info: Stats): string | undefined {
  if (!info.isFile()) return 'it is no longer a regular file';
  if (info.size !== source.size) return `it had ${source.size} bytes when planned and has ${info.size} now`;
  if (source.mtimeMs !== undefined && info.mtimeMs !== source.mtimeMs) return 'it was modified after the publish was planned';
  return undefined;
}

function changedError(source: UploadSource, why: string): RelpackError {
  return new RelpackError('CONFLICT', `${source.path ?? source.name} changed while being published: ${why}`, {
    hint: `relpack publishes each file as it was when the publish was planned, and ${source.name} was not published. Publish once whatever writes it has finished; files already published are skipped when the same publish runs again.`,
  });
}

/**
 * The SHA-256 of a local file as planned, read the way an upload reads it (bounded by the planned
 * size, checked against the plan): small files in one read, larger ones streamed.
 */
export async function hashPlanned(source: UploadSource): Promise<string> {
  if (source.size <= SMALL_FILE_BYTES) return sha256(readPlanned(source));
  const body = new PlannedFileBody(source, () => {});
  try {
    for await (const _piece of body) {
      // read and hashed by the body itself
    }
  } catch (error) {
    throw body.changed ?? error;
  }
  const digest = await body.settled();
  if (!digest) throw changedError(source, 'it could not be read to the end');
  return digest;
}

/**
 * A small file, read whole: exactly its planned size (so that a device that took its place is not
 * read without end), opened without blocking (in case a FIFO did), and checked against the plan
 * once the bytes are in: any change since the plan shows in the size or the modification time then.
 */
function readPlanned(source: UploadSource): Buffer {
  const fd = openSync(source.path!, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const data = Buffer.allocUnsafe(source.size);
    let at = 0;
    while (at < data.length) {
      const read = readSync(fd, data, at, data.length - at, at);
      if (read === 0) throw changedError(source, `it ended after ${at} of its ${source.size} bytes`);
      at += read;
    }
    const after = difference(source, fstatSync(fd));
    if (after) throw changedError(source, after);
    return data;
  } finally {
    closeSync(fd);
  }
}

/**
 * A large file's bytes as sent: at most its planned size is read, hashed on the way, and the file
 * is checked against the plan when opened and again before its last piece goes out. A change fails
 * the body there, so the registry gets a short body and stores nothing.
 *
 * An async iterable, not a stream: the HTTP client (undici's writeIterable) asks for the next piece
 * only once the socket has taken the previous one (written, or drained after a short write), so the
 * buffer of the piece before it can be read into again. Two buffers alternate: while one piece is
 * being sent, the next one is read.
 */
class PlannedFileBody implements AsyncIterable<Buffer> {
  /** Set when the file was found changed; the upload reports this instead of the aborted request. */
  changed?: RelpackError;
  private readonly inode: number;
  private digestHex?: string;
  private started = false;

  constructor(
    private readonly source: UploadSource,
    private readonly onBytes: (total: number) => void,
  ) {
    const info = statSync(source.path!);
    const before = difference(source, info);
    if (before) throw changedError(source, before);
    this.inode = info.ino;
  }

  /** The hex digest of every planned byte, once the last piece has been read and checked. */
  async settled(): Promise<string | undefined> {
    return this.digestHex;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    // One pass per attempt: a retry asks the upload for a new body.
    if (this.started) throw new Error('a planned file body is read once');
    this.started = true;
    const { source } = this;
    const size = source.size;
    const hash = createHash('sha256');
    const handle = await this.openPlanned();
    const pieceBytes = Math.min(UPLOAD_PIECE_BYTES, size);
    const buffers = [Buffer.allocUnsafe(pieceBytes)];
    let reading: Promise<{ bytesRead: number }> | undefined;
    try {
      let position = 0;
      let which = 0;
      reading = handle.read(buffers[0], 0, Math.min(pieceBytes, size), 0);
      while (position < size) {
        const buffer = buffers[which];
        const { bytesRead } = await reading!;
        reading = undefined;
        if (bytesRead === 0) throw this.fail(`it ended after ${position} of its ${size} bytes`);
        const piece = buffer.subarray(0, bytesRead);
        position += bytesRead;
        if (position < size) {
          which ^= 1;
          buffers[which] ??= Buffer.allocUnsafe(pieceBytes);
          reading = handle.read(buffers[which], 0, Math.min(pieceBytes, size - position), position);
        } else {
          const info = statSync(source.path!, { throwIfNoEntry: false });
          const why = !info ? 'it was removed' : info.ino !== this.inode ? 'another file took its place' : difference(source, info);
          if (why) throw this.fail(why);
        }
        hash.update(piece);
        if (position >= size) this.digestHex = hash.digest('hex');
        this.onBytes(position);
        yield piece;
      }
    } finally {
      // A read still under way finishes before the file is closed (the upload failed meanwhile).
      await reading?.catch(() => {});
      await handle.close().catch(() => {});
    }
  }

  private async openPlanned(): Promise<FileHandle> {
    const handle = await open(this.source.path!, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      const why = info.ino !== this.inode ? 'another file took its place' : difference(this.source, info);
      if (why) throw this.fail(why);
      return handle;
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
  }

  private fail(why: string): RelpackError {
    this.changed = changedError(this.source, why);
    return this.changed;
  }
}
