/**
 * Versioned releases: the package version kept in a CI variable, bumped, published, verified, and
 * written back only after the registry holds exactly the files that were sent, and only if the
 * variable still holds what was read (GitLab `lib/api/ci/variables.rb`, Gitea
 * `routers/api/v1/repo/action.go`, GitHub's REST docs "Actions variables"; the write-back after
 * a passing check follows GitLab's guided exploration write-ci-cd-variables-in-pipeline).
 *
 * One flow for every shell: `publishNextVersion` is the whole thing (`relpack publish --bump`),
 * `showVersion`, `nextVersion` and `commitVersion` are its steps (`relpack version show|next|commit`),
 * and `resolveVersion` turns a download's `--version ^1.4` into a published version.
 */
import type { PackageRef, RegistryAdapter, RemoteFile } from '../registry/types.js';
import type { StoredVariable, VariableStore, VersionStoreKind } from '../registry/variables/types.js';
import { compareAndSet } from './compare-and-set.js';
import { RelpackError, inputError, usageError } from '../base/errors.js';
import { sha256 } from '../base/hashing.js';
import { DEFAULT_MANIFEST, MAX_MANIFEST_BYTES, parseManifest } from '../base/manifest.js';
import { readSmallFile } from '../registry/small-file.js';
import type { Reporter, TransferResult } from './progress.js';
import { publishFiles, type PublishOptions, type PublishResult } from './publish.js';
import {
  analyzeCommits,
  bumpVersion,
  cleanVersion,
  DEFAULT_INITIAL_VERSION,
  highestVersion,
  matchVersion,
  requireVersion,
  sortBySemver,
  versionSpecKind,
  type BumpLevel,
  type ReleaseLevel,
  type VersionSource,
} from './versioning.js';

export interface VersionOptions {
  /** Package name. */
  name: string;
  /** Where the current version comes from. */
  from: VersionSource;
  /** The variable that holds the version: read for `from: 'variable'`, written back by the flow. */
  variable?: string;
  /** The pipeline's tag (CI_COMMIT_TAG, GITHUB_REF_NAME), for `from: 'tag'`. */
  tag?: string;
  /** The version before the first bump, when the variable does not exist. Default 0.0.0. */
  initialVersion?: string;
  /** The git work tree, for `bump: 'auto'`. */
  cwd: string;
}

export interface BumpOptions {
  /** Omitted: the current version is the one to publish (a tag pipeline). */
  bump?: BumpLevel;
  /** Prerelease identifier for the pre* levels (`rc` -> 1.5.0-rc.0). */
  preid?: string;
}

export interface CurrentVersion {
  /** The current version, a clean semver (leading `v` removed). */
  version: string;
  source: VersionSource;
  /** Where exactly it came from, for messages ("PKG_VERSION", "tag v1.4.2", "registry"). */
  from: string;
  /** The variable as read (undefined: it does not exist, or none was named). */
  variable?: { name: string; exists: boolean; value?: string; store: VersionStoreKind };
  /** True when nothing held a version yet and `initialVersion` stands in. */
  initial: boolean;
}

export interface NextVersion {
  current: CurrentVersion;
  previousVersion: string;
  version: string;
  /** The level applied (auto resolved to major/minor/patch); undefined when there was no bump. */
  level?: ReleaseLevel;
  /** Why `auto` chose its level: one line per deciding commit. */
  reasons: string[];
}

export type VariableOutcome = 'updated' | 'created' | 'planned';

export interface VariableWrite {
  name: string;
  store: VersionStoreKind;
  outcome: VariableOutcome;
  /** The value the write was conditional on (undefined: the variable did not exist). */
  expected?: string;
}

export interface ReleaseResult extends PublishResult {
  version: string;
  previousVersion: string;
  level?: ReleaseLevel;
  /** Absent when no variable was named. */
  variable?: VariableWrite;
}

