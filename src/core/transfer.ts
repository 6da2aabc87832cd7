/**
 * Moving one file either way, with the guarantees relpack promises for every transfer:
 * - streaming, hashed in the same pass, never buffered whole;
 * - an upload is retried only after asking the registry whether the failed attempt stored the file,
 *   so a retry never adds a duplicate (GitLab appends a row on every PUT,
 *   `app/services/packages/generic/create_package_file_service.rb`);
 * - a download is written to a temporary file next to its target, resumed with Range after a broken
 *   body when the server allows it, and renamed into place only after its SHA-256 verifies.
 * - a local file is sent as it was planned (core/local-files.ts): never more than its planned size
 *   is read, and a file that changes before its last byte is sent stops the publish at once
 *   ("changed while being published"), before the registry stores the mix of old and new bytes; it
 *   is not a network failure, so it is not retried.
 */
import { type Stats, closeSync, constants, createReadStream, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable, TransformCallback } from 'node:stream';
import { RetryableFailure } from '../http/retry.js';
import type { PackageRef, RegistryAdapter, UploadResult } from '../registry/types.js';
import { RelpackError } from '../base/errors.js';
import { CHUNK_SIZE, HashingStream, UPLOAD_CHUNK_SIZE, sha256 } from '../base/hashing.js';
import { progressTracker, type Reporter } from './progress.js';
import { fetchWhole } from '../registry/small-file.js';

/**
 * Files up to this size are moved whole through memory (bounded by the concurrency): read or
 * written with one synchronous call each, a page-cache copy of microseconds, instead of a stream
 * pipeline and a thread-pool round trip per step, which is most of the cost of moving hundreds of
 * small files. Larger files stream, hashed in the same pass.
 */
const SMALL_FILE_BYTES = 256 * 1024;

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
  let attempt: PlannedFileStream | undefined;
  const body = (): Readable | Buffer => {
    if (data) return data;
    attempt = new PlannedFileStream(source, track);
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
          hint: 'run the same publish again: files already published with the same SHA-256 are skipped once the version has its SHA256SUMS; or publish without --hidden',
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
  const stream = new PlannedFileStream(source, () => {});
  stream.resume();
  const digest = await stream.settled();
  if (!digest) throw stream.changed ?? changedError(source, 'it could not be read to the end');
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
 * is checked against the plan when opened and again before its last chunk goes out. A change fails
 * the stream there, so the registry gets a short body and stores nothing.
 */
class PlannedFileStream extends HashingStream {
  /** Set when the file was found changed; the upload reports this instead of the aborted request. */
  changed?: RelpackError;
  private readonly inode: number;

  constructor(
    private readonly source: UploadSource,
    onBytes: (total: number) => void,
  ) {
    super(onBytes);
    const info = statSync(source.path!);
    const before = difference(source, info);
    if (before) throw changedError(source, before);
    this.inode = info.ino;
    const file = createReadStream(source.path!, { start: 0, end: source.size - 1, highWaterMark: UPLOAD_CHUNK_SIZE });
    file.on('error', (error) => this.destroy(error));
    this.on('close', () => file.destroy());
    file.pipe(this);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.bytes + chunk.length >= this.source.size) {
      const info = statSync(this.source.path!, { throwIfNoEntry: false });
      const why = !info ? 'it was removed' : info.ino !== this.inode ? 'another file took its place' : difference(this.source, info);
      if (why) {
        callback(this.fail(why));
        return;
      }
    }
    super._transform(chunk, encoding, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes < this.source.size) callback(this.fail(`it ended after ${this.bytes} of its ${this.source.size} bytes`));
    else super._flush(callback);
  }

  private fail(why: string): RelpackError {
    this.changed = changedError(this.source, why);
    return this.changed;
  }
}

export interface DownloadTarget {
  name: string;
  /** Final path on disk. */
  path: string;
  /** Expected digests; each one present is checked. */
  expected: { registry?: string; manifest?: string };
  size?: number;
  verify: boolean;
}

export interface DownloadedFile {
  sha256: string;
  size: number;
}

/**
 * Downloads one file to `target.path`, verified before it appears there. Files are not fsync'ed
 * (neither curl nor wget does): what the rename publishes is verified, and a power cut can at
 * worst lose a file that the next run fetches again.
 */
