/**
 * Semantic versions: bumps, Conventional Commits and range resolution. Plain data in, plain data
 * out; no I/O (git is read in commits.ts, the registry and the variables in release.ts).
 */
import semver from 'semver';
import { inputError, RelpackError } from '../base/errors.js';

export const BUMP_LEVELS = ['major', 'minor', 'patch', 'premajor', 'preminor', 'prepatch', 'prerelease', 'auto'] as const;
export type BumpLevel = (typeof BUMP_LEVELS)[number];
/** A level that semver can apply directly (`auto` is first turned into one of major/minor/patch). */
export type ReleaseLevel = Exclude<BumpLevel, 'auto'>;

/** Where the current version is read from. */
export const VERSION_SOURCES = ['variable', 'tag', 'registry'] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

/** The version before the first bump, when the variable does not exist yet (what `bump` starts from). */
export const DEFAULT_INITIAL_VERSION = '0.0.0';

export function parseBumpLevel(value: string): BumpLevel {
  if ((BUMP_LEVELS as readonly string[]).includes(value)) return value as BumpLevel;
  throw inputError(`--bump must be one of ${BUMP_LEVELS.join(', ')}, not ${JSON.stringify(value)}`);
}

export function parseVersionSource(value: string): VersionSource {
  if ((VERSION_SOURCES as readonly string[]).includes(value)) return value as VersionSource;
  throw inputError(`--version-from must be one of ${VERSION_SOURCES.join(', ')}, not ${JSON.stringify(value)}`);
}

/**
 * A strict semantic version with an optional leading `v` removed (`v1.4.2` -> `1.4.2`), or
 * undefined. Build metadata is kept.
 */
export function cleanVersion(value: string): string | undefined {
  const text = value.trim().replace(/^v(?=\d)/i, '');
  const parsed = semver.parse(text);
  return parsed ? parsed.version + (parsed.build.length ? `+${parsed.build.join('.')}` : '') : undefined;
}

/** cleanVersion, or an INVALID_INPUT error that says where the value came from. */
export function requireVersion(value: string, from: string): string {
  const version = cleanVersion(value);
  if (!version) {
    throw inputError(`${from} holds ${JSON.stringify(value)}, which is not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE])`, 'set it to a version such as 1.0.0');
  }
  return version;
}

/**
 * The package version a tag stands for, one rule in every shell for the default version of a tag
 * pipeline: a `v` before a semantic version is dropped (`v1.4.2` -> `1.4.2`), as npm, Go modules
 * and goreleaser read release tags, so that `download`'s version ranges compare it; any other tag
 * is the version as written (`2024.11`, `nightly`). A version given explicitly is never rewritten.
 * (`--version-from tag` reads the tag through requireVersion, which drops the same `v` and refuses
 * a tag that is not a semantic version, since a bump needs one.)
 */
export function versionFromTag(tag: string): string {
  const rest = /^[vV](\d.*)$/.exec(tag)?.[1];
  return rest !== undefined && cleanVersion(rest) === rest ? rest : tag;
}

const PRE_LEVELS = new Set<ReleaseLevel>(['premajor', 'preminor', 'prepatch', 'prerelease']);

/**
 * The next version. `preid` names the prerelease (`rc` -> `1.5.0-rc.0`); it only applies to the
 * pre* levels and prerelease. Build metadata of the current version is dropped.
 */
export function bumpVersion(current: string, level: ReleaseLevel, preid?: string): string {
  const version = requireVersion(current, 'the current version');
  if (preid !== undefined) {
    if (!PRE_LEVELS.has(level)) throw inputError(`--preid only applies to premajor, preminor, prepatch and prerelease, not ${level}`);
    if (!/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(preid) || /^\d+$/.test(preid)) {
      throw inputError(`--preid ${JSON.stringify(preid)} is not a valid prerelease identifier`, 'use letters, digits and hyphens, e.g. rc, beta or alpha');
    }
  }
  const next = semver.inc(version, level, undefined, preid);
  if (!next) throw new RelpackError('INVALID_INPUT', `cannot apply a ${level} bump to ${version}`);
  return next;
}

