/**
 * download: one package version (or named files of it) -> a directory tree, every file verified
 * against the registry's SHA-256 and against SHA256SUMS when the version has one.
 *
 * One file at a time (fetchFile, below): written to a part file next to its target and renamed
 * into place only once its SHA-256 verifies; never more bytes than the listing gives it (or, with
 * no size listed, than `maxFileSize`); and a part file left by a run that was killed is resumed by
 * the next run rather than fetched again from the first byte.
 */
import { constants, lstatSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import type { HttpResponse } from '../http/client.js';
import { RetryableFailure } from '../http/retry.js';
import type { PackageRef, RegistryAdapter, RemoteFile } from '../registry/types.js';
import { RelpackError, asRelpackError } from '../base/errors.js';
import { formatBytes, hasUnprintable } from '../base/format.js';
import { CHUNK_SIZE, hashFile, sha256 } from '../base/hashing.js';
import { describeLocalFailure } from '../base/local-errors.js';
import { DEFAULT_MANIFEST, MAX_MANIFEST_BYTES, parseManifest } from '../base/manifest.js';
import { findListedFile, versionNotFound } from './list.js';
import { mapPool } from './pool.js';
import { progressTracker, type Reporter, type TransferResult } from './progress.js';
import { fetchWhole, readSmallFile } from '../registry/small-file.js';

/** Largest file a download accepts when the registry lists no size for it: 50 GiB. */
export const DEFAULT_MAX_FILE_SIZE = 50 * 1024 ** 3;

export interface DownloadOptions {
  ref: PackageRef;
  /** File names to fetch; empty for the whole version. */
  files: string[];
  outDir: string;
  concurrency: number;
  verify: boolean;
  /** Name of the manifest to verify against when the version has one. */
  /** The manifest to check against; null for none (`--checksums none`). Default SHA256SUMS. */
  checksums?: string | null;
  /**
   * Bytes a file may have when the registry lists no size for it (a hidden GitLab package, a
   * Gitea listing read from SHA256SUMS). A listed size bounds its file itself. Default 50 GiB.
   */
  maxFileSize?: number;
}

export interface DownloadResult {
  ref: PackageRef;
  packageUrl: string;
  outDir: string;
  files: TransferResult[];
  downloaded: number;
  skipped: number;
}

export async function downloadPackage(registry: RegistryAdapter, options: DownloadOptions, reporter: Reporter): Promise<DownloadResult> {
  const { ref } = options;
  const manifestName = options.checksums === undefined ? DEFAULT_MANIFEST : options.checksums;
  registry.validateRef(ref);
  for (const name of options.files) {
    registry.validateFileName(name);
    targetPath(options.outDir, name);
  }
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });

  const listed = await listedFiles(registry, ref, options.files);
  const wanted = selectFiles(registry, ref, listed, options.files);
  // The names come from the registry now: one that would escape --out, or that holds control
  // characters, is the registry's fault (exit 1), refused before anything is written.
  refuseCollisions(wanted.map((file) => ({ name: file.fileName, path: targetPath(outDir, file.fileName, { fromRegistry: true }) })));

  let manifest: ManifestDigests | undefined;
  const manifestFile = manifestName === null ? undefined : listed.find((file) => registry.sameFileName(file.fileName, manifestName));
  if (options.verify && manifestFile) manifest = new ManifestDigests(registry, await readManifest(registry, ref, manifestFile, targetPath(outDir, manifestFile.fileName, { fromRegistry: true })));

  const tree = new OutputTree(outDir);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const results = await mapPool(wanted, options.concurrency, async (file): Promise<TransferResult> => {
    const { path, existing, leftovers } = await tree.prepare(file.fileName);
    const fromManifest = manifest && manifestName !== null && !registry.sameFileName(file.fileName, manifestName) ? manifest.get(file.fileName) : undefined;
    if (file.sha256 && fromManifest && file.sha256.toLowerCase() !== fromManifest) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${file.fileName}: the registry and ${manifestName} disagree about its SHA-256`, {
        hint: `the registry lists ${file.sha256}, ${manifestName} says ${fromManifest}; the package was changed after it was published. Nothing was written for this file.`,
      });
    }
    const expected = file.sha256?.toLowerCase() ?? fromManifest;
    const url = registry.fileUrl(ref, file.fileName);
    if (expected && options.verify && existing?.isFile() && (await hashFile(path)) === expected) {
      await removeParts(leftovers);
      const result: TransferResult = { name: file.fileName, path, size: file.size ?? 0, sha256: expected, url, status: 'skipped', note: 'already present with the right SHA-256' };
      reporter.done(result);
      return result;
    }
    reporter.start('downloading', file.fileName, file.size ?? 0);
    const target: FileToFetch = { name: file.fileName, path, size: file.size, verify: options.verify, expected: { registry: file.sha256, manifest: fromManifest } };
    const got = await fetchFile(registry, ref, target, { reporter, maxFileSize, leftovers });
    const result: TransferResult = { name: file.fileName, path, size: got.size, sha256: got.sha256, url, status: 'downloaded' };
    reporter.done(result);
    return result;
  });

  return {
    ref,
    packageUrl: registry.packageUrl(ref),
    outDir,
    files: results,
    downloaded: results.filter((r) => r.status === 'downloaded').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
  };
}

/**
 * The version's files as the registry lists them. Where this credential cannot list (a GitLab
 * deploy token or Basic, which the Packages API does not take: `lib/api/project_packages.rb`) and
 * the version has no SHA256SUMS to stand in, named files are still fetched by their URLs.
 */
async function listedFiles(registry: RegistryAdapter, ref: PackageRef, names: string[]): Promise<RemoteFile[]> {
  try {
    return await registry.listFiles(ref);
  } catch (error) {
    if (names.length > 0 && registry.unlistedUploads({}) && error instanceof RelpackError && error.code === 'NOT_FOUND') return [];
    throw error;
  }
}

function selectFiles(registry: RegistryAdapter, ref: PackageRef, listed: RemoteFile[], names: string[]): RemoteFile[] {
  if (names.length === 0) {
    if (listed.length === 0) throw versionNotFound(ref);
    return listed;
  }
  // A hidden GitLab package is downloadable but not listed (GitLab
  // `app/finders/packages/generic/package_finder.rb` serves hidden packages,
  // `app/finders/concerns/packages/finder_helper.rb` lists them only on request): named files are
  // still fetched, verified by X-Checksum-SHA256.
  if (listed.length === 0) return names.map((fileName) => ({ fileName }));
  return names.map((name) => findListedFile(registry, ref, listed, name));
}

/**
 * The manifest's digest for a file: the entry of exactly its name, else the first entry the
 * registry takes for the same name. The second map is keyed by normalizeFileName (sameFileName(a,
 * b) is normalizeFileName(a) === normalizeFileName(b)), built once, so that a version of n files
 * costs n lookups rather than n scans of the manifest.
 */
export class ManifestDigests {
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly registry: Pick<RegistryAdapter, 'normalizeFileName'>,
    private readonly manifest: Map<string, string>,
  ) {
    for (const [entry, digest] of manifest) {
      const key = registry.normalizeFileName(entry);
      if (!this.byKey.has(key)) this.byKey.set(key, digest);
    }
  }

  get(name: string): string | undefined {
    return this.manifest.get(name) || this.byKey.get(this.registry.normalizeFileName(name));
  }
}

async function readManifest(registry: RegistryAdapter, ref: PackageRef, file: RemoteFile, localPath: string): Promise<Map<string, string>> {
  if ((file.size ?? 0) > MAX_MANIFEST_BYTES) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${file.fileName} is ${file.size} bytes, too large to be a checksum manifest`);
  }
  // The manifest already at its target (a re-run into the same folder, or placed from the download
  // cache) is the registry's own when its bytes hash to the SHA-256 the registry lists: read it there
  // instead of fetching it again.
  const local = file.sha256 ? readVerifiedLocal(localPath, file.sha256) : undefined;
  if (local) return parseManifest(local.toString('utf8'), file.fileName);
  const { data, headerSha256 } = await readSmallFile(registry, ref, file.fileName, MAX_MANIFEST_BYTES);
  const digest = sha256(data);
  const expected = file.sha256 ?? headerSha256;
  if (expected && expected.toLowerCase() !== digest) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${file.fileName}: SHA-256 mismatch against the registry`, { hint: `expected ${expected}, received ${digest}` });
  }
  return parseManifest(data.toString('utf8'), file.fileName);
}

/** A regular file's bytes when they hash to `sha256` (and fit a manifest's bound); otherwise undefined. */
function readVerifiedLocal(path: string, expected: string): Buffer | undefined {
  const info = lstatSync(path, { throwIfNoEntry: false });
  if (!info?.isFile() || info.size > MAX_MANIFEST_BYTES) return undefined;
  const data = readFileSync(path);
  return sha256(data) === expected.toLowerCase() ? data : undefined;
}

/**
 * GitLab's names are case-sensitive, so `A.bin` and `a.bin` can both be in a version; on macOS's
 * and Windows' case-insensitive file systems both would be renamed onto one file, the second
 * silently replacing the first. Refused there before any transfer.
 */
export function refuseCollisions(targets: { name: string; path: string }[], platform = process.platform): void {
  if (platform !== 'darwin' && platform !== 'win32') return;
  const seen = new Map<string, string>();
  for (const target of targets) {
    const key = target.path.normalize('NFC').toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new RelpackError('UNSAFE_PATH', `${JSON.stringify(other)} and ${JSON.stringify(target.name)} would be the same file on this case-insensitive file system`, {
        hint: 'download them one at a time into different directories',
      });
    }
    seen.set(key, target.name);
  }
}

/**
 * Where a package file lands under outDir. Names that are absolute, contain `..` or `.`
 * segments, backslashes or NUL are refused: a package must not write outside --out. So are names
 * with control characters (a newline, an ESC, DEL, C1, a bidirectional override): as a file name
 * they would rewrite the lines of every log and terminal that shows them. `fromRegistry`: the name
 * came from the registry's listing, not from the user (exit 1, not 2).
 */
export function targetPath(outDir: string, name: string, options: { fromRegistry?: boolean } = {}): string {
  const { fromRegistry } = options;
  const segments = name.split('/');
  if (hasUnprintable(name)) {
    throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: the name holds control characters`, {
      hint: fromRegistry
        ? 'the registry lists a file whose name no GitLab or Gitea rule allows; nothing was written. Ask whoever publishes the package, or check --url'
        : 'package file names are printable text',
      fromRegistry,
    });
  }
  if (
    name === '' ||
    isAbsolute(name) ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: it would be written outside the output directory`, {
      hint: 'package file names must be relative paths without "." or ".." segments',
      fromRegistry,
    });
  }
  const root = resolve(outDir);
  const target = resolve(root, ...segments);
  if (!target.startsWith(root + sep)) {
    throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: it resolves outside ${root}`, { fromRegistry });
  }
  return target;
}