/** Test and integration seams; each runs at the named point of the flow. */
export interface ReleaseHooks {
  afterRead?(current: CurrentVersion): Promise<void> | void;
  beforeCommit?(): Promise<void> | void;
}

export type ReleaseOptions = VersionOptions & BumpOptions & Omit<PublishOptions, 'ref' | 'ifExists'> & { hooks?: ReleaseHooks };

// --- reading -----------------------------------------------------------------------------------

/** The current version and, when a variable is named, what the variable holds. */
export async function showVersion(registry: RegistryAdapter | undefined, store: VariableStore | undefined, options: VersionOptions): Promise<CurrentVersion> {
  const initialVersion = requireVersion(options.initialVersion ?? DEFAULT_INITIAL_VERSION, '--initial-version');
  let variable: CurrentVersion['variable'];
  if (options.variable) {
    if (!store) throw usageError(`reading ${options.variable} needs a version store`, 'pass --version-store gitlab|gitea|github');
    store.validateName(options.variable);
    const read = await store.read(options.variable);
    variable = { name: read?.name ?? options.variable, exists: read !== undefined, value: read?.value, store: store.kind };
  }
  switch (options.from) {
    case 'variable': {
      if (!variable) throw usageError('--version-from variable needs --version-variable NAME');
      if (variable.value === undefined) return { version: initialVersion, source: 'variable', from: `${variable.name} (not set yet)`, variable, initial: true };
      return { version: requireVersion(variable.value, store!.describe(variable.name)), source: 'variable', from: variable.name, variable, initial: false };
    }
    case 'tag': {
      if (!options.tag) {
        throw usageError('--version-from tag, but this is not a tag pipeline', 'the tag is read from CI_COMMIT_TAG (GitLab) or GITHUB_REF_NAME when GITHUB_REF_TYPE is tag');
      }
      return { version: requireVersion(options.tag, `the tag ${options.tag}`), source: 'tag', from: `tag ${options.tag}`, variable, initial: false };
    }
    case 'registry': {
      if (!registry) throw usageError('--version-from registry needs a registry connection');
      const published = await publishedVersions(registry, options.name);
      const highest = highestVersion(published, { includePrerelease: true });
      if (!highest) return { version: initialVersion, source: 'registry', from: `the registry (no semantic version of ${options.name} yet)`, variable, initial: true };
      return { version: cleanVersion(highest)!, source: 'registry', from: `the registry (highest of ${published.length} published)`, variable, initial: false };
    }
  }
}

/** The versions of `name` the registry lists as published (failed and pending-deletion ones left out). */
async function publishedVersions(registry: RegistryAdapter, name: string): Promise<string[]> {
  const versions = await registry.listVersions(name);
  return versions.filter((v) => !v.status || v.status === 'default' || v.status === 'hidden').map((v) => v.version);
}

/** The version the flow would publish: the current one, bumped. Reads git for `auto`. */
export async function nextVersion(
  registry: RegistryAdapter | undefined,
  store: VariableStore | undefined,
  options: VersionOptions & BumpOptions,
  reporter: Pick<Reporter, 'info' | 'warn'>,
  current?: CurrentVersion,
): Promise<NextVersion> {
  current ??= await showVersion(registry, store, options);
  const previousVersion = current.version;
  if (!options.bump) {
    if (current.source !== 'tag') throw usageError(`publishing the version read from ${current.from} again needs a bump`, 'pass --bump patch|minor|major|…|auto');
    return { current, previousVersion, version: current.version, reasons: [] };
  }
  let level: ReleaseLevel;
  const reasons: string[] = [];
  if (options.bump === 'auto') {
    if (options.preid !== undefined) throw inputError('--preid does not apply to --bump auto', 'auto picks major, minor or patch from the commits');
    // Loaded here: git (through @actions/exec) is needed only to bump from commits.
    const { commitsSince } = await import('./commits.js');
    const range = await commitsSince(current.initial ? undefined : current.version, options.cwd);
    if (!range.tag && !current.initial) reporter.warn(`no tag v${current.version} or ${current.version} in the repository: every commit up to HEAD counts`);
    if (range.shallow) reporter.warn('the clone is shallow: older commits are missing (fetch with fetch-depth: 0 / GIT_DEPTH: 0)');
    const analysis = analyzeCommits(range.messages);
    reasons.push(...analysis.reasons);
    const since = range.tag ? `since ${range.tag}` : 'in the history';
    if (analysis.level) {
      level = analysis.level;
      reporter.info(`--bump auto: ${level} (${analysis.commits} commit(s) ${since}; ${analysis.reasons.length} feat/fix/breaking)`);
    } else {
      level = 'patch';
      reporter.info(`--bump auto: patch (${analysis.commits} commit(s) ${since}, none a feat, fix or breaking change)`);
    }
  } else {
    level = options.bump;
  }
  return { current, previousVersion, version: bumpVersion(previousVersion, level, options.preid), level, reasons };
}

