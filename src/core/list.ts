/** list: the versions of a package, or the files of one version. */
import type { PackageRef, RegistryAdapter, RemoteFile, RemoteVersion } from '../registry/types.js';
import { RelpackError } from '../base/errors.js';
import { hasUnprintable } from '../base/format.js';

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
    for (const { version } of versions) refuseUnprintable('a version', version);
    return { name: options.name, versions };
  }
  const ref = { name: options.name, version: options.version };
  const files = await registry.listFiles(ref);
  if (files.length === 0) throw versionNotFound(ref);
  for (const { fileName } of files) refuseUnprintable('a file', fileName);
  return { name: ref.name, version: ref.version, packageUrl: registry.packageUrl(ref), files: files.map((file) => ({ ...file, url: registry.fileUrl(ref, file.fileName) })) };
}

/**
 * A listing is printed, one name a line: a name with a newline would forge a line, one with an
 * ESC would rewrite the terminal. No GitLab or Gitea name rule lets such a name be published, so
 * it is refused as download refuses it (core/download.ts targetPath), not shown.
 */
function refuseUnprintable(what: string, name: string): void {
  if (!hasUnprintable(name)) return;
  throw new RelpackError('UNSAFE_PATH', `the registry lists ${what} named ${JSON.stringify(name)}, with control characters`, {
    hint: 'no GitLab or Gitea rule allows such a name; the registry (or whatever answered at --url) is broken or hostile. Nothing is shown of the listing.',
    fromRegistry: true,
  });
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