/**
 * targetPath, plus: no directory on the way may be a link that leads out of outDir, and nothing is
 * created through one. Directories already checked or created are remembered, so a package of
 * many files in few directories costs a few checks, not a few per file; and each directory that
 * was there before is listed once for part files an earlier run left behind.
 */
class OutputTree {
  private realRoot?: string;
  private readonly safeDirs = new Set<string>();
  /** Directories this run created: no earlier run left anything in them. */
  private readonly createdDirs = new Set<string>();
  private readonly parts = new Map<string, Promise<Map<string, string[]>>>();

  constructor(private readonly root: string) {}

  /**
   * The target path; what is there now (a regular file may be reused; a link or a directory is
   * refused); and the part files of this target that earlier runs left and no running process owns.
   */
  async prepare(name: string): Promise<{ path: string; existing?: Stats; leftovers: string[] }> {
    const target = targetPath(this.root, name, { fromRegistry: true });
    this.realRoot ??= await realpath(this.root);
    let ancestor = this.root;
    for (const segment of name.split('/').slice(0, -1)) {
      ancestor = join(ancestor, segment);
      if (this.safeDirs.has(ancestor)) continue;
      const info = await lstat(ancestor).catch(() => undefined);
      if (!info) {
        // From here down nothing exists: create it, and it is ours.
        await mkdir(dirname(target), { recursive: true });
        for (let dir = dirname(target); dir.length >= ancestor.length; dir = dirname(dir)) {
          this.safeDirs.add(dir);
          this.createdDirs.add(dir);
        }
        break;
      }
      const real = await realpath(ancestor);
      if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) {
        throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${ancestor} is a link to ${real}, outside the output directory`);
      }
      if (!info.isDirectory() && !info.isSymbolicLink()) {
        // Found mid-download, after other files may have been written: a local problem (exit 1).
        throw new RelpackError('FILESYSTEM', `refusing ${JSON.stringify(name)}: ${ancestor} exists and is not a directory`, { hint: 'remove or rename it, or download into another folder (--out)' });
      }
      this.safeDirs.add(ancestor);
    }
    // Synchronous and without an exception for the usual answer (nothing there yet): one cached
    // lookup, where the promise and the ENOENT error cost more than the lookup itself.
    const existing = lstatSync(target, { throwIfNoEntry: false });
    if (existing?.isSymbolicLink()) {
      throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${target} is a symbolic link`, { hint: 'remove the link, or download into an empty directory' });
    }
    if (existing?.isDirectory()) {
      throw new RelpackError('FILESYSTEM', `${target} is a directory, where ${JSON.stringify(name)} is to be written`, {
        hint: 'remove or rename that directory, or download into another one (--out); nothing was fetched for this file',
      });
    }
    const dir = dirname(target);
    const leftovers = this.createdDirs.has(dir) ? [] : await this.leftoversOf(dir, basename(target));
    return { path: target, existing, leftovers };
  }

  private async leftoversOf(dir: string, base: string): Promise<string[]> {
    let byStem = this.parts.get(dir);
    if (!byStem) {
      byStem = listParts(dir);
      this.parts.set(dir, byStem);
    }
    const names = (await byStem).get(partStem(base)) ?? [];
    return names.map((name) => join(dir, name)).filter((path) => unowned(path));
  }
}