// --- the flow ----------------------------------------------------------------------------------

/**
 * read -> next version -> (variable re-read) -> publish with --if-exists fail -> verify the
 * registry holds exactly the files sent, by SHA-256 -> re-read the variable -> write it only if it
 * still holds what was read. Fails, writing nothing, when another pipeline bumped it first; a
 * failed publish or verification leaves the variable as it was. With `dryRun` nothing is written.
 */
export async function publishNextVersion(
  registry: RegistryAdapter,
  store: VariableStore | undefined,
  options: ReleaseOptions,
  reporter: Reporter,
): Promise<ReleaseResult> {
  registry.validateName(options.name);
  if (options.variable && !store) throw usageError(`writing ${options.variable} needs a version store`, 'pass --version-store gitlab|gitea|github');
  const current = await showVersion(registry, store, options);
  reporter.info(`current version ${current.version} from ${current.from}${current.variable && current.source !== 'variable' ? `; ${current.variable.name} holds ${current.variable.value ?? 'nothing yet'}` : ''}`);
  await options.hooks?.afterRead?.(current);
  const next = await nextVersion(registry, store, options, reporter, current);
  const ref: PackageRef = { name: options.name, version: next.version };
  registry.validateRef(ref);
  reporter.info(`next version ${next.version}${next.level ? ` (${next.level} bump of ${next.previousVersion})` : ''}`);
  const variable = current.variable;
  const race = (actual: StoredVariable | undefined, published: Published) => raceError(store!, variable!.name, variable!.value, actual?.value, ref, published);

  // Cheap early check: a pipeline that already wrote the variable means this bump is stale; better
  // to stop before uploading into a version that pipeline may have published.
  if (variable && !options.dryRun) {
    const now = await store!.read(variable.name);
    if (now?.value !== variable.value) throw race(now, 'none');
  }

  // A bumped version must be new: adding files to an existing one would change a release (and
  // --if-exists fail only catches names that collide).
  const existing = await registry.listFiles(ref);
  if (existing.length > 0) {
    const now = variable ? await store!.read(variable.name) : undefined;
    if (variable && now?.value !== variable.value) throw race(now, 'none');
    throw new RelpackError('EXISTS', `${ref.name} ${ref.version} is already published (${existing.length} file(s)); a bumped version must be new. Nothing was uploaded.`, {
      hint: `${variable ? `${variable.name} is behind the registry: set it to the latest published version` : 'the version source is behind the registry'}, or take the current version from the registry with --version-from registry`,
    });
  }

  let published: PublishResult;
  try {
    published = await publishFiles(registry, { ...options, ref, ifExists: 'fail' }, reporter);
  } catch (error) {
    // The version already exists, or another writer took a file name mid-publish (Gitea's 409,
    // GitLab's duplicate refusal): if the variable moved meanwhile, that is the race to report.
    if (variable && error instanceof RelpackError && (error.code === 'EXISTS' || error.code === 'CONFLICT' || error.code === 'DUPLICATE')) {
      const now = await store!.read(variable.name);
      if (now?.value !== variable.value) throw race(now, error.code === 'EXISTS' ? 'none' : 'partial');
    }
    if (variable && error instanceof RelpackError && error.code === 'EXISTS') {
      throw new RelpackError('EXISTS', `${ref.name} ${ref.version} is already published, but ${variable.name} holds ${variable.value ?? 'nothing'}`, {
        hint: `a bumped version must be new: set ${variable.name} to the highest published version (relpack version show --name ${ref.name} --version-from registry), then publish again`,
        cause: error,
      });
    }
    // The publish's own final check found other bytes under this run's names (core/publish.ts), or
    // a file changed while it was sent: nothing is recorded, and the message says so.
    if (variable && error instanceof RelpackError && error.code === 'CONFLICT') {
      throw new RelpackError('CONFLICT', error.message, {
        hint: [error.hint, `the version variable was not written (${variable.name} still holds ${variable.value ?? 'nothing'})`].filter(Boolean).join('\n'),
        request: error.request,
        cause: error,
      });
    }
    throw error;
  }
  const result = (outcome?: VariableOutcome): ReleaseResult => ({
    ...published,
    version: next.version,
    previousVersion: next.previousVersion,
    level: next.level,
    ...(variable && outcome ? { variable: { name: variable.name, store: store!.kind, outcome, expected: variable.value } } : {}),
  });
  if (options.dryRun) {
    if (variable) reporter.info(`would write ${variable.name}=${next.version} after verifying the publish, if it still holds ${variable.value ?? 'nothing (it would be created)'}`);
    return result(variable ? 'planned' : undefined);
  }

  try {
    await verifyPublished(registry, ref, published.files);
  } catch (error) {
    if (variable && error instanceof RelpackError) {
      const now = await store!.read(variable.name);
      if (now?.value !== variable.value) throw race(now, 'unverified');
    }
    throw error;
  }
  reporter.info(`verified: the registry holds the ${published.files.length} file(s) of ${ref.name} ${ref.version} with the SHA-256 that was sent`);
  if (!variable) return result();

  await options.hooks?.beforeCommit?.();
  const written = await compareAndSet(store!, variable.name, variable.value, next.version);
  if (written.outcome === 'changed') throw race(written.actual, 'verified');
  reporter.info(`${written.outcome} ${store!.describe(variable.name)}: ${variable.value ?? '(new)'} -> ${next.version}`);
  return result(written.outcome);
}

