/**
 * download: a version (or a range: `^1.4`, `latest`), resolved against what the registry holds,
 * into a folder, every file verified (core/download.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { usageError } from '../base/errors.js';
import { formatBytes, parseByteSize } from '../base/format.js';
import { DEFAULT_CACHE_MAX_BYTES, DownloadCache, keepInCache, placeFromCache, undoPlacement } from '../core/cache.js';
import { archivesAmong, EXTRACT_NEEDS_ARCHIVE, type ExtractedArchive, extractArchives } from '../core/archive.js';
import { DEFAULT_MAX_FILE_SIZE, downloadPackage, type DownloadResult } from '../core/download.js';
import { resolveVersion } from '../core/release.js';
import type { ConnectionInput } from '../options/connection.js';
import type { PackageRef, RegistryAdapter } from '../registry/types.js';
import { withRegistry } from './connect.js';
import type { OperationContext } from './context.js';

export interface DownloadRequest {
  connection: ConnectionInput;
  name: string;
  /** An exact version, a semver range, `latest` or `latest-prerelease`. */
  version: string;
  /** File names to fetch; empty for the whole version. */
  files: string[];
  /** The folder, relative to the context's cwd. */
  out: string;
  concurrency: number;
  verify: boolean;
  /** The manifest to check against, or null for none. */
  checksums: string | null;
  /**
   * Bytes a file may have when the registry lists no size for it (`--max-size`); a listed size
   * bounds its file itself. Default: RELPACK_MAX_FILE_SIZE, else 50 GiB.
   */
  maxFileSize?: number | string;
  /**
   * After the version is downloaded and verified, extract its archives (`*.tar.gz`, `*.tgz`,
   * `*.zip`) into `out` (core/archive.ts: all or nothing, no links, no names out of `out`; the
   * archive stays next to what it held). Each archive may expand to at most the maximum file size.
   */
  extract?: boolean;
  /**
   * The download cache's folder (`--cache`): files are copied from it, verified, instead of
   * fetched, and each file fetched is added (core/cache.ts). Default: RELPACK_CACHE_DIR, else none.
   */
  cache?: string;
  /** The most the cache may hold (`--cache-max`: `5GiB`, `512MiB`, bytes). Default 5 GiB. */
  cacheMax?: number | string;
}

export interface DownloadOperationResult extends DownloadResult {
  /** The range asked for, when the version was resolved from one. */
  versionSpec?: string;
  /** With `extract`: what each archive placed in `out`. */
  extracted?: ExtractedArchive[];
}

export async function download(ctx: OperationContext, request: DownloadRequest): Promise<DownloadOperationResult> {
  if (!request.version) throw usageError('download needs a version', 'pass --version: an exact version, a range such as ^1.4, or latest');
  if (!request.out) throw usageError('download needs a folder to write to', 'pass --out DIR');
  const outDir = isAbsolute(request.out) ? request.out : resolve(ctx.cwd, request.out);
  const maxFileSize = resolveMaxFileSize(request.maxFileSize, ctx.env);
  if (request.extract && request.files.length > 0 && archivesAmong(request.files).length === 0) {
    throw usageError(EXTRACT_NEEDS_ARCHIVE, `none of ${request.files.join(', ')} ends in .tar.gz, .tgz or .zip`);
  }
  const cache = resolveCache(request, ctx);
  return withRegistry(ctx, request.connection, async (registry) => {
    const resolved = await resolveVersion(registry, request.name, request.version);
    if (resolved.resolved) ctx.reporter.info(`--version ${resolved.spec} resolved to ${resolved.version}`);
    const ref = { name: request.name, version: resolved.version };
    if (request.extract && request.files.length === 0) await refuseExtractWithoutArchive(registry, ref);
    // Only a verifying download skips a file already present, so only one uses the cache.
    const placement = cache && request.verify ? await placeFromCache(cache, registry, { ref, files: request.files, outDir }) : undefined;
    for (const name of placement?.corrupt ?? []) ctx.reporter.warn(`${name}: its cache entry did not match its SHA-256; removed, and the file fetched again`);
    let result: DownloadResult;
    try {
      result = await downloadPackage(
        registry,
        { ref, files: request.files, outDir, concurrency: request.concurrency, verify: request.verify, checksums: request.checksums, maxFileSize },
        ctx.reporter,
      );
    } catch (error) {
      if (placement) await undoPlacement(placement);
      throw error;
    }
    if (cache) await keepInCache(cache, result.files, { verified: request.verify, warn: (message) => ctx.reporter.warn(message) });
    if (request.extract) {
      const archives = result.files.filter((file) => archivesAmong([file.name]).length > 0 && file.path);
      if (archives.length === 0) throw usageError(EXTRACT_NEEDS_ARCHIVE, 'download without --extract, or publish the version with --archive');
      const extracted = await extractArchives(outDir, archives.map((file) => ({ name: file.name, path: file.path as string })), { maxBytes: maxFileSize });
      for (const one of extracted) ctx.reporter.info(`extracted  ${one.archive}: ${one.files} files into ${outDir}`);
      return { ...result, ...(resolved.resolved ? { versionSpec: resolved.spec } : {}), extracted };
    }
    return resolved.resolved ? { ...result, versionSpec: resolved.spec } : result;
  });
}