// --- one file: part files, resume, bounds, verification --------------------------------------------

/**
 * Files up to this size are received into memory, hashed and verified there, then written in one
 * call (bounded by the concurrency): for hundreds of small files that is most of the saving.
 * Larger files stream to their part file, hashed as they arrive.
 */
const SMALL_FILE_BYTES = 256 * 1024;

/**
 * Socket chunks (~64 KiB) gathered into one writev of the part file. A 1 GiB verified download
 * from `relpack serve` on loopback (tmpfs): 3.3-3.8 s of client CPU with 1 MiB batches, 3.0-3.1 s
 * with 4 MiB (a quarter of the thread-pool round trips); peak RSS the same (115-126 MiB).
 */
const RECEIVE_BATCH_BYTES = 4 * 1024 * 1024;

interface FileToFetch {
  name: string;
  /** Final path on disk. */
  path: string;
  /** The size the registry lists, which bounds what is written. */
  size?: number;
  verify: boolean;
  /** Expected digests; each one present is checked. */
  expected: { registry?: string; manifest?: string };
}

interface FetchOptions {
  reporter: Reporter;
  /** The bound when no size is listed. */
  maxFileSize: number;
  /** Part files of this target that earlier runs left (OutputTree.prepare). */
  leftovers: string[];
}