// --- the steps ---------------------------------------------------------------------------------

export interface CommitOptions {
  name: string;
  variable: string;
  /** The version that was published and is to be recorded. */
  version: string;
  /** What the variable held when the pipeline read it (`version show`); undefined: it did not exist. */
  expected?: string;
  /**
   * What `version show` printed for a variable that did not exist yet (default 0.0.0): an
   * `expected` equal to it also accepts a missing variable, which is then created.
   */
  initialVersion?: string;
  dryRun?: boolean;
}

export interface CommitResult {
  name: string;
  version: string;
  previousVersion?: string;
  variable: VariableWrite;
  files: RemoteFile[];
}

/**
 * The last step on its own: checks that `version` is published and self-consistent (every file
 * listed with a SHA-256, matching SHA256SUMS when there is one), then writes the variable if it
 * still holds `expected`.
 */
export async function commitVersion(registry: RegistryAdapter, store: VariableStore, options: CommitOptions, reporter: Pick<Reporter, 'info' | 'warn'>): Promise<CommitResult> {
  const ref = { name: options.name, version: options.version };
  registry.validateRef(ref);
  store.validateName(options.variable);
  requireVersion(options.version, '--version');
  const files = await verifyPublished(registry, ref);
  reporter.info(`verified: ${ref.name} ${ref.version} is published, ${files.length} file(s) with SHA-256`);
  const base = { name: options.name, version: options.version, previousVersion: options.expected, files };
  if (options.dryRun) {
    reporter.info(`would write ${options.variable}=${options.version} if it still holds ${options.expected ?? 'nothing (it would be created)'}`);
    return { ...base, variable: { name: options.variable, store: store.kind, outcome: 'planned', expected: options.expected } };
  }
  let written = await compareAndSet(store, options.variable, options.expected, options.version);
  if (written.outcome === 'changed' && written.actual === undefined && options.expected !== undefined && options.expected === cleanVersion(options.initialVersion ?? DEFAULT_INITIAL_VERSION)) {
    written = await compareAndSet(store, options.variable, undefined, options.version);
  }
  if (written.outcome === 'changed') throw raceError(store, options.variable, options.expected, written.actual?.value, ref, 'verified');
  reporter.info(`${written.outcome} ${store.describe(options.variable)}: ${options.expected ?? '(new)'} -> ${options.version}`);
  return { ...base, variable: { name: written.previous?.name ?? options.variable, store: store.kind, outcome: written.outcome, expected: options.expected } };
}

