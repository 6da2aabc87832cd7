/** prune: the retention policy, connected, with the version variable's value protected when one is named. */
import { usageError } from '../base/errors.js';
import { parseDuration, prunePackage, type PruneResult } from '../core/prune.js';
import type { ConnectionInput } from '../options/connection.js';
import { withRegistry, withVersionStore, type VersionStoreRequest } from './connect.js';
import type { OperationContext } from './context.js';

export interface PruneRequest {
  connection: ConnectionInput;
  name: string;
  /** Versions to keep, at least 1 (text as the shells read it, or a number). */
  keep: number | string;
  /** `30d`, `12h`, …: also keep what is newer than that. */
  olderThan?: string;
  /** A regular expression: only matching versions are considered. */
  match?: string;
  /** The variable whose version is never pruned. */
  store: VersionStoreRequest;
  yes: boolean;
  /** The clock, for tests. */
  now?: () => number;
}

export async function prune(ctx: OperationContext, request: PruneRequest): Promise<PruneResult> {
  // Every value is checked before the first request.
  const keep = typeof request.keep === 'number' ? request.keep : /^\d+$/.test(request.keep.trim()) ? Number(request.keep) : Number.NaN;
  if (!Number.isInteger(keep) || keep < 1) throw usageError(`--keep must be a whole number of at least 1, not ${JSON.stringify(String(request.keep))}`, 'prune keeps at least the newest version');
  const olderThanMs = request.olderThan ? parseDuration(request.olderThan, '--older-than') : undefined;
  let match: RegExp | undefined;
  if (request.match) {
    try {
      match = new RegExp(request.match);
    } catch (error) {
      throw usageError(`--match is not a regular expression: ${(error as Error).message}`);
    }
  }
  return withRegistry(ctx, request.connection, (registry, connection) =>
    withVersionStore(ctx, request.store, connection, async (store) => {
      const held = request.store.variable && store ? (await store.read(request.store.variable))?.value : undefined;
      return prunePackage(registry, { name: request.name, keep, olderThanMs, match, protect: new Set(held ? [held] : []), yes: request.yes, now: request.now }, ctx.reporter);
    }),
  );
}