/**
 * Part files are named `.<file>.relpack-<pid>.part` next to their target: relpack's by the name,
 * one target's by the file name in it, and one process's by the pid. A later run takes over the
 * part file of a process that is gone (a `kill -9`, a CI job cancelled, a run that ran out of
 * retries) and resumes it; part files of processes still running are left alone. The pid test is
 * `kill(pid, 0)` (POSIX `kill(2)`), so it knows the processes of this machine: two machines that
 * share one output directory must not download into it at the same time (neither would their
 * final renames be safe).
 */
const PART = /^\.(.+)\.relpack-(\d+)\.part$/;

/** Part files in use in this process: concurrent downloads of one process share its pid. */
const partsInUse = new Set<string>();

/** The part of a part file's name that names its target; long names are shortened to fit NAME_MAX (255). */
function partStem(base: string): string {
  return Buffer.byteLength(base) > 200 ? `${base.slice(0, 100)}~${sha256(base).slice(0, 16)}` : base;
}

export function partPath(path: string, owner: number | string = process.pid): string {
  return join(dirname(path), `.${partStem(basename(path))}.relpack-${owner}.part`);
}

/** The part files of a directory, by the stem of their target. */
async function listParts(dir: string): Promise<Map<string, string[]>> {
  const byStem = new Map<string, string[]>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = PART.exec(name);
    if (!match) continue;
    byStem.set(match[1], [...(byStem.get(match[1]) ?? []), name]);
  }
  return byStem;
}

