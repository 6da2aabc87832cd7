/**
 * delete: files of a version, or the whole version. Without `yes` it only says what it would
 * delete, so that a typo in a version never removes a release.
 */
import type { PackageRef, RegistryAdapter } from '../registry/types.js';
import { findListedFile, versionNotFound } from './list.js';
import type { Reporter, TransferResult } from './progress.js';

export interface DeleteOptions {
  ref: PackageRef;
  /** Files to delete; empty for the whole version. */
  files: string[];
  yes: boolean;
}

export interface DeleteResult {
  ref: PackageRef;
  files: TransferResult[];
  /** True when nothing was deleted because `yes` was not given. */
  dryRun: boolean;
  wholeVersion: boolean;
}

export async function deletePackage(registry: RegistryAdapter, options: DeleteOptions, reporter: Reporter): Promise<DeleteResult> {
  const { ref } = options;
  registry.validateRef(ref);
  for (const name of options.files) registry.validateFileName(name);
  const listed = await registry.listFiles(ref);
  if (listed.length === 0) throw versionNotFound(ref);
  const chosen = options.files.length === 0 ? listed : options.files.map((name) => findListedFile(registry, ref, listed, name));
  const results = chosen.map((file): TransferResult => ({
    name: file.fileName,
    size: file.size ?? 0,
    sha256: file.sha256 ?? '',
    url: registry.fileUrl(ref, file.fileName),
    status: options.yes ? 'deleted' : 'planned',
    note: options.yes ? undefined : 'would be deleted (pass --yes to delete)',
  }));
  const wholeVersion = options.files.length === 0;
  if (options.yes) {
    if (wholeVersion) await registry.deleteVersion(ref);
    else await registry.deleteFiles(ref, chosen);
  }
  for (const result of results) reporter.done(result);
  return { ref, files: results, dryRun: !options.yes, wholeVersion };
}
