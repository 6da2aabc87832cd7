/** publish: files, directories and globs -> one package version (core/publish.ts), connected and closed here. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../base/errors.js';
import { ARCHIVE_FORMATS, type ArchiveFormat, archiveMtime, createArchive } from '../core/archive.js';
import { expandInputs } from '../core/local-files.js';
import { publishFiles, type IfExists, type PublishResult } from '../core/publish.js';
import { versionFromTag } from '../core/versioning.js';
import type { ConnectionInput } from '../options/connection.js';
import type { PackageRef } from '../registry/types.js';
import { ciTag, withRegistry } from './connect.js';
import type { OperationContext } from './context.js';

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
}

export async function publish(ctx: OperationContext, request: PublishRequest): Promise<PublishResult> {
  const ref = { name: request.name, version: packageVersion(ctx, request.version, 'publish') };
  if (request.files.length === 0) throw usageError('publish needs at least one file, directory or glob');
  // empty is file by file, as the declaration's default (component.yml) says
  if (request.archive) return publishArchive(ctx, request, ref, request.archive);
  return publishInputs(ctx, request, ref, request.files, ctx.cwd);
}

/** Publishes `inputs` (relative to `cwd`) as the version's files, through core/publish.ts. */
function publishInputs(ctx: OperationContext, request: PublishRequest, ref: PackageRef, inputs: string[], cwd: string): Promise<PublishResult> {
  return withRegistry(ctx, request.connection, (registry) =>
    publishFiles(
      registry,
      {
        ref,
        ...sendOptions(request),
        inputs,
        cwd,
        ifExists: request.ifExists,
      },
      ctx.reporter,
    ),
  );
}

/**
 * `archive`: the inputs, expanded by the same rules as a publish (hidden files, links), packed in
 * a temporary folder and published as one file; the folder is removed whatever happens. Bad input
 * (the format, the name, SOURCE_DATE_EPOCH) is refused before anything is read or sent.
 */
async function publishArchive(ctx: OperationContext, request: PublishRequest, ref: PackageRef, format: string): Promise<PublishResult> {
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
    const result = await publishInputs(ctx, request, ref, [fileName], dir);
    return { ...result, leftOut: expanded.leftOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The version as given, else the pipeline's tag by the tag rule; a usage error when there is neither. */
export function packageVersion(ctx: OperationContext, given: string | undefined, command: string): string {
  if (given) return given;
  const tag = ciTag(ctx);
  if (tag) return versionFromTag(tag);
  throw usageError(`${command} needs a version`, 'pass --version, or run in a tag pipeline: the tag is the version (v1.4.2 as 1.4.2)');
}