/**
 * What the registry holds for `ref`, checked. With `sent`: exactly those files, each with the
 * SHA-256 that was sent (a file nobody sent means another run published into the same version).
 * Without: every file has a SHA-256, and SHA256SUMS, when present, agrees with the listing.
 */
export async function verifyPublished(registry: RegistryAdapter, ref: PackageRef, sent?: TransferResult[]): Promise<RemoteFile[]> {
  const listed = await registry.listFiles(ref);
  if (listed.length === 0) {
    throw new RelpackError('NOT_FOUND', `${ref.name} ${ref.version} is not published (the registry lists no files)`, {
      hint: `publish it first; list what exists with: relpack list --name ${ref.name}`,
    });
  }
  // Matched by the registry's key for a name, through maps: linear in the files (a release can hold thousands).
  const key = (name: string) => registry.normalizeFileName(name);
  const byKey = new Map(listed.map((file) => [key(file.fileName), file]));
  const find = (name: string) => byKey.get(key(name));
  if (sent) {
    for (const file of sent) {
      const stored = find(file.name);
      if (!stored?.sha256 || stored.sha256.toLowerCase() !== file.sha256.toLowerCase()) {
        throw new RelpackError('CHECKSUM_MISMATCH', `${file.name}: the registry lists ${stored ? `sha256 ${stored.sha256 ?? 'none'}` : 'no such file'}, but sha256 ${file.sha256} was published`, {
          hint: `${ref.name} ${ref.version} changed after this publish (another run publishing the same version?); the version variable was not written`,
        });
      }
    }
    const sentKeys = new Set(sent.map((file) => key(file.name)));
    const extra = listed.filter((file) => !sentKeys.has(key(file.fileName)));
    if (extra.length > 0) {
      throw new RelpackError('CONFLICT', `${ref.name} ${ref.version} holds file(s) this run did not publish: ${extra.map((f) => f.fileName).join(', ')}`, {
        hint: 'another run published into the same version at the same time; the version variable was not written',
      });
    }
    return listed;
  }
  const unhashed = listed.filter((file) => !file.sha256);
  if (unhashed.length > 0) {
    throw new RelpackError('CHECKSUM_MISMATCH', `${ref.name} ${ref.version}: the registry lists no SHA-256 for ${unhashed.map((f) => f.fileName).join(', ')}`);
  }
  const manifestFile = find(DEFAULT_MANIFEST);
  if (manifestFile) {
    const { data } = await readSmallFile(registry, ref, manifestFile.fileName, MAX_MANIFEST_BYTES);
    if (sha256(data) !== manifestFile.sha256!.toLowerCase()) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${manifestFile.fileName} of ${ref.name} ${ref.version}: the bytes served do not match the registry's SHA-256`);
    }
    for (const [name, digest] of parseManifest(data.toString('utf8'), manifestFile.fileName)) {
      const stored = find(name);
      if (!stored || stored.sha256!.toLowerCase() !== digest) {
        throw new RelpackError('CHECKSUM_MISMATCH', `${name}: ${manifestFile.fileName} says sha256 ${digest}, the registry lists ${stored ? stored.sha256 : 'no such file'}`, {
          hint: `${ref.name} ${ref.version} was changed after it was published; the version variable was not written`,
        });
      }
    }
  }
  return listed;
}