/** True when no running process writes this part file. */
function unowned(path: string): boolean {
  const pid = Number(PART.exec(basename(path))?.[2]);
  if (pid === process.pid) return !partsInUse.has(path);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, it is someone else's.
    return (error as { code?: string }).code === 'ESRCH';
  }
}

async function removeParts(paths: string[]): Promise<void> {
  for (const path of paths) await rm(path, { force: true });
}

/**
 * Takes over the longest regular leftover as `part` (an atomic rename: of two runs that reach for
 * the same leftover, one gets it) and removes the others. Returns the bytes taken over.
 */
async function claimLeftover(leftovers: string[], part: string): Promise<number> {
  const candidates: { path: string; size: number }[] = [];
  for (const path of leftovers) {
    const info = await lstat(path).catch(() => undefined);
    if (info?.isFile()) candidates.push({ path, size: info.size });
    else if (info) await rm(path, { force: true });
  }
  candidates.sort((a, b) => b.size - a.size);
  const [best, ...rest] = candidates;
  await removeParts(rest.map((c) => c.path));
  if (!best) return 0;
  if (best.path === part) return best.size;
  try {
    await rename(best.path, part);
    return best.size;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 0;
    throw error;
  }
}

interface Fetched {
  sha256: string;
  size: number;
}

async function fetchFile(registry: RegistryAdapter, ref: PackageRef, target: FileToFetch, options: FetchOptions): Promise<Fetched> {
  // Two downloads of one target in one process (a library caller, tests) cannot share the pid's
  // name: the second gets a name of its own, which no later run takes for a leftover.
  let part = partPath(target.path);
  for (let n = 1; partsInUse.has(part); n++) part = partPath(target.path, `${process.pid}-${n}`);
  partsInUse.add(part);
  try {
    if (target.size !== undefined && target.size <= SMALL_FILE_BYTES) {
      await removeParts(options.leftovers);
      return await fetchSmallFile(registry, ref, target, part);
    }
    return await fetchLargeFile(registry, ref, target, options, part);
  } finally {
    partsInUse.delete(part);
  }
}

/**
 * A file the listing says is small is received into memory, hashed and verified there, then
 * written to its part file and renamed in two synchronous calls. A broken body is fetched again
 * whole (it is small); a body longer than listed is refused rather than buffered.
 */
async function fetchSmallFile(registry: RegistryAdapter, ref: PackageRef, target: FileToFetch, part: string): Promise<Fetched> {
  const listed = target.size ?? 0;
  const { data, headerSha256 } = await fetchWhole(registry, ref, target.name, {
    maxBytes: listed,
    expectedBytes: listed,
    tooLarge: () => longerThanListed(target.name, listed),
  });
  const digest = sha256(data);
  verifyDownload(target, digest, headerSha256);
  try {
    // `wx` creates the file or fails: never written through a link someone put in its place.
    writeFileSync(part, data, { flag: 'wx' });
    renameSync(part, target.path);
  } catch (error) {
    rmSync(part, { force: true });
    throw asRelpackError(error, part);
  }
  return { sha256: digest, size: data.length };
}

function longerThanListed(name: string, listed: number): RelpackError {
  return new RelpackError('CHECKSUM_MISMATCH', `${name}: the registry sent more than the ${listed} bytes it lists for this file`, {
    hint: 'the file changed while it was being downloaded, or a proxy altered it; retry the download. Nothing was written for this file.',
    fromRegistry: true,
  });
}

