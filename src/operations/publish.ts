/** publish: files, directories and globs -> one package version (core/publish.ts), connected and closed here. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../base/errors.js';
import { ARCHIVE_FORMATS, type ArchiveFormat, archiveMtime, createArchive } from '../core/archive.js';
import { expandInputs } from '../core/local-files.js';
import { publishFiles, type IfExists, type PublishResult } from '../core/publish.js';
import type { ConnectionInput } from '../options/connection.js';
import type { PackageRef } from '../registry/types.js';
import type { ReleaseOutcome } from '../core/release-links.js';
import { packageVersion, withRegistry } from './connect.js';
import type { OperationContext } from './context.js';
import { linkPublished, planRelease, plannedRelease, releaseTag, withReleaseStore, type ReleasePlan, type ReleaseSettings } from './release.js';

/** What to send and how: shared by a publish and a bump. */
export interface FilesRequest {
  files: string[];
  concurrency: number;
  /** Manifest file name, or null for none. */
  checksums: string | null;
  hidden: boolean;
  includeHidden: boolean;
  /**
   * Follow symbolic links that lead out of a published directory (or a glob's base) and publish
   * what they point to; without it such a link stops the publish (core/local-files.ts).
   */
  followSymlinks?: boolean;
  dryRun: boolean;
}

/** How core sends the files of a request: the part of core's options a publish and a bump share. */
export function sendOptions(request: FilesRequest) {
  const { files, concurrency, checksums, hidden, includeHidden, followSymlinks, dryRun } = request;
  return { inputs: files, concurrency, checksums, hidden, includeHidden, followSymlinks, dryRun };
}

export interface PublishRequest extends FilesRequest {
  connection: ConnectionInput;
  name: string;
  /** Empty or omitted: the tag this pipeline runs for, by the tag rule (`v1.4.2` -> `1.4.2`). */
  version?: string;
  ifExists: IfExists;
  /**
   * Publish the inputs as one reproducible archive (core/archive.ts) instead of file by file: the
   * same inputs give the same bytes, so a re-run is skipped as identical. Entries' mtime:
   * SOURCE_DATE_EPOCH, else 1980-01-01T00:00:02Z.
   */
  archive?: ArchiveFormat;
  /** The archive's file name in the package. Default `NAME-VERSION.tar.gz` (or `.zip`). */
  archiveName?: string;
  /** Link the published files to the release of a tag (`--release`). */
  release?: ReleaseSettings;
}

/** A publish's result, with the release it linked (`--release`). */
export interface PublishOutcome extends PublishResult {
  release?: ReleaseOutcome;
}

export async function publish(ctx: OperationContext, request: PublishRequest): Promise<PublishOutcome> {
  const ref = { name: request.name, version: packageVersion(ctx, request.version, 'publish') };
  if (request.files.length === 0) throw usageError('publish needs at least one file, directory or glob');
  const plan = request.release ? await planRelease(ctx, request.release, request.connection, ref.version) : undefined;
  // empty is file by file, as the declaration's default (component.yml) says
  if (request.archive) return publishArchive(ctx, request, ref, request.archive, plan);
  return publishInputs(ctx, request, ref, request.files, ctx.cwd, plan);
}

/**
 * Publishes `inputs` (relative to `cwd`) as the version's files, through core/publish.ts; with a
 * release plan, first checks that the release can be written, and after the verified publish links
 * the version's files to it.
 */
function publishInputs(ctx: OperationContext, request: PublishRequest, ref: PackageRef, inputs: string[], cwd: string, plan: ReleasePlan | undefined): Promise<PublishOutcome> {
  return withRegistry(ctx, request.connection, async (registry, connection) => {
    const send = () => publishFiles(registry, { ref, ...sendOptions(request), inputs, cwd, ifExists: request.ifExists }, ctx.reporter);
    if (!plan) return send();
    registry.validateRef(ref);
    const tag = releaseTag(plan, ref.version);
    return withReleaseStore(ctx, connection, request.dryRun ? undefined : tag, async (releases) => {
      const result = await send();
      if (result.dryRun) return { ...result, release: plannedRelease(registry, releases, ref, plan, result.files.map((file) => file.name), request.checksums) };
      return { ...result, release: await linkPublished(ctx, registry, releases, ref, plan, request.concurrency) };
    });
  });
}

/**
 * `archive`: the inputs, expanded by the same rules as a publish (hidden files, links), packed in
 * a temporary folder and published as one file; the folder is removed whatever happens. Bad input
 * (the format, the name, SOURCE_DATE_EPOCH) is refused before anything is read or sent.
 */
async function publishArchive(ctx: OperationContext, request: PublishRequest, ref: PackageRef, format: string, plan: ReleasePlan | undefined): Promise<PublishOutcome> {
  if (!(ARCHIVE_FORMATS as readonly string[]).includes(format)) throw usageError(`--archive must be tar.gz or zip, not ${JSON.stringify(format)}`);
  const fileName = request.archiveName || `${ref.name}-${ref.version}.${format}`;
  if (/[/\\]/.test(fileName) || fileName === '.' || fileName === '..') throw usageError(`--archive-name must be a file name without folders, not ${JSON.stringify(fileName)}`);
  const mtime = archiveMtime(ctx.env.SOURCE_DATE_EPOCH);
  if (!mtime) throw usageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, not ${JSON.stringify(ctx.env.SOURCE_DATE_EPOCH)}`, 'unset it to use 1980-01-01T00:00:02Z');
  const expanded = await expandInputs(request.files, ctx.cwd, { includeHidden: request.includeHidden, followSymlinks: request.followSymlinks });
  const dir = await mkdtemp(join(tmpdir(), 'relpack-archive-'));
  try {
    const archive = await createArchive(expanded.files, format as ArchiveFormat, join(dir, fileName), { mtime });
    ctx.reporter.info(`archived   ${expanded.files.length} files as ${fileName} (${archive.size} bytes)`);
    const result = await publishInputs(ctx, request, ref, [fileName], dir, plan);
    return { ...result, leftOut: expanded.leftOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
