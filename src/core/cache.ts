/**
 * The download cache: package files by SHA-256, shared by every relpack run that points at the
 * same folder (`--cache DIR`, RELPACK_CACHE_DIR), so that a version downloaded once is copied, not
 * fetched, the next time.
 *
 *   DIR/sha256/<first 2 hex>/<64 hex>        one entry: the bytes whose SHA-256 is its name
 *
 * Nothing in it is trusted: an entry is re-hashed every time it is placed, and one that does not
 * hash to its name is removed and reported as a miss (the file is then fetched). Entries appear
 * only whole, by rename from a temporary name in the same folder, so a concurrent run sees an
 * entry or none, never part of one. Only names that are hex digests (and relpack's own temporary
 * names) are ever read, written or removed: anything else in DIR is someone else's and left alone.
 *
 * Copies, not hard links: a hard link shares its bytes with the target, so a later write to the
 * downloaded file (a build step that patches it, `>>` a log) would change the cache entry too, and
 * every later run would find it corrupt. `COPYFILE_FICLONE` gives a reflink where the file system
 * can (btrfs, XFS, APFS: instant, no extra space, copy-on-write) and an ordinary copy elsewhere.
 *
 * Least recently used entries are evicted to stay under `maxBytes`: a use touches the entry's
 * mtime, eviction removes the oldest mtimes first.
 */
import { constants, lstatSync } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, realpath, rename, rm, utimes } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { RelpackError } from '../base/errors.js';
import { hashFile } from '../base/hashing.js';
import type { PackageRef, RegistryAdapter, RemoteFile } from '../registry/types.js';
import { refuseCollisions, targetPath } from './download.js';
import { mapPool } from './pool.js';
import type { TransferResult } from './progress.js';