export async function downloadFile(registry: RegistryAdapter, ref: PackageRef, target: DownloadTarget, reporter: Reporter): Promise<DownloadedFile> {
  if (target.size !== undefined && target.size <= SMALL_FILE_BYTES) return downloadSmallFile(registry, ref, target);
  const temp = partPath(target.path);
  const handle = await open(temp, 'w');
  let offset = 0;
  let hash = createHash('sha256');
  let headerSha: string | undefined;
  /** The first answer's ETag or Last-Modified: a resume must continue the same file (If-Range). */
  let validator: string | undefined;
  const track = progressTracker(reporter, target.name, target.size ?? 0);
  try {
    await registry.retrying({ method: 'GET', url: registry.fileUrl(ref, target.name) }, async () => {
      // This loop is the retry: the request itself is not retried again inside (attempts × attempts).
      const response = await registry.download(ref, target.name, { offset, ifRange: validator, retry: false });
      validator ??= response.header('etag') ?? response.header('last-modified');
      if (offset > 0 && !resumes(response.header('content-range'), offset, response.status)) {
        // The server sent the whole file again: start over.
        offset = 0;
        hash = createHash('sha256');
        await handle.truncate(0);
      }
      headerSha = response.header('x-checksum-sha256')?.toLowerCase() ?? headerSha;
      // Socket chunks are small (~64 KiB): they are gathered into ~1 MiB batches, each written
      // with one writev while the same bytes are hashed, so disk and hash overlap. Only bytes
      // both written and hashed count towards `offset`, where a resume starts.
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const flush = async () => {
        if (batchBytes === 0) return;
        const writing = writeFully(handle, batch, batchBytes, offset);
        for (const chunk of batch) hash.update(chunk);
        await writing;
        offset += batchBytes;
        batch = [];
        batchBytes = 0;
        track(offset);
      };
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          batch.push(chunk);
          batchBytes += chunk.length;
          if (batchBytes >= CHUNK_SIZE) await flush();
        }
        await flush();
      } catch (error) {
        // The bytes that did arrive are good (a connection breaks, it does not garble): keep
        // them, so that the resume asks only for the rest.
        await flush();
        throw new RetryableFailure(`the download of ${target.name} broke after ${offset} bytes`, undefined, undefined, { cause: error });
      }
      if (target.size !== undefined && offset < target.size) {
        throw new RetryableFailure(`the download of ${target.name} ended after ${offset} of ${target.size} bytes`);
      }
    });
    await handle.close();
    const sha256 = hash.digest('hex');
    verifyDownload(target, sha256, headerSha);
    await rename(temp, target.path);
    return { sha256, size: offset };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * A file the listing says is small is received into memory, hashed and verified there, then
 * written to its temporary file and renamed in two synchronous calls. A broken body is fetched
 * again whole (it is small); a body longer than listed is refused rather than buffered.
 */
async function downloadSmallFile(registry: RegistryAdapter, ref: PackageRef, target: DownloadTarget): Promise<DownloadedFile> {
  const listed = target.size!;
  const { data, headerSha256 } = await fetchWhole(registry, ref, target.name, {
    maxBytes: listed,
    expectedBytes: listed,
    tooLarge: () =>
      new RelpackError('CHECKSUM_MISMATCH', `${target.name}: the registry sent more than the ${listed} bytes it lists for this file`, {
        hint: 'the file changed while it was being downloaded, or a proxy altered it; retry the download',
      }),
  });
  const digest = sha256(data);
  verifyDownload(target, digest, headerSha256);
  const temp = partPath(target.path);
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    renameSync(temp, target.path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return { sha256: digest, size: data.length };
}

/** Unique per process (random) and per file (counter), so that concurrent runs never share a temp file. */
const PART_TAG = randomBytes(4).toString('hex');
let partCount = 0;

function partPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.relpack-${PART_TAG}-${(partCount++).toString(36)}.part`);
}

/** Checks the received digest against every SHA-256 the registry and the manifest give. */
function verifyDownload(target: DownloadTarget, sha256: string, headerSha: string | undefined): void {
  if (!target.verify) return;
  const checks: [string, string | undefined][] = [
    ['the registry', target.expected.registry ?? headerSha],
    ['X-Checksum-SHA256', headerSha],
    ['SHA256SUMS', target.expected.manifest],
  ];
  if (!checks.some(([, expected]) => expected)) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${target.name}: the registry gives no SHA-256 to verify against`, {
      hint: 'publish a SHA256SUMS manifest with the package (relpack does by default), or pass --no-verify to accept the file unchecked',
    });
  }
  for (const [source, expected] of checks) {
    if (expected && expected.toLowerCase() !== sha256) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${target.name}: SHA-256 mismatch against ${source}`, {
        hint: `expected ${expected.toLowerCase()}, received ${sha256}; the file was not written. Retry; if it persists, the stored file is damaged or was tampered with.`,
      });
    }
  }
}

/** writev until every byte of `buffers` is on disk at `position` (a write may be short). */
async function writeFully(handle: FileHandle, buffers: Buffer[], length: number, position: number): Promise<void> {
  let written = (await handle.writev(buffers, position)).bytesWritten;
  if (written === length) return;
  const rest = Buffer.concat(buffers, length);
  while (written < length) written += (await handle.write(rest, written, length - written, position + written)).bytesWritten;
}

/** A 206 whose Content-Range starts where we stopped continues our file. */
function resumes(contentRange: string | undefined, offset: number, status: number): boolean {
  if (status !== 206 || !contentRange) return false;
  const match = /^bytes (\d+)-/.exec(contentRange);
  return match !== null && Number(match[1]) === offset;
}
