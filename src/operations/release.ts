/**
 * release: a tag's release page lists a version's files (core/release-links.ts). Reached three
 * ways: `relpack release` links a version that is already published; `publish --release` and a
 * bump with `release` link the version they have just published and verified, after checking
 * before the first file is sent that the token can write the release.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RelpackError, usageError } from '../base/errors.js';
import { formatBytes } from '../base/format.js';
import { linkRelease, plannedLinks, validateTagName, type LinkResult, type ReleaseFile, type ReleaseOutcome } from '../core/release-links.js';
import { flavourFromEnvironment, type Connection, type ConnectionInput } from '../options/connection.js';
import { checkReleaseSettings, resolveReleaseStore, type ResolvedReleaseStore } from '../options/release-store.js';
import type { PackageRef, RegistryAdapter } from '../registry/types.js';
import { ciTag, currentDeadline, packageVersion, withRegistry } from './connect.js';
import type { OperationContext } from './context.js';

/** Release notes are text for a web page: a larger file is a mistake (GitLab keeps at most 1,000,000 characters). */
export const MAX_NOTES_BYTES = 1_000_000;

/** What a publish, a bump or `relpack release` is asked about the release. */
export interface ReleaseSettings {
  /** The tag whose release lists the files; default the pipeline's tag, else the version. */
  tag?: string;
  /** A file whose text is the release's description; default a table of the files. */
  notesFile?: string;
}

/**
 * The release settings of a publish or a bump, from what a shell was given: undefined without
 * `release`; a tag or notes given without it is a mistake, not a quiet no-op.
 */
export function releaseSettings(release: boolean, tag: string | undefined, notesFile: string | undefined): ReleaseSettings | undefined {
  if (release) return { tag: tag || undefined, notesFile: notesFile || undefined };
  const stray = tag ? '--release-tag' : notesFile ? '--release-notes' : undefined;
  if (stray) throw usageError(`${stray} needs --release`, 'add --release to link the published files to the release of the tag');
  return undefined;
}

/** The settings, checked and read: what a run needs before its first request. */
export interface ReleasePlan {
  /** Undefined until the version is known (a bump's tag defaults to the version it computes). */
  tag?: string;
  notes?: string;
  /** The commit a missing tag is created from. */
  commit?: string;
}

/**
 * Checks the release settings and reads the notes, before anything is sent: an invalid tag, a
 * missing notes file or (Gitea/Forgejo) no repository is a usage error (exit 2). `version`, when
 * known, is the tag's fallback.
 */
export async function planRelease(ctx: OperationContext, settings: ReleaseSettings, connection: ConnectionInput, version?: string): Promise<ReleasePlan> {
  const tag = settings.tag || ciTag(ctx) || version;
  if (tag !== undefined) validateTagName(tag);
  // Where the flavour is only known by asking the server, the repository is checked once it is.
  const { flavour } = flavourFromEnvironment(connection, ctx.env);
  if (flavour) checkReleaseSettings({ flavour }, ctx.env);
  const notes = settings.notesFile ? await readNotes(ctx, settings.notesFile) : undefined;
  return { tag, notes, commit: ctx.env.CI_COMMIT_SHA || ctx.env.GITHUB_SHA || undefined };
}

