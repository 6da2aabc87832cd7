/**
 * One place that opens a registry for an operation: connection settings resolved (flag or input,
 * else RELPACK_*, else the CI's own), the flavour settled, secrets registered before the first
 * line is logged, the connection described once, and the client closed whatever happens.
 */
import { redactUrl } from '../http/redact.js';
import { connect, type Connection, type ConnectionInput } from '../options/connection.js';
import { pipelineTag, resolveVersionStore, type ResolvedVersionStore } from '../options/version-store.js';
import type { RegistryAdapter } from '../registry/types.js';
import type { VariableStore } from '../registry/variables/types.js';
import type { OperationContext } from './context.js';

export async function withRegistry<T>(ctx: OperationContext, input: ConnectionInput, work: (registry: RegistryAdapter, connection: Connection) => Promise<T>): Promise<T> {
  const log = (line: string) => ctx.reporter.info(line);
  const { registry, connection } = await connect(input, ctx.env, { log, userAgent: ctx.userAgent });
  for (const secret of [...connection.secrets, ...registry.secrets()]) ctx.addSecret(secret);
  const where = connection.flavour === 'gitlab' ? `project ${connection.project}` : `owner ${connection.owner}`;
  log(`${connection.flavour} registry at ${redactUrl(connection.url).replace(/\/$/, '')} (${connection.detectedBy}), ${where}, using ${connection.credentialLabel}`);
  try {
    return await work(registry, connection);
  } finally {
    await registry.close();
  }
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
  const env = {
    ...ctx.env,
    RELPACK_VARIABLES_TOKEN: request.token || ctx.env.RELPACK_VARIABLES_TOKEN,
    RELPACK_TOKEN: request.registryToken || ctx.env.RELPACK_TOKEN,
  };
  const resolved: ResolvedVersionStore = resolveVersionStore({ store: request.store, connection }, env, { log, userAgent: ctx.userAgent });
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
