/** list: the versions of a package, or the files of one version. */
import type { RegistryAdapter, RemoteFile, RemoteVersion } from '../registry/types.js';
import { GenpackError } from './errors.js';

export interface ListResult {
  name: string;
  version?: string;
  versions?: RemoteVersion[];
  files?: (RemoteFile & { url: string })[];
}

export async function listPackage(registry: RegistryAdapter, options: { name: string; version?: string }): Promise<ListResult> {
  registry.validateRef({ name: options.name, version: options.version ?? '0' });
  if (options.version === undefined) {
    const versions = await registry.listVersions(options.name);
    return { name: options.name, versions };
  }
  const ref = { name: options.name, version: options.version };
  const files = await registry.listFiles(ref);
  if (files.length === 0) {
    throw new GenpackError('NOT_FOUND', `package ${ref.name} version ${ref.version} was not found, or has no files`, {
      hint: `list the versions with: genpack list --name ${ref.name}`,
    });
  }
  return { name: ref.name, version: ref.version, files: files.map((file) => ({ ...file, url: registry.fileUrl(ref, file.fileName) })) };
}
