/**
 * One place that opens a registry for an operation: connection settings resolved (flag or input,
 * else RELPACK_*, else the CI's own), the flavour settled, secrets registered before the first
 * line is logged, the connection described once, and the client closed whatever happens.
 */
import { usageError } from '../base/errors.js';
import { versionFromTag } from '../core/versioning.js';
import { Deadline, parseSeconds, secondsFromEnv } from '../http/deadline.js';
import { redactUrl } from '../http/redact.js';
import { connect, type Connection, type ConnectionInput } from '../options/connection.js';
import { pipelineTag, resolveVersionStore, type ResolvedVersionStore } from '../options/version-store.js';
import type { RegistryAdapter } from '../registry/types.js';
import type { VariableStore } from '../registry/variables/types.js';
import type { OperationContext } from './context.js';

export async function withRegistry<T>(ctx: OperationContext, input: ConnectionInput, work: (registry: RegistryAdapter, connection: Connection) => Promise<T>): Promise<T> {
  const log = (line: string) => ctx.reporter.info(line);
  const deadline = startDeadline(ctx);
  try {
    const { registry, connection } = await connect(input, ctx.env, { log, userAgent: ctx.userAgent, signal: deadline?.signal });
    for (const secret of [...connection.secrets, ...registry.secrets()]) ctx.addSecret(secret);
    const where = connection.flavour === 'gitlab' ? `project ${connection.project}` : `owner ${connection.owner}`;
    log(`${connection.flavour} registry at ${redactUrl(connection.url).replace(/\/$/, '')} (${connection.detectedBy}), ${where}, using ${connection.credentialLabel}`);
    if (registry.notice) log(registry.notice);
    try {
      return await work(registry, connection);
    } finally {
      await registry.close();
    }
  } finally {
    deadline?.dispose();
    deadlines.delete(ctx);
  }
}

/** The deadline of the operation running in a context, for the clients it opens after the registry's. */
const deadlines = new WeakMap<OperationContext, Deadline>();

/** The deadline of the operation running in `ctx`, for a client opened beside its registry's. */
export function currentDeadline(ctx: OperationContext): Deadline | undefined {
  return deadlines.get(ctx);
}

/** The command's deadline from `ctx.timeout` (`--timeout`), else RELPACK_TIMEOUT; none when neither is set. */
function startDeadline(ctx: OperationContext): Deadline | undefined {
  const seconds = ctx.timeout !== undefined ? parseSeconds(ctx.timeout, '--timeout') : secondsFromEnv(ctx.env, 'RELPACK_TIMEOUT');
  if (seconds === undefined) return undefined;
  const deadline = new Deadline(seconds, ctx.timeout !== undefined ? '--timeout' : 'RELPACK_TIMEOUT');
  deadlines.set(ctx, deadline);
  return deadline;
}

export interface VersionStoreRequest {
  /** The CI/CD variable that holds the version; no store is opened without one. */
  variable?: string;
  /** `gitlab`, `gitea` (or `forgejo`), `github`; empty to detect it. */
  store?: string;
  /** The token that may write the variable, when the shell was given one (action input `variables-token`). */
  token?: string;
  /** The registry token the shell was given (action input `token`): the store uses it only on the registry's own origin. */
  registryToken?: string;
}

/**
 * The version variable's store, when a variable is named: fails (exit 2) before any write when
 * only a job token is there. The store's client is closed after `work`.
 */
export async function withVersionStore<T>(
  ctx: OperationContext,
  request: VersionStoreRequest,
  connection: Connection,
  work: (store: VariableStore | undefined) => Promise<T>,
): Promise<T> {
  if (!request.variable) return work(undefined);
  const log = (line: string) => ctx.reporter.info(line);
  // The variable store's client keeps to the registry operation's deadline: given as its signal,
  // and as the seconds left, which a client that is given no signal reads from RELPACK_TIMEOUT.
  const deadline = deadlines.get(ctx);
  const env = {
    ...ctx.env,
    RELPACK_VARIABLES_TOKEN: request.token || ctx.env.RELPACK_VARIABLES_TOKEN,
    RELPACK_TOKEN: request.registryToken || ctx.env.RELPACK_TOKEN,
    ...(deadline ? { RELPACK_TIMEOUT: String(deadline.remainingSeconds()) } : {}),
  };
  const resolved: ResolvedVersionStore = resolveVersionStore({ store: request.store, connection }, env, { log, userAgent: ctx.userAgent, signal: deadline?.signal });
  for (const secret of resolved.secrets) ctx.addSecret(secret);
  log(`version variable ${request.variable}: ${resolved.kind} ${resolved.location} (${resolved.detectedBy}), using ${resolved.credentialLabel}`);
  try {
    return await work(resolved.store);
  } finally {
    await resolved.store.http.close();
  }
}

/** The tag this pipeline runs for (CI_COMMIT_TAG, or GITHUB_REF_NAME on a tag), if any. */
export function ciTag(ctx: OperationContext): string | undefined {
  return pipelineTag(ctx.env);
}

/** The version as given, else the pipeline's tag by the tag rule; a usage error when there is neither. */
export function packageVersion(ctx: OperationContext, given: string | undefined, command: string): string {
  if (given) return given;
  const tag = ciTag(ctx);
  if (tag) return versionFromTag(tag);
  throw usageError(`${command} needs a version`, 'pass --version, or run in a tag pipeline: the tag is the version (v1.4.2 as 1.4.2)');
}
