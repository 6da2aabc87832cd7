/**
 * prune: the retention policy GitLab's generic-packages documentation asks every user to script
 * ("Add a package retention policy … use the API to implement custom cleanup scripts"), with the
 * safety of the rest of relpack: a plan first, nothing deleted without `yes`, and never a version
 * someone may be using right now.
 *
 * Order: semantic versions by precedence, highest first, then the others by creation time, newest
 * first. The first `keep` are kept, and with `olderThan` so is everything created more recently
 * than that; the rest goes. Always kept, whatever the order says: the version the version
 * variable holds, and any version created in the last 10 minutes (a pipeline may be downloading
 * it). `match` narrows the versions considered; the others are neither counted nor touched.
 */
import { usageError } from '../base/errors.js';
import type { RegistryAdapter, RemoteVersion } from '../registry/types.js';
import type { Reporter } from './progress.js';
import { sortBySemver } from './versioning.js';

/** A version published this recently is never pruned: a pipeline may be fetching it. */
export const RECENT_MS = 10 * 60 * 1000;

export interface PruneOptions {
  name: string;
  /** How many versions to keep, at least 1. */
  keep: number;
  /** Also keep every version created less than this many milliseconds ago. */
  olderThanMs?: number;
  /** Only versions whose name matches are considered. */
  match?: RegExp;
  /** Versions never to delete (the version variable's). */
  protect?: ReadonlySet<string>;
  yes: boolean;
  now?: () => number;
}

export type PruneDecision = 'kept' | 'deleted' | 'planned';

export interface PrunedVersion {
  version: string;
  createdAt?: string;
  decision: PruneDecision;
  /** Why it stays, or that it goes. */
  reason: string;
}

export interface PruneResult {
  name: string;
  versions: PrunedVersion[];
  kept: number;
  /** Deleted, or, without `yes`, that would be deleted. */
  pruned: number;
  dryRun: boolean;
}

/** `30d`, `12h`, `90m`, `2w`, `45s` -> milliseconds; a usage error for anything else. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  const unit = match ? { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'] : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw usageError(`${name} must be a duration such as 30d, 12h, 90m or 2w, not ${JSON.stringify(text)}`);
  }
  return Number(match[1]) * unit;
}

/** The versions in the order they are kept: semantic versions by precedence, then the rest by creation, newest first. */
export function retentionOrder(versions: RemoteVersion[]): RemoteVersion[] {
  const byName = new Map(versions.map((v) => [v.version, v]));
  const semverFirst = sortBySemver(versions.map((v) => v.version)).map((name) => byName.get(name)!);
  const inOrder = new Set(semverFirst);
  const created = (v: RemoteVersion) => (v.createdAt ? Date.parse(v.createdAt) : 0);
  const others = versions.filter((v) => !inOrder.has(v)).sort((a, b) => created(b) - created(a));
  return [...semverFirst, ...others];
}

/** Decides, for each considered version, whether it stays; pure (the clock is a parameter). */
export function planPrune(versions: RemoteVersion[], options: Omit<PruneOptions, 'name' | 'yes'>, now: number): PrunedVersion[] {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw usageError(`--keep must be a whole number of at least 1, not ${options.keep}`);
  const considered = versions.filter((v) => !options.match || options.match.test(v.version));
  return retentionOrder(considered).map((v, index): PrunedVersion => {
    const age = v.createdAt ? now - Date.parse(v.createdAt) : Number.POSITIVE_INFINITY;
    const keep = (reason: string): PrunedVersion => ({ version: v.version, createdAt: v.createdAt, decision: 'kept', reason });
    if (index < options.keep) return keep(`among the newest ${options.keep}`);
    if (options.protect?.has(v.version)) return keep('the version variable holds it');
    if (age < RECENT_MS) return keep('published in the last 10 minutes');
    if (options.olderThanMs !== undefined && age < options.olderThanMs) return keep('newer than --older-than');
    return { version: v.version, createdAt: v.createdAt, decision: 'planned', reason: 'beyond what is kept' };
  });
}

export async function prunePackage(registry: RegistryAdapter, options: PruneOptions, reporter: Reporter): Promise<PruneResult> {
  registry.validateName(options.name);
  const now = (options.now ?? Date.now)();
  const listed = await registry.listVersions(options.name);
  const plan = planPrune(listed, options, now);
  for (const entry of plan) {
    if (entry.decision === 'kept') {
      reporter.info(`keep     ${options.name} ${entry.version} (${entry.reason})`);
      continue;
    }
    if (options.yes) {
      await registry.deleteVersion({ name: options.name, version: entry.version });
      entry.decision = 'deleted';
      reporter.info(`deleted  ${options.name} ${entry.version}`);
    } else {
      reporter.info(`would delete ${options.name} ${entry.version} (pass --yes to delete)`);
    }
  }
  const pruned = plan.filter((e) => e.decision !== 'kept').length;
  return { name: options.name, versions: plan, kept: plan.length - pruned, pruned, dryRun: !options.yes };
}
