/** list: the versions of a package, or the files of one version. */
import type { PackageRef, RegistryAdapter, RemoteFile, RemoteVersion } from '../registry/types.js';
import { RelpackError } from '../base/errors.js';

export interface ListResult {
  name: string;
  version?: string;
  /** The version's package URL, when a version was listed. */
  packageUrl?: string;
  versions?: RemoteVersion[];
  files?: (RemoteFile & { url: string })[];
}

export async function listPackage(registry: RegistryAdapter, options: { name: string; version?: string }): Promise<ListResult> {
  if (options.version === undefined) registry.validateName(options.name);
  else registry.validateRef({ name: options.name, version: options.version });
  if (options.version === undefined) {
    const versions = await registry.listVersions(options.name);
    return { name: options.name, versions };
  }
  const ref = { name: options.name, version: options.version };
  const files = await registry.listFiles(ref);
  if (files.length === 0) throw versionNotFound(ref);
  return { name: ref.name, version: ref.version, packageUrl: registry.packageUrl(ref), files: files.map((file) => ({ ...file, url: registry.fileUrl(ref, file.fileName) })) };
}

/** The error for a version the registry does not list (or lists with no files). */
export function versionNotFound(ref: PackageRef): RelpackError {
  return new RelpackError('NOT_FOUND', `package ${ref.name} version ${ref.version} was not found, or has no files`, {
    hint: `list what exists with: relpack list --name ${ref.name}`,
  });
}

/** The listed file a user named (compared as the registry compares names), or an error naming what is there. */
export function findListedFile(registry: RegistryAdapter, ref: PackageRef, listed: RemoteFile[], name: string): RemoteFile {
  const file = listed.find((r) => registry.sameFileName(r.fileName, name));
  if (file) return file;
  const available = listed.map((r) => r.fileName).slice(0, 20).join(', ');
  throw new RelpackError('NOT_FOUND', `${name} is not in ${ref.name} ${ref.version}`, { hint: `the version holds: ${available}${listed.length > 20 ? ', …' : ''}` });
}
