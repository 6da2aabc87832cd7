/** publish: files, directories and globs -> one package version (core/publish.ts), connected and closed here. */
import { usageError } from '../base/errors.js';
import { publishFiles, type IfExists, type PublishResult } from '../core/publish.js';
import { versionFromTag } from '../core/versioning.js';
import type { ConnectionInput } from '../options/connection.js';
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

export interface PublishRequest extends FilesRequest {
  connection: ConnectionInput;
  name: string;
  /** Empty or omitted: the tag this pipeline runs for, by the tag rule (`v1.4.2` -> `1.4.2`). */
  version?: string;
  ifExists: IfExists;
}

export async function publish(ctx: OperationContext, request: PublishRequest): Promise<PublishResult> {
  const ref = { name: request.name, version: packageVersion(ctx, request.version, 'publish') };
  if (request.files.length === 0) throw usageError('publish needs at least one file, directory or glob');
  return withRegistry(ctx, request.connection, (registry) =>
    publishFiles(
      registry,
      {
        ref,
        inputs: request.files,
        cwd: ctx.cwd,
        ifExists: request.ifExists,
        concurrency: request.concurrency,
        checksums: request.checksums,
        hidden: request.hidden,
        includeHidden: request.includeHidden,
        followSymlinks: request.followSymlinks,
        dryRun: request.dryRun,
      },
      ctx.reporter,
    ),
  );
}

/** The version as given, else the pipeline's tag by the tag rule; a usage error when there is neither. */
export function packageVersion(ctx: OperationContext, given: string | undefined, command: string): string {
  if (given) return given;
  const tag = ciTag(ctx);
  if (tag) return versionFromTag(tag);
  throw usageError(`${command} needs a version`, 'pass --version, or run in a tag pipeline: the tag is the version (v1.4.2 as 1.4.2)');
}