function beyondMaximum(name: string, maximum: number): RelpackError {
  return new RelpackError('TOO_LARGE', `${name} is larger than ${formatBytes(maximum)}, the most relpack downloads of a file whose size the registry does not list`, {
    hint: 'if the file really is that large, raise the limit: --max-size (RELPACK_MAX_FILE_SIZE), e.g. 200GiB; nothing was kept of it',
    fromRegistry: true,
  });
}

/** Failures after which the bytes received are worth keeping for the next run to resume. */
function worthResuming(error: unknown): boolean {
  if (!(error instanceof RelpackError)) return false;
  if (error.code === 'NETWORK' || error.code === 'TIMEOUT') return true;
  const status = error.request?.status;
  return error.code === 'HTTP' && status !== undefined && (status === 429 || status >= 500);
}

/**
 * Streams one file into its part file. The bytes a killed run left are resumed when the result
 * can be judged: a listed size, and a SHA-256 to verify against. The resumed bytes are trusted
 * only through that final hash; if it fails, the file is fetched again whole, once, before the
 * mismatch is reported.
 */
async function fetchLargeFile(registry: RegistryAdapter, ref: PackageRef, target: FileToFetch, options: FetchOptions, part: string): Promise<Fetched> {
  const canResume = target.verify && target.size !== undefined && Boolean(target.expected.registry ?? target.expected.manifest);
  let taken = await claimLeftover(options.leftovers, part);
  if (!canResume || (target.size !== undefined && taken > target.size)) taken = 0;
  let handle: FileHandle | undefined;
  let keep = false;
  try {
    handle = await open(part, constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o666);
    await handle.truncate(taken);
    const receiver = new PartFileReceiver(registry, ref, target, options, handle);
    if (taken > 0) {
      options.reporter.info(`resuming ${target.name} from ${formatBytes(taken)}, left by an earlier run`);
      await receiver.resumeFrom(taken);
    }
    let received = await receiver.receive();
    try {
      verifyDownload(target, received.sha256, received.headerSha);
    } catch (error) {
      // Only bytes of an earlier run can be to blame for a second try; a file received whole in
      // this run that does not verify is reported as it is.
      if (receiver.resumedBytes === 0) throw error;
      options.reporter.info(`${target.name}: the resumed file did not verify; fetching it again whole`);
      await receiver.restart();
      received = await receiver.receive();
      verifyDownload(target, received.sha256, received.headerSha);
    }
    await handle.close();
    handle = undefined;
    await rename(part, target.path);
    return { sha256: received.sha256, size: received.size };
  } catch (error) {
    keep = canResume && worthResuming(error);
    throw asRelpackError(error, part);
  } finally {
    await handle?.close().catch(() => {});
    if (!keep) await rm(part, { force: true }).catch(() => {});
  }
}

/** Receives one file's bytes into an open part file, from wherever the file stands. */
class PartFileReceiver {
  private offset = 0;
  /** Bytes in the part file that an earlier run wrote, while they are still part of the file. */
  resumedBytes = 0;
  private hash: Hash = createHash('sha256');
  private headerSha?: string;
  /** The first answer's ETag or Last-Modified: a resume must continue the same file (If-Range). */
  private validator?: string;
  private readonly limit: number;
  private readonly track: (bytes: number) => void;

  constructor(
    private readonly registry: RegistryAdapter,
    private readonly ref: PackageRef,
    private readonly target: FileToFetch,
    options: FetchOptions,
    private readonly handle: FileHandle,
  ) {
    this.limit = target.size ?? options.maxFileSize;
    this.track = progressTracker(options.reporter, target.name, target.size ?? 0);
  }

