/**
 * When a registry will not list a version's files but still serves them (a hidden GitLab package,
 * GitLab `app/finders/packages/generic/package_finder.rb` serves hidden packages; Gitea's v1 API closed
 * to anonymous callers, `reqToken` in `routers/api/v1/api.go`), the version's SHA256SUMS is the index:
 * it names every file with its SHA-256.
 */
import { RelpackError } from '../base/errors.js';
import { sha256 } from '../base/hashing.js';
import { DEFAULT_MANIFEST, MAX_MANIFEST_BYTES, parseManifest } from '../base/manifest.js';
import { readSmallFile } from './small-file.js';
import type { PackageRef, RegistryAdapter, RemoteFile } from './types.js';

/** Files named by the version's SHA256SUMS, or undefined when it has none. */
export async function filesFromManifest(registry: RegistryAdapter, ref: PackageRef): Promise<RemoteFile[] | undefined> {
  let text: string;
  try {
    text = (await readSmallFile(registry, ref, DEFAULT_MANIFEST, MAX_MANIFEST_BYTES)).data.toString('utf8');
  } catch (error) {
    if (error instanceof RelpackError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
  const files: RemoteFile[] = [{ fileName: DEFAULT_MANIFEST, sha256: sha256(text), size: Buffer.byteLength(text) }];
  for (const [fileName, digest] of parseManifest(text, DEFAULT_MANIFEST)) files.push({ fileName, sha256: digest });
  return files;
}
