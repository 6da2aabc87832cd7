/** delete: files of a version, or the whole version; a dry run unless `yes`. */
import { deletePackage, type DeleteResult } from '../core/remove.js';
import type { ConnectionInput } from '../options/connection.js';
import { withRegistry } from './connect.js';
import type { OperationContext } from './context.js';

export interface DeleteRequest {
  connection: ConnectionInput;
  name: string;
  version: string;
  /** Empty for the whole version. */
  files: string[];
  yes: boolean;
}

export async function remove(ctx: OperationContext, request: DeleteRequest): Promise<DeleteResult> {
  return withRegistry(ctx, request.connection, (registry) =>
    deletePackage(registry, { ref: { name: request.name, version: request.version }, files: request.files, yes: request.yes }, ctx.reporter),
  );
}
