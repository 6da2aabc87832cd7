/**
 * download: one package version (or named files of it) -> a directory tree, every file verified
 * against the registry's SHA-256 and against SHA256SUMS when the version has one.
 */
import { lstatSync, type Stats } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { PackageRef, RegistryAdapter, RemoteFile } from '../registry/types.js';
import { RelpackError } from '../base/errors.js';
import { hashFile, sha256 } from '../base/hashing.js';
import { DEFAULT_MANIFEST, MAX_MANIFEST_BYTES, parseManifest } from '../base/manifest.js';
import { findListedFile, versionNotFound } from './list.js';
import { mapPool } from './pool.js';
import type { Reporter, TransferResult } from './progress.js';
import { readSmallFile } from '../registry/small-file.js';
import { downloadFile } from './transfer.js';

export interface DownloadOptions {
  ref: PackageRef;
  /** File names to fetch; empty for the whole version. */
  files: string[];
  outDir: string;
  concurrency: number;
  verify: boolean;
  /** Name of the manifest to verify against when the version has one. */
  checksums?: string;
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
  const manifestName = options.checksums ?? DEFAULT_MANIFEST;
  registry.validateRef(ref);
  for (const name of options.files) {
    registry.validateFileName(name);
    targetPath(options.outDir, name);
  }
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });

  const listed = await registry.listFiles(ref);
  const wanted = selectFiles(registry, ref, listed, options.files);
  refuseCollisions(wanted.map((file) => ({ name: file.fileName, path: targetPath(outDir, file.fileName) })));

  let manifest: Map<string, string> | undefined;
  const manifestFile = listed.find((file) => registry.sameFileName(file.fileName, manifestName));
  if (options.verify && manifestFile) manifest = await readManifest(registry, ref, manifestFile);

  const tree = new OutputTree(outDir);
  const results = await mapPool(wanted, options.concurrency, async (file): Promise<TransferResult> => {
    const { path, existing } = await tree.prepare(file.fileName);
    const fromManifest = manifest && !registry.sameFileName(file.fileName, manifestName) ? lookup(registry, manifest, file.fileName) : undefined;
    if (file.sha256 && fromManifest && file.sha256.toLowerCase() !== fromManifest) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${file.fileName}: the registry and ${manifestName} disagree about its SHA-256`, {
        hint: `the registry lists ${file.sha256}, ${manifestName} says ${fromManifest}; the package was changed after it was published. Nothing was written for this file.`,
      });
    }
    const expected = file.sha256?.toLowerCase() ?? fromManifest;
    const url = registry.fileUrl(ref, file.fileName);
    if (expected && options.verify && existing?.isFile() && (await hashFile(path)) === expected) {
      const result: TransferResult = { name: file.fileName, path, size: file.size ?? 0, sha256: expected, url, status: 'skipped', note: 'already present with the right SHA-256' };
      reporter.done(result);
      return result;
    }
    reporter.start('downloading', file.fileName, file.size ?? 0);
    const got = await downloadFile(registry, ref, { name: file.fileName, path, size: file.size, verify: options.verify, expected: { registry: file.sha256, manifest: fromManifest } }, reporter);
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

function lookup(registry: RegistryAdapter, manifest: Map<string, string>, name: string): string | undefined {
  const exact = manifest.get(name);
  if (exact) return exact;
  for (const [entry, digest] of manifest) if (registry.sameFileName(entry, name)) return digest;
  return undefined;
}

async function readManifest(registry: RegistryAdapter, ref: PackageRef, file: RemoteFile): Promise<Map<string, string>> {
  if ((file.size ?? 0) > MAX_MANIFEST_BYTES) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${file.fileName} is ${file.size} bytes, too large to be a checksum manifest`);
  }
  const { data, headerSha256 } = await readSmallFile(registry, ref, file.fileName, MAX_MANIFEST_BYTES);
  const digest = sha256(data);
  const expected = file.sha256 ?? headerSha256;
  if (expected && expected.toLowerCase() !== digest) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${file.fileName}: SHA-256 mismatch against the registry`, { hint: `expected ${expected}, received ${digest}` });
  }
  return parseManifest(data.toString('utf8'), file.fileName);
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
 * segments, backslashes or NUL are refused: a package must not write outside --out.
 */
export function targetPath(outDir: string, name: string): string {
  const segments = name.split('/');
  if (
    name === '' ||
    isAbsolute(name) ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: it would be written outside the output directory`, {
      hint: 'package file names must be relative paths without "." or ".." segments',
    });
  }
  const root = resolve(outDir);
  const target = resolve(root, ...segments);
  if (!target.startsWith(root + sep)) {
    throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: it resolves outside ${root}`);
  }
  return target;
}

/**
 * targetPath, plus: no directory on the way may be a link that leads out of outDir, and nothing is
 * created through one. Directories already checked or created are remembered, so a package of
 * many files in few directories costs a few checks, not a few per file.
 */
class OutputTree {
  private realRoot?: string;
  private readonly safeDirs = new Set<string>();

  constructor(private readonly root: string) {}

  /** The target path, and what is there now (a regular file may be reused; a link is refused). */
  async prepare(name: string): Promise<{ path: string; existing?: Stats }> {
    const target = targetPath(this.root, name);
    this.realRoot ??= await realpath(this.root);
    let ancestor = this.root;
    for (const segment of name.split('/').slice(0, -1)) {
      ancestor = join(ancestor, segment);
      if (this.safeDirs.has(ancestor)) continue;
      const info = await lstat(ancestor).catch(() => undefined);
      if (!info) {
        // From here down nothing exists: create it, and it is ours.
        await mkdir(dirname(target), { recursive: true });
        for (let dir = dirname(target); dir.length >= ancestor.length; dir = dirname(dir)) this.safeDirs.add(dir);
        break;
      }
      const real = await realpath(ancestor);
      if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) {
        throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${ancestor} is a link to ${real}, outside the output directory`);
      }
      if (!info.isDirectory() && !info.isSymbolicLink()) {
        throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${ancestor} exists and is not a directory`);
      }
      this.safeDirs.add(ancestor);
    }
    // Synchronous and without an exception for the usual answer (nothing there yet): one cached
    // lookup, where the promise and the ENOENT error cost more than the lookup itself.
    const existing = lstatSync(target, { throwIfNoEntry: false });
    if (existing?.isSymbolicLink()) {
      throw new RelpackError('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${target} is a symbolic link`, { hint: 'remove the link, or download into an empty directory' });
    }
    return { path: target, existing };
  }
}