// --- Conventional Commits (conventionalcommits.org 1.0.0) -------------------------------------

export interface CommitAnalysis {
  /** The bump the commits call for, or undefined when none is a feat, fix or breaking change. */
  level?: 'major' | 'minor' | 'patch';
  /** One line per commit that decided something, for the log. */
  reasons: string[];
  commits: number;
}

const HEADER = /^(?<type>[A-Za-z]+)(?:\((?<scope>[^()\r\n]*)\))?(?<bang>!)?:[ \t]/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE:[ \t]/m;
const RANK = { patch: 1, minor: 2, major: 3 } as const;

/** feat -> minor, fix -> patch, `!` after the type/scope or a BREAKING CHANGE footer -> major. */
export function analyzeCommits(messages: string[]): CommitAnalysis {
  let level: CommitAnalysis['level'];
  const reasons: string[] = [];
  for (const message of messages) {
    const subject = message.trim().split(/\r?\n/, 1)[0] ?? '';
    const header = HEADER.exec(subject)?.groups;
    let found: CommitAnalysis['level'];
    if (header?.bang || BREAKING_FOOTER.test(message)) found = 'major';
    else if (header?.type.toLowerCase() === 'feat') found = 'minor';
    else if (header?.type.toLowerCase() === 'fix') found = 'patch';
    if (!found) continue;
    reasons.push(`${found}: ${subject}`);
    if (!level || RANK[found] > RANK[level]) level = found;
  }
  return { level, reasons, commits: messages.length };
}

// --- Ranges ---------------------------------------------------------------------------------

export type VersionSpecKind = 'exact' | 'range' | 'latest' | 'latest-prerelease';

/**
 * How a `--version` value is read: `latest`, `latest-prerelease`, a semver range (`^1.4`,
 * `~1.4.2`, `>=1 <2`, `1.x`) or, for anything else (`1.4.2`, `nightly`), an exact version.
 */
export function versionSpecKind(spec: string): VersionSpecKind {
  const text = spec.trim();
  if (text === 'latest' || text === 'latest-prerelease') return text;
  if (cleanVersion(text)) return 'exact';
  if (text !== '' && semver.validRange(text) !== null) return 'range';
  return 'exact';
}

/** The registry's versions that are semantic versions, highest first by semver precedence. */
export function sortBySemver(versions: string[]): string[] {
  return versions
    .map((original) => ({ original, clean: cleanVersion(original) }))
    .filter((v): v is { original: string; clean: string } => v.clean !== undefined)
    .sort((a, b) => semver.rcompare(a.clean, b.clean) || (a.original < b.original ? -1 : a.original > b.original ? 1 : 0))
    .map((v) => v.original);
}

/** The highest semantic version among `versions` (prereleases only when asked), or undefined. */
export function highestVersion(versions: string[], options: { includePrerelease?: boolean } = {}): string | undefined {
  return sortBySemver(versions).find((v) => options.includePrerelease || semver.prerelease(cleanVersion(v)!) === null);
}

/**
 * Picks the version a spec means among the published ones (exact names are returned as given
 * when they are published); undefined when nothing matches. Versions that are not semver are
 * ignored by ranges and `latest`. Prereleases only match `latest-prerelease` or a range that names
 * a prerelease of the same MAJOR.MINOR.PATCH (`^1.5.0-rc.0`), as npm does.
 */
export function matchVersion(versions: string[], spec: string): string | undefined {
  const kind = versionSpecKind(spec);
  const text = spec.trim();
  if (kind === 'latest') return highestVersion(versions);
  if (kind === 'latest-prerelease') return highestVersion(versions, { includePrerelease: true });
  if (kind === 'exact') {
    if (versions.includes(text)) return text;
    const clean = cleanVersion(text);
    return clean ? versions.find((v) => cleanVersion(v) === clean) : undefined;
  }
  return sortBySemver(versions).find((v) => semver.satisfies(cleanVersion(v)!, text));
}
