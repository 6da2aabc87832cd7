/** list: a package's versions, or one version's files. */
import { listPackage, type ListResult } from '../core/list.js';
import type { ConnectionInput } from '../options/connection.js';
import { withRegistry } from './connect.js';
import type { OperationContext } from './context.js';

export interface ListRequest {
  connection: ConnectionInput;
  name: string;
  /** Omitted or empty: the versions. */
  version?: string;
}

export async function list(ctx: OperationContext, request: ListRequest): Promise<ListResult> {
  return withRegistry(ctx, request.connection, (registry) => listPackage(registry, { name: request.name, version: request.version || undefined }));
}