async function readNotes(ctx: OperationContext, file: string): Promise<string> {
  const path = resolve(ctx.cwd, file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw usageError(`--release-notes ${file}: no such file`, 'give the path of a text (Markdown) file, relative to the working directory');
  if (info.size > MAX_NOTES_BYTES) throw usageError(`--release-notes ${file} is ${formatBytes(info.size)}: release notes may be at most ${formatBytes(MAX_NOTES_BYTES)}`);
  return readFile(path, 'utf8');
}

/** The tag of a plan whose version is now known. */
export function releaseTag(plan: ReleasePlan, version: string): string {
  return plan.tag ?? version;
}

/**
 * Opens the release store beside an open registry, checks that the credential can write the
 * release of `tag` (failing before anything is published when it cannot), runs `work`, and closes.
 * `tag` null: the tag is not known yet, and the check is for releases in general; undefined: no
 * check (a dry run).
 */
export async function withReleaseStore<T>(ctx: OperationContext, connection: Connection, tag: string | null | undefined, work: (releases: ResolvedReleaseStore) => Promise<T>): Promise<T> {
  checkReleaseSettings(connection, ctx.env);
  const resolved = resolveReleaseStore(connection, ctx.env, { log: (line) => ctx.reporter.info(line), userAgent: ctx.userAgent, signal: currentDeadline(ctx)?.signal });
  try {
    if (tag !== undefined) await resolved.store.checkWrite(tag ?? undefined);
    return await work(resolved);
  } finally {
    await resolved.close();
  }
}

/**
 * `linkVersion` after a publish: a failure says that the version is published and how to link it
 * without publishing again.
 */
export async function linkPublished(ctx: OperationContext, registry: RegistryAdapter, releases: ResolvedReleaseStore, ref: PackageRef, plan: ReleasePlan, concurrency: number, recorded?: string): Promise<ReleaseOutcome> {
  try {
    return await linkVersion(ctx, registry, releases, ref, plan, concurrency);
  } catch (error) {
    if (!(error instanceof RelpackError)) throw error;
    const tag = plan.tag && plan.tag !== ref.version ? ` --release-tag ${plan.tag}` : '';
    const hint = `${ref.name} ${ref.version} is published${recorded ? ` and recorded in ${recorded}` : ''}; once that is fixed, link it with: relpack release --name ${ref.name} --version ${ref.version}${tag}`;
    throw new RelpackError(error.code, error.message, { request: error.request, hint: error.hint ? `${error.hint}\n${hint}` : hint, cause: error, fromRegistry: error.fromRegistry });
  }
}

/** Links the files the version has now (as the registry lists them) to the release of `tag`. */
export async function linkVersion(ctx: OperationContext, registry: RegistryAdapter, releases: ResolvedReleaseStore, ref: PackageRef, plan: ReleasePlan, concurrency: number): Promise<ReleaseOutcome> {
  const tag = releaseTag(plan, ref.version);
  const listed = await registry.listFiles(ref);
  if (listed.length === 0) {
    throw new RelpackError('NOT_FOUND', `${ref.name} ${ref.version} has no files to link`, { hint: `publish the version first, or check --name and --version (relpack list --name ${ref.name})` });
  }
  const files: ReleaseFile[] = listed.map((file) => ({ fileName: file.fileName, size: file.size, sha256: file.sha256, url: registry.fileUrl(ref, file.fileName) }));
  ctx.reporter.info(`release    ${releases.store.describe(tag)}: ${files.length} file${files.length === 1 ? '' : 's'} of ${ref.name} ${ref.version}`);
  return linkRelease(releases.store, { ref, tag, commit: plan.commit, notes: plan.notes, files, fileOfUrl: (url) => registry.fileOfUrl(ref.name, url), concurrency }, ctx.reporter);
}

/**
 * What a dry run says it would link: the planned files and the manifest (written after the
 * files, so not in a dry run's plan), nothing read from the release.
 */
export function plannedRelease(registry: RegistryAdapter, releases: ResolvedReleaseStore | undefined, ref: PackageRef, plan: ReleasePlan, planned: string[], manifest: string | null): ReleaseOutcome {
  const names = manifest && !planned.includes(manifest) ? [manifest, ...planned] : planned;
  const files = names.map((fileName) => ({ fileName, url: registry.fileUrl(ref, fileName) }));
  const links: LinkResult[] = plannedLinks(releases?.store ?? {}, files);
  return { tag: releaseTag(plan, ref.version), created: false, described: false, links };
}

export interface ReleaseRequest extends ReleaseSettings {
  connection: ConnectionInput;
  name: string;
  /** Empty: the pipeline's tag by the tag rule, as for a publish. */
  version?: string;
  concurrency: number;
}

export interface ReleaseResult {
  ref: PackageRef;
  release: ReleaseOutcome;
}

/** `relpack release`: links a published version to the release of its tag. */
export async function release(ctx: OperationContext, request: ReleaseRequest): Promise<ReleaseResult> {
  const ref = { name: request.name, version: packageVersion(ctx, request.version, 'release') };
  const plan = await planRelease(ctx, request, request.connection, ref.version);
  return withRegistry(ctx, request.connection, async (registry, connection) => {
    registry.validateRef(ref);
    return withReleaseStore(ctx, connection, plan.tag, async (releases) => ({ ref, release: await linkVersion(ctx, registry, releases, ref, plan, request.concurrency) }));
  });
}
