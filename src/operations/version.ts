/**
 * Versions kept in a CI/CD variable: `bump` (publish under the next version, then write it back,
 * core/release.ts) and the three steps for pipelines that split it: show, next, commit.
 */
import { usageError } from '../base/errors.js';
import {
  commitVersion,
  nextVersion,
  publishNextVersion,
  showVersion,
  type CommitResult,
  type CurrentVersion,
  type NextVersion,
  type ReleaseResult,
  type VersionOptions,
} from '../core/release.js';
import { DEFAULT_INITIAL_VERSION, type BumpLevel, type VersionSource } from '../core/versioning.js';
import type { ConnectionInput } from '../options/connection.js';
import { ciTag, withRegistry, withVersionStore, type VersionStoreRequest } from './connect.js';
import type { ReleaseOutcome } from '../core/release-links.js';
import { sendOptions, type FilesRequest } from './publish.js';
import type { OperationContext } from './context.js';
import { linkPublished, planRelease, plannedRelease, withReleaseStore, type ReleaseSettings } from './release.js';

export interface VersionRequest {
  connection: ConnectionInput;
  name: string;
  /** Where the current version comes from; default: the variable when one is named, else the registry. */
  from?: VersionSource;
  store: VersionStoreRequest;
  /** The version before the first bump, when the variable does not exist. */
  initialVersion?: string;
}

export interface BumpRequest extends VersionRequest, FilesRequest {
  bump?: BumpLevel;
  preid?: string;
  /** Link the published files to the release of a tag (default: the pipeline's tag, else the new version). */
  release?: ReleaseSettings;
}

/** A bump's result, with the release it linked. */
export interface BumpOutcome extends ReleaseResult {
  release?: ReleaseOutcome;
}

function versionOptions(ctx: OperationContext, request: VersionRequest): VersionOptions {
  return {
    name: request.name,
    from: request.from ?? (request.store.variable ? 'variable' : 'registry'),
    variable: request.store.variable,
    tag: ciTag(ctx),
    initialVersion: request.initialVersion ?? DEFAULT_INITIAL_VERSION,
    cwd: ctx.cwd,
  };
}

/**
 * Publishes the next version, verifies it, and only then writes the variable (compare-and-set).
 * With `release`, the token's right to write the release is checked before anything is sent, and
 * the release is linked once the variable holds the new version.
 */
export async function bump(ctx: OperationContext, request: BumpRequest): Promise<BumpOutcome> {
  if (request.files.length === 0) throw usageError('publish needs at least one file, directory or glob');
  const options = versionOptions(ctx, request);
  const plan = request.release ? await planRelease(ctx, request.release, request.connection) : undefined;
  return withRegistry(ctx, request.connection, (registry, connection) =>
    withVersionStore(ctx, request.store, connection, async (store) => {
      const publishNext = () => publishNextVersion(registry, store, { ...options, bump: request.bump, preid: request.preid, ...sendOptions(request) }, ctx.reporter);
      if (!plan) return publishNext();
      // The tag is not known yet when it defaults to the version this bump computes: the check
      // then asks about writing releases at all.
      return withReleaseStore(ctx, connection, request.dryRun ? undefined : (plan.tag ?? null), async (releases): Promise<BumpOutcome> => {
        const result = await publishNext();
        const ref = { name: request.name, version: result.version };
        if (result.dryRun) return { ...result, release: plannedRelease(registry, releases, ref, plan, result.files.map((file) => file.name), request.checksums) };
        return { ...result, release: await linkPublished(ctx, registry, releases, ref, plan, request.concurrency, result.variable?.name) };
      });
    }),
  );
}

export async function showCurrentVersion(ctx: OperationContext, request: VersionRequest): Promise<CurrentVersion> {
  const options = versionOptions(ctx, request);
  return withRegistry(ctx, request.connection, (registry, connection) => withVersionStore(ctx, request.store, connection, (store) => showVersion(registry, store, options)));
}

export async function showNextVersion(ctx: OperationContext, request: VersionRequest & { bump?: BumpLevel; preid?: string }): Promise<NextVersion> {
  const options = versionOptions(ctx, request);
  if (!request.bump && options.from !== 'tag') throw usageError('version next needs --bump LEVEL');
  return withRegistry(ctx, request.connection, (registry, connection) =>
    withVersionStore(ctx, request.store, connection, (store) => nextVersion(registry, store, { ...options, bump: request.bump, preid: request.preid }, ctx.reporter)),
  );
}

export interface CommitRequest extends VersionRequest {
  /** The version that was published. */
  version: string;
  /** What `version show` printed; undefined when the variable did not exist. */
  previousVersion?: string;
  dryRun: boolean;
}

/** Records a published version in the variable, only if it still holds `previousVersion`. */
export async function commitPublishedVersion(ctx: OperationContext, request: CommitRequest): Promise<CommitResult> {
  const variable = request.store.variable;
  if (!variable) throw usageError('version commit needs --version-variable NAME');
  const options = versionOptions(ctx, request);
  return withRegistry(ctx, request.connection, (registry, connection) =>
    withVersionStore(ctx, request.store, connection, (store) =>
      commitVersion(
        registry,
        store!,
        { name: request.name, variable, version: request.version, expected: request.previousVersion, initialVersion: options.initialVersion, dryRun: request.dryRun },
        ctx.reporter,
      ),
    ),
  );
}