  /** Hashes the `bytes` already in the part file, so that the next request asks only for the rest. */
  async resumeFrom(bytes: number): Promise<void> {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, bytes));
    for (let position = 0; position < bytes; ) {
      const { bytesRead } = await this.handle.read(buffer, 0, Math.min(buffer.length, bytes - position), position);
      if (bytesRead === 0) break;
      this.hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    this.offset = bytes;
    this.resumedBytes = bytes;
  }

  async restart(): Promise<void> {
    this.offset = 0;
    this.resumedBytes = 0;
    this.hash = createHash('sha256');
    this.validator = undefined;
    this.headerSha = undefined;
    await this.handle.truncate(0);
  }

  /** The rest of the file, with retries that resume after a broken body. */
  async receive(): Promise<{ sha256: string; size: number; headerSha?: string }> {
    const { registry, ref, target } = this;
    // A leftover that already holds every byte needs no request (a Range past the end is a 416).
    if (target.size === undefined || this.offset < target.size) {
      await registry.retrying({ method: 'GET', url: registry.fileUrl(ref, target.name) }, () => this.attempt());
    }
    return { sha256: this.hash.digest('hex'), size: this.offset, headerSha: this.headerSha };
  }

  private async attempt(): Promise<void> {
    const { registry, ref, target } = this;
    // This loop is the retry: the request itself is not retried again inside (attempts × attempts).
    const response = await registry.download(ref, target.name, { offset: this.offset, ifRange: this.validator, retry: false });
    if (this.offset > 0 && !continues(response, this.offset, target.size)) {
      // The server sent the whole file again, or another version of it: start over.
      this.offset = 0;
      this.resumedBytes = 0;
      this.hash = createHash('sha256');
      await this.handle.truncate(0);
    }
    this.validator ??= response.header('etag') ?? response.header('last-modified');
    this.headerSha = response.header('x-checksum-sha256')?.toLowerCase() ?? this.headerSha;
    const length = response.header('content-length');
    if (length && /^\d+$/.test(length) && this.offset + Number(length) > this.limit) {
      response.body.destroy();
      throw this.tooLarge();
    }
    // Socket chunks are small (~64 KiB): they are gathered into 4 MiB batches, each written
    // with one writev while the same bytes are hashed, so disk and hash overlap. Only bytes
    // both written and hashed count towards `offset`, where a resume starts.
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = async () => {
      if (batchBytes === 0) return;
      const writing = writeFully(this.handle, batch, batchBytes, this.offset);
      for (const chunk of batch) this.hash.update(chunk);
      await writing;
      this.offset += batchBytes;
      batch = [];
      batchBytes = 0;
      this.track(this.offset);
    };
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        // One byte past the bound is enough to know: stop reading, write nothing of it.
        if (this.offset + batchBytes + chunk.length > this.limit) {
          response.body.destroy();
          throw this.tooLarge();
        }
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= RECEIVE_BATCH_BYTES) await flush();
      }
      await flush();
    } catch (error) {
      if (describeLocalFailure(error)) throw error;
      if (error instanceof RelpackError) {
        // Stopped by the deadline: the bytes gathered so far (up to a batch) go into the part
        // file all the same, for the next run to resume from.
        if (error.code === 'TIMEOUT') await flush().catch(() => {});
        throw error;
      }
      // The bytes that did arrive are good (a connection breaks, it does not garble): keep
      // them, so that the resume asks only for the rest.
      await flush();
      throw new RetryableFailure(`the download of ${target.name} broke after ${this.offset} bytes`, undefined, undefined, { cause: error });
    }
    if (target.size !== undefined && this.offset < target.size) {
      throw new RetryableFailure(`the download of ${target.name} ended after ${this.offset} of ${target.size} bytes`);
    }
  }

  private tooLarge(): RelpackError {
    return this.target.size === undefined ? beyondMaximum(this.target.name, this.limit) : longerThanListed(this.target.name, this.target.size);
  }
}

/**
 * A 206 whose Content-Range starts where we stopped, and whose total (when given) is the size the
 * registry lists, continues our file (RFC 9110 §14.4: `bytes first-last/complete-length`).
 */
function continues(response: HttpResponse, offset: number, size: number | undefined): boolean {
  const range = response.header('content-range');
  if (response.status !== 206 || !range) return false;
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(range.trim());
  if (!match || Number(match[1]) !== offset) return false;
  return size === undefined || match[2] === '*' || Number(match[2]) === size;
}

/** Checks the received digest against every SHA-256 the registry and the manifest give. */
function verifyDownload(target: FileToFetch, digest: string, headerSha: string | undefined): void {
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
    if (expected && expected.toLowerCase() !== digest) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${target.name}: SHA-256 mismatch against ${source}`, {
        hint: `expected ${expected.toLowerCase()}, received ${digest}; the file was not written. Retry; if it persists, the stored file is damaged or was tampered with.`,
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