/** Default bound on the cache's size: 5 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 5 * 1024 ** 3;

const DIGEST = /^[0-9a-f]{64}$/;
const PREFIX = /^[0-9a-f]{2}$/;
/** relpack's temporary names, in the cache and beside a target: `.relpack-cache-<pid>-<hex>.tmp`. */
const TEMP = /^\.relpack-cache-\d+-[0-9a-f]{16}\.tmp$/;
/** A temporary file older than this was left by a run that was killed: removed at eviction. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export type PlaceOutcome = 'placed' | 'miss' | 'corrupt';

export interface CacheEviction {
  removed: number;
  freedBytes: number;
  keptBytes: number;
}

function tempName(): string {
  return `.relpack-cache-${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
}

function checkDigest(sha256: string): string {
  const digest = sha256.toLowerCase();
  if (!DIGEST.test(digest)) throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
  return digest;
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as { code?: string }).code ?? '');
}

export class DownloadCache {
  readonly maxBytes: number;
  private readonly store: string;
  /** The clock a use is recorded with (a test sets it). */
  private readonly now: () => number;

  constructor(
    readonly dir: string,
    options: { maxBytes?: number; now?: () => number } = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.store = join(dir, 'sha256');
    this.now = options.now ?? Date.now;
  }

  /** Where the entry for `sha256` lives (whether or not it is there). */
  entryPath(sha256: string): string {
    const digest = checkDigest(sha256);
    return join(this.store, digest.slice(0, 2), digest);
  }

  /** The entry's path when the cache holds a regular file for `sha256`; a hit counts as a use. */
  async lookup(sha256: string): Promise<string | undefined> {
    const path = this.entryPath(sha256);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    await this.touch(path);
    return path;
  }

  /**
   * Copies the entry for `sha256` to `target`: into a temporary name beside it (created
   * exclusively, so never through a link someone put there), re-hashed there, and renamed into
   * place only when it hashes to `sha256`. A corrupt entry is removed and nothing is placed.
   */
  async place(sha256: string, target: string): Promise<PlaceOutcome> {
    const digest = checkDigest(sha256);
    const entry = await this.lookup(digest);
    if (!entry) return 'miss';
    const temp = join(dirname(target), tempName());
    try {
      try {
        await copyFile(entry, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      } catch (error) {
        // Evicted by a concurrent run between lookup and copy: a miss like any other.
        if (isCode(error, 'ENOENT') && !(await lstat(entry).catch(() => undefined))) return 'miss';
        throw error;
      }
      // The bytes that would be placed are the ones hashed: a reflink, a copy, and a cache
      // entry changed under us are all judged by what landed.
      if ((await hashFile(temp)) !== digest) {
        await rm(entry, { force: true });
        return 'corrupt';
      }
      await rename(temp, target);
      return 'placed';
    } finally {
      await rm(temp, { force: true }).catch(() => {});
    }
  }

  /**
   * Adds `source` (a file just downloaded and verified as `sha256`) unless the cache holds it
   * already: copied to a temporary name in its folder, then renamed, so that a concurrent run
   * sees the whole entry or none. Files larger than the whole cache are not added.
   */
  async add(sha256: string, source: string): Promise<boolean> {
    const path = this.entryPath(sha256);
    const info = await lstat(source);
    if (!info.isFile() || info.size > this.maxBytes) return false;
    const existing = await lstat(path).catch(() => undefined);
    if (existing?.isFile()) {
      await this.touch(path);
      return false;
    }
    const folder = dirname(path);
    if (!(await this.safeFolder(folder, true))) return false;
    const temp = join(folder, tempName());
    try {
      await copyFile(source, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      await rename(temp, path);
    } finally {
      await rm(temp, { force: true }).catch(() => {});
    }
    await this.touch(path);
    return true;
  }

  /**
   * Removes the least recently used entries until the cache holds at most `maxBytes`, and
   * relpack's temporary files that a killed run left (older than an hour). Nothing else in the
   * folder is looked at: only `sha256/<2 hex>/<64 hex>` regular files count and go.
   */
  async evict(): Promise<CacheEviction> {
    const entries: { path: string; size: number; mtimeMs: number }[] = [];
    if (!(await this.safeFolder(this.store, false))) return { removed: 0, freedBytes: 0, keptBytes: 0 };
    for (const prefix of await readdir(this.store).catch(() => [] as string[])) {
      if (!PREFIX.test(prefix)) continue;
      const folder = join(this.store, prefix);
      if (!(await lstat(folder).catch(() => undefined))?.isDirectory()) continue;
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        const path = join(folder, name);
        if (TEMP.test(name)) {
          const info = await lstat(path).catch(() => undefined);
          if (info?.isFile() && this.now() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
          continue;
        }
        if (!DIGEST.test(name) || !name.startsWith(prefix)) continue;
        const info = await lstat(path).catch(() => undefined);
        if (info?.isFile()) entries.push({ path, size: info.size, mtimeMs: info.mtimeMs });
      }
    }
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    // Oldest use first; equal times by name, so that every run picks the same victims.
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
    let removed = 0;
    let freedBytes = 0;
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      await rm(entry.path, { force: true });
      total -= entry.size;
      freedBytes += entry.size;
      removed++;
    }
    return { removed, freedBytes, keptBytes: total };
  }

  private async touch(path: string): Promise<void> {
    const at = new Date(this.now());
    // A concurrent eviction may have removed it: then there is nothing to touch.
    await utimes(path, at, at).catch(() => {});
  }

  /**
   * True when `folder` (DIR/sha256 or DIR/sha256/xx) and DIR/sha256 are real directories, not
   * links that would send writes and removals elsewhere; with `create`, missing ones are made.
   */
  private async safeFolder(folder: string, create: boolean): Promise<boolean> {
    for (const path of folder === this.store ? [this.store] : [this.store, folder]) {
      let info = await lstat(path).catch(() => undefined);
      if (!info && create) {
        // DIR itself is the user's to create anywhere; below it, one level at a time, so that
        // nothing is created through a link.
        await mkdir(path, { recursive: path === this.store }).catch((error) => {
          if (!isCode(error, 'EEXIST')) throw error;
        });
        info = await lstat(path).catch(() => undefined);
      }
      if (!info?.isDirectory()) return false;
    }
    return true;
  }
}

// --- a download through the cache --------------------------------------------------------------

export interface CachePlacement {
  /** Files placed from the cache, by target path, with what was placed there (to undo it). */
  placed: Map<string, { name: string; ino: number; dev: number }>;
  /** Cache entries that did not hash to their name: removed, their files fetched instead. */
  corrupt: string[];
}

/**
 * Before a download: every wanted file whose listed SHA-256 the cache holds is placed at its
 * target, where downloadPackage then finds it present with that SHA-256 and skips it without
 * fetching its body. Only empty spots are filled: a file (or a link, a directory) already at a
 * target is downloadPackage's to judge. Every name is checked by targetPath, and the collisions
 * of case-insensitive file systems refused, before anything is written; parent folders are
 * created as downloadPackage creates them, never through a link that leads out of `outDir`.
 */
