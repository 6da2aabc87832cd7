/**
 * Which of some files a version holds, asked file by file at their own URLs, for a credential that
 * may use a registry's file routes but not its listing (a GitLab deploy token or HTTP Basic:
 * GitLab `lib/api/generic_packages.rb` takes them, `lib/api/project_packages.rb` does not).
 * A `HEAD` of the file's URL answers with its SHA-256 in `X-Checksum-SHA256` where the server sends
 * it (GitLab `lib/api/generic_packages.rb`, newer versions, not on a redirect to object storage);
 * otherwise the file is read and hashed. The version's SHA256SUMS, when there is one, names the
 * files this run does not send, so that the manifest published after still covers them.
 */
import { createHash } from 'node:crypto';
import { RelpackError } from '../base/errors.js';
import { throwIfRetryable } from '../http/client.js';
import { filesFromManifest } from './manifest-index.js';
import type { FileLookup, PackageRef, RegistryAdapter, RemoteFile } from './types.js';

/** Files asked about at once. */
const PARALLEL = 8;

export async function lookupByUrl(registry: RegistryAdapter, ref: PackageRef, fileNames: string[], credential: string): Promise<FileLookup> {
  let manifest: RemoteFile[] | undefined;
  try {
    manifest = await filesFromManifest(registry, ref);
  } catch (error) {
    if (error instanceof RelpackError && error.code === 'FORBIDDEN') return unreadable(credential);
    throw error;
  }
  const found = new Map<string, RemoteFile>();
  for (let start = 0; start < fileNames.length; start += PARALLEL) {
    const answers = await Promise.all(fileNames.slice(start, start + PARALLEL).map((name) => lookupOne(registry, ref, name)));
    if (answers.includes('forbidden')) return unreadable(credential);
    for (const file of answers) if (file && file !== 'forbidden') found.set(registry.normalizeFileName(file.fileName), file);
  }
  const asked = new Set(fileNames.map((name) => registry.normalizeFileName(name)));
  const files = [...found.values()];
  for (const file of manifest ?? []) {
    if (!asked.has(registry.normalizeFileName(file.fileName))) files.push(file);
  }
  return { files };
}

function unreadable(credential: string): FileLookup {
  return {
    files: [],
    warning:
      `${credential} may not read this project's packages (a deploy token with write_package_registry only), so relpack cannot tell which files are already published: ` +
      'every file is uploaded, and --if-exists can neither skip nor refuse one (give the deploy token read_package_registry too)',
  };
}

async function lookupOne(registry: RegistryAdapter, ref: PackageRef, fileName: string): Promise<RemoteFile | 'forbidden' | undefined> {
  const url = registry.fileUrl(ref, fileName);
  const head = await registry.retrying({ method: 'HEAD', url }, async () => throwIfRetryable(await registry.http.request({ method: 'HEAD', url, retry: false })));
  await head.drain();
  if (head.status === 404) return undefined;
  if (head.status === 403) return 'forbidden';
  const digest = head.header('x-checksum-sha256');
  const length = head.header('content-length');
  if (head.status === 200 && digest && /^[0-9a-f]{64}$/i.test(digest)) {
    return { fileName, sha256: digest.toLowerCase(), size: length && /^\d+$/.test(length) ? Number(length) : undefined };
  }
  // No checksum header (an older server, or a redirect to object storage): read the file and hash
  // it. A refusal comes back from download() as the adapter's own error.
  return registry.retrying({ method: 'GET', url }, async () => {
    const response = await registry.download(ref, fileName, { retry: false });
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { fileName, sha256: hash.digest('hex'), size };
  });
}