/** How far this run got when it found the variable moved. */
type Published = 'none' | 'partial' | 'unverified' | 'verified';

function raceError(store: VariableStore, name: string, expected: string | undefined, actual: string | undefined, ref: PackageRef, published: Published): RelpackError {
  const was = expected === undefined ? 'did not exist' : `held ${expected}`;
  const now = actual === undefined ? 'does not exist' : `holds ${actual}`;
  const again = `run the pipeline again to bump from ${actual ?? 'the start'}`;
  const remove = `relpack delete --name ${ref.name} --version ${ref.version} --yes`;
  const hint = {
    none: `nothing was published; ${again}`,
    partial: `some files of ${ref.name} ${ref.version} may have been uploaded before the other pipeline's; ${again}`,
    unverified: `${ref.name} ${ref.version} does not hold exactly what this run sent (the other pipeline published into it too); ${again}`,
    verified: `${ref.name} ${ref.version} was published and verified but is not recorded in ${store.describe(name)}; ${again}, and delete ${ref.version} if it should not stay (${remove})`,
  }[published];
  return new RelpackError('CONFLICT', `another pipeline bumped ${name} first: it ${was} when this run read it and now ${now}; ${name} was not changed`, { hint });
}

// --- download by range ---------------------------------------------------------------------------

export interface ResolvedVersion {
  /** The published version to use. */
  version: string;
  /** What was asked for. */
  spec: string;
  /** False when the spec was an exact version used as given (no listing). */
  resolved: boolean;
}

/**
 * `1.4.2` (as given), `^1.4`, `~1.4.2`, `>=1 <2`, `latest` or `latest-prerelease`, resolved by
 * semver precedence among the published versions; versions that are not semver are ignored. When
 * nothing matches, the error lists what exists.
 */
export async function resolveVersion(registry: RegistryAdapter, name: string, spec: string): Promise<ResolvedVersion> {
  if (versionSpecKind(spec) === 'exact') return { version: spec, spec, resolved: false };
  registry.validateName(name);
  const published = await publishedVersions(registry, name);
  // A version published under this text wins: `1` or `2024` are ranges to semver but ordinary
  // version names to GitLab and Gitea. The text is compared as the registry compares versions
  // (Gitea ignores case: `1.X` is the published `1.x`), and the published spelling is used.
  const same = published.find((v) => registry.normalizeVersion(v) === registry.normalizeVersion(spec));
  if (same !== undefined) return { version: same, spec, resolved: same !== spec };
  const version = matchVersion(published, spec);
  if (version) return { version, spec, resolved: true };
  const semverOnes = sortBySemver(published);
  const others = published.filter((v) => !semverOnes.includes(v));
  const shown = semverOnes.slice(0, 30).join(', ') + (semverOnes.length > 30 ? ', …' : '');
  throw new RelpackError('NOT_FOUND', `no published version of ${name} matches ${JSON.stringify(spec)}`, {
    hint:
      published.length === 0
        ? `${name} has no published versions`
        : `published semantic versions, highest first: ${shown || 'none'}` + (others.length ? `\nnot semantic versions (ignored for ranges): ${others.slice(0, 10).join(', ')}` : '') +
          (spec === 'latest' && semverOnes.length ? '\nonly prereleases are published: use latest-prerelease' : ''),
  });
}