export async function placeFromCache(
  cache: DownloadCache,
  registry: RegistryAdapter,
  options: { ref: PackageRef; files: string[]; outDir: string; concurrency?: number },
): Promise<CachePlacement> {
  const placement: CachePlacement = { placed: new Map(), corrupt: [] };
  let listed: RemoteFile[];
  try {
    listed = await registry.listFiles(options.ref);
  } catch (error) {
    // downloadPackage lists again and says what is wrong (or fetches named files unlisted).
    if (error instanceof RelpackError && error.code === 'NOT_FOUND') return placement;
    throw error;
  }
  const wanted =
    options.files.length === 0
      ? listed
      : options.files.flatMap((name) => {
          const matches = listed.filter((file) => registry.sameFileName(file.fileName, name));
          return matches.length === 1 ? matches : [];
        });
  const outDir = resolve(options.outDir);
  const targets = wanted
    .filter((file) => file.sha256 && DIGEST.test(file.sha256.toLowerCase()))
    .map((file) => ({ file, name: file.fileName, path: targetPath(outDir, file.fileName, { fromRegistry: true }) }));
  refuseCollisions(targets);
  await mkdir(outDir, { recursive: true });
  const realRoot = await realpath(outDir);
  await mapPool(targets, options.concurrency ?? 4, async ({ file, path }) => {
    const sha256 = (file.sha256 as string).toLowerCase();
    if (!(await cache.lookup(sha256))) return;
    if (!(await safeParent(outDir, realRoot, file.fileName))) return;
    if (lstatSync(path, { throwIfNoEntry: false })) return;
    const outcome = await cache.place(sha256, path);
    if (outcome === 'corrupt') placement.corrupt.push(file.fileName);
    if (outcome !== 'placed') return;
    const info = await lstat(path);
    placement.placed.set(path, { name: file.fileName, ino: info.ino, dev: info.dev });
  });
  return placement;
}

/**
 * Creates the folders on the way to `name` under outDir as downloadPackage's OutputTree does: an
 * existing one must resolve inside outDir (a link out of it is refused, by downloadPackage, with
 * its own error: here the file is simply not placed), missing ones are created from there down.
 */
async function safeParent(outDir: string, realRoot: string, name: string): Promise<boolean> {
  let ancestor = outDir;
  for (const segment of name.split('/').slice(0, -1)) {
    ancestor = join(ancestor, segment);
    const info = await lstat(ancestor).catch(() => undefined);
    if (!info) {
      await mkdir(dirname(join(outDir, ...name.split('/'))), { recursive: true });
      return true;
    }
    const real = await realpath(ancestor);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return false;
    if (!(await lstat(real)).isDirectory()) return false;
  }
  return true;
}

/**
 * After a download that failed: the files placed from the cache are taken out again, where they
 * are still what was placed, so that the folder holds what downloadPackage's error says it does
 * (it may refuse a file before fetching it, "nothing was written for this file").
 */
export async function undoPlacement(placement: CachePlacement): Promise<void> {
  for (const [path, placed] of placement.placed) {
    const info = await lstat(path).catch(() => undefined);
    if (info && info.ino === placed.ino && info.dev === placed.dev) await rm(path, { force: true });
  }
}

/**
 * After a verified download: each file fetched (not skipped, not placed) is added to the cache,
 * then the cache is evicted to its bound. A file downloaded without verification is never added.
 */
export async function keepInCache(
  cache: DownloadCache,
  files: TransferResult[],
  options: { verified: boolean; warn: (message: string) => void },
): Promise<{ added: number; eviction?: CacheEviction }> {
  // The download itself succeeded: a cache that cannot be written (full, read-only) is a warning.
  const warn = (what: string, error: unknown) => options.warn(`the download cache ${cache.dir}: ${what}: ${(error as Error).message ?? error}`);
  let added = 0;
  if (options.verified) {
    for (const file of files) {
      if (file.status !== 'downloaded' || !file.path || !DIGEST.test(file.sha256.toLowerCase())) continue;
      try {
        if (await cache.add(file.sha256, file.path)) added++;
      } catch (error) {
        warn(`${file.name} was not added`, error);
      }
    }
  }
  try {
    return { added, eviction: await cache.evict() };
  } catch (error) {
    warn('eviction failed', error);
    return { added };
  }
}