/** The cache the request names, else RELPACK_CACHE_DIR's, else none; its bound, else 5 GiB. */
export function resolveCache(request: Pick<DownloadRequest, 'cache' | 'cacheMax'>, ctx: { env: NodeJS.ProcessEnv; cwd: string }): DownloadCache | undefined {
  let maxBytes = DEFAULT_CACHE_MAX_BYTES;
  if (typeof request.cacheMax === 'string') {
    const bytes = parseByteSize(request.cacheMax);
    if (bytes === undefined || bytes <= 0) throw usageError(`--cache-max must be a size such as 5GiB, 512MiB or a number of bytes, not ${JSON.stringify(request.cacheMax)}`);
    maxBytes = bytes;
  } else if (request.cacheMax !== undefined) {
    if (!Number.isSafeInteger(request.cacheMax) || request.cacheMax <= 0) throw usageError(`the cache's maximum must be a whole number of bytes above 0, not ${request.cacheMax}`);
    maxBytes = request.cacheMax;
  }
  const dir = request.cache || ctx.env.RELPACK_CACHE_DIR?.trim();
  if (!dir) return undefined;
  return new DownloadCache(isAbsolute(dir) ? dir : resolve(ctx.cwd, dir), { maxBytes });
}

/**
 * `--extract` of a whole version that holds no archive is bad usage: said from the listing, before
 * any file is fetched (one listing request more). A listing that fails is left to the download,
 * which says why (a hidden GitLab package is not listed, for one).
 */
async function refuseExtractWithoutArchive(registry: RegistryAdapter, ref: PackageRef): Promise<void> {
  const listed = await registry.listFiles(ref).catch(() => undefined);
  if (listed && listed.length > 0 && archivesAmong(listed.map((file) => file.fileName)).length === 0) {
    throw usageError(EXTRACT_NEEDS_ARCHIVE, `${ref.name} ${ref.version} holds ${listed.length} files, none ending in .tar.gz, .tgz or .zip`);
  }
}

/** The request's maximum, else RELPACK_MAX_FILE_SIZE (`50GiB`, `512MiB`, bytes), else 50 GiB. */
export function resolveMaxFileSize(requested: number | string | undefined, env: NodeJS.ProcessEnv): number {
  if (typeof requested === 'string') {
    const bytes = parseByteSize(requested);
    if (bytes === undefined || bytes <= 0) throw usageError(`--max-size must be a size such as 50GiB, 512MiB or a number of bytes, not ${JSON.stringify(requested)}`);
    return bytes;
  }
  if (requested !== undefined) {
    if (!Number.isSafeInteger(requested) || requested <= 0) throw usageError(`the maximum file size must be a whole number of bytes above 0, not ${requested}`);
    return requested;
  }
  const raw = env.RELPACK_MAX_FILE_SIZE;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_FILE_SIZE;
  const bytes = parseByteSize(raw);
  if (bytes === undefined || bytes <= 0) {
    throw usageError(`RELPACK_MAX_FILE_SIZE must be a size such as 50GiB, 512MiB or a number of bytes, not ${JSON.stringify(raw)}`, `the default is ${formatBytes(DEFAULT_MAX_FILE_SIZE)}`);
  }
  return bytes;
}
