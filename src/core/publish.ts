/**
 * publish: local files -> one package version, idempotently.
 *
 * Plan first, write second: every name is validated and every conflict with what the registry
 * already holds is found before the first byte is sent, so a refused publish changes nothing.
 */
import type { PackageRef, RegistryAdapter, RemoteFile } from '../registry/types.js';
import { RelpackError, inputError } from '../base/errors.js';
import { hashFile, sha256 } from '../base/hashing.js';
import { expandInputs, type LeftOut, type LocalFile } from './local-files.js';
import { formatManifest } from '../base/manifest.js';
import { mapPool } from './pool.js';
import type { Reporter, TransferResult } from './progress.js';
import { rowIds, uploadFile, type UploadSource, type VerifiedUpload } from './transfer.js';

export type IfExists = 'skip' | 'fail' | 'replace';

export interface PublishOptions {
  ref: PackageRef;
  /** Files, directories and globs (`!pattern` excludes). */
  inputs: string[];
  cwd: string;
  ifExists: IfExists;
  concurrency: number;
  /** Manifest file name, or null for none. */
  checksums: string | null;
  hidden: boolean;
  /** Also publish dotfiles and dot-directories found by directory walks and globs. */
  includeHidden?: boolean;
  dryRun: boolean;
}

export interface PublishResult {
  ref: PackageRef;
  packageUrl: string;
  files: TransferResult[];
  uploaded: number;
  skipped: number;
  /** Hidden files that directories and globs matched and that were not published. */
  leftOut: LeftOut[];
  dryRun: boolean;
}

interface PlannedFile {
  local: LocalFile;
  existing?: RemoteFile;
  /** Known before upload only for files that already exist remotely. */
  sha256?: string;
  action: 'upload' | 'skip' | 'replace';
}

export async function publishFiles(registry: RegistryAdapter, options: PublishOptions, reporter: Reporter): Promise<PublishResult> {
  const { ref } = options;
  registry.validateRef(ref);
  const { files: locals, leftOut } = await expandInputs(options.inputs, options.cwd, { includeHidden: options.includeHidden });
  reportLeftOut(leftOut, reporter);
  for (const file of locals) registry.validateFileName(file.name);
  if (options.checksums !== null) {
    registry.validateFileName(options.checksums);
    const clash = locals.find((file) => registry.sameFileName(file.name, options.checksums!));
    if (clash) {
      throw inputError(
        `${clash.path} would be published as ${options.checksums}, the name of the checksum manifest`,
        'rename the file, pick another manifest name with --checksums NAME, or pass --checksums none',
      );
    }
  }

  const remote = await registry.listFiles(ref);
  const plan = await planUploads(registry, locals, remote, options.ifExists);
  const url = (name: string) => registry.fileUrl(ref, name);

  if (options.dryRun) {
    const files = plan.map((p): TransferResult => ({
      name: p.local.name,
      path: p.local.path,
      size: p.local.size,
      sha256: p.sha256 ?? '',
      url: url(p.local.name),
      status: p.action === 'skip' ? 'skipped' : 'planned',
      note: p.action === 'skip' ? 'identical file already published' : p.action === 'replace' ? 'would replace the published file' : 'would upload',
    }));
    for (const file of files) reporter.done(file);
    if (options.checksums) reporter.info(`would publish ${options.checksums} covering ${new Set([...plan.map((p) => p.local.name), ...remote.map((r) => r.fileName)].filter((n) => n !== options.checksums)).size} files`);
    return { ref, packageUrl: registry.packageUrl(ref), files, uploaded: 0, skipped: files.filter((f) => f.status === 'skipped').length, leftOut, dryRun: true };
  }

  const results = new Map<string, TransferResult>();
  const digests = new Map<string, string>();
  const unverified: { name: string; sha256: string }[] = [];
  for (const p of plan.filter((p) => p.action === 'skip')) {
    const result: TransferResult = { name: p.local.name, path: p.local.path, size: p.local.size, sha256: p.sha256!, url: url(p.local.name), status: 'skipped', note: 'identical file already published' };
    results.set(p.local.name, result);
    digests.set(p.local.name, p.sha256!);
    reporter.done(result);
  }

  const send = async (p: PlannedFile): Promise<void> => {
    // A planned upload with an existing file is a replace: planUploads refuses every other conflict.
    const source: UploadSource = { name: p.local.name, path: p.local.path, size: p.local.size };
    record(p.local, await sendFile(registry, ref, source, p.existing, { hidden: options.hidden, reporter }));
  };
  const record = (local: { name: string; path?: string; size: number }, uploaded: VerifiedUpload) => {
    const result: TransferResult = { name: local.name, path: local.path, size: local.size, sha256: uploaded.localSha256, url: url(local.name), status: 'uploaded' };
    if (!uploaded.verified) unverified.push({ name: local.name, sha256: uploaded.localSha256 });
    results.set(local.name, result);
    digests.set(local.name, uploaded.localSha256);
    reporter.done(result);
  };

  // The first upload into a new version goes alone, so that the package is created once
  // (concurrent first uploads can fail with 500 or create two packages: GitLab
  // `doc/user/packages/generic_packages/index.md` asks for serial uploads, MR !87878).
  const pending = plan.filter((p) => p.action !== 'skip');
  let rest = pending;
  if (remote.length === 0 && pending.length > 0) {
    await send(pending[0]);
    rest = pending.slice(1);
  }
  await mapPool(rest, options.concurrency, send);

  if (options.checksums) {
    const manifestName = options.checksums;
    for (const file of remote) {
      const covered = [...digests.keys()].some((name) => registry.sameFileName(name, file.fileName));
      if (!covered && !registry.sameFileName(file.fileName, manifestName) && file.sha256) digests.set(file.fileName, file.sha256);
    }
    const text = formatManifest([...digests].map(([name, sha256]) => ({ name, sha256 })));
    await publishManifest(registry, ref, manifestName, Buffer.from(text), remote, reporter, options.hidden, record, results);
  }

  if (unverified.length > 0) await verifyFromListing(registry, ref, unverified);

  const files = [...results.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    ref,
    packageUrl: registry.packageUrl(ref),
    files,
    uploaded: files.filter((f) => f.status === 'uploaded').length,
    skipped: files.filter((f) => f.status === 'skipped').length,
    leftOut,
    dryRun: false,
  };
}

/** One line for what stays home, naming the first few; `--json` carries the whole list. */
function reportLeftOut(leftOut: LeftOut[], reporter: Reporter): void {
  if (leftOut.length === 0) return;
  const count = leftOut.reduce((sum, entry) => sum + entry.files, 0);
  const named = leftOut.slice(0, 5).map((entry) => (entry.path.endsWith('/') ? `${entry.path} (${entry.files})` : entry.path));
  const more = leftOut.length > named.length ? `, and ${leftOut.length - named.length} more` : '';
  reporter.info(`left out ${count} hidden file${count === 1 ? '' : 's'}: ${named.join(', ')}${more}; --include-hidden publishes them`);
}

async function planUploads(registry: RegistryAdapter, locals: LocalFile[], remote: RemoteFile[], ifExists: IfExists): Promise<PlannedFile[]> {
  const plan = await mapPool(locals, 4, async (local): Promise<PlannedFile> => {
    const existing = remote.find((r) => registry.sameFileName(r.fileName, local.name));
    if (!existing) return { local, action: 'upload' };
    if (ifExists === 'fail') return { local, existing, action: 'upload' };
    const sha256 = await hashFile(local.path);
    if (existing.sha256 === sha256) return { local, existing, sha256, action: 'skip' };
    return { local, existing, sha256, action: ifExists === 'replace' ? 'replace' : 'upload' };
  });
  const conflicts = plan.filter((p) => p.existing && p.action === 'upload');
  if (conflicts.length > 0) {
    const list = conflicts.map((p) => `  ${p.local.name}${p.sha256 ? ` (published sha256 ${p.existing!.sha256 ?? 'unknown'}, local ${p.sha256})` : ''}`).join('\n');
    if (ifExists === 'fail') {
      throw new RelpackError('EXISTS', `${conflicts.length} file(s) already exist in this version and --if-exists is fail:\n${list}`, {
        hint: 'publish a new version, or use --if-exists skip (leave identical files) or --if-exists replace',
      });
    }
    throw new RelpackError('EXISTS_DIFFERENT', `${conflicts.length} file(s) already exist in this version with different content:\n${list}`, {
      hint: 'a published version should not change: publish a new version, or use --if-exists replace to overwrite these files',
    });
  }
  return plan;
}

/**
 * SHA256SUMS describes every file of the version after this publish. relpack owns it, so it is
 * replaced whenever its content changes, whatever --if-exists says for the other files.
 */
async function publishManifest(
  registry: RegistryAdapter,
  ref: PackageRef,
  name: string,
  data: Buffer,
  remote: RemoteFile[],
  reporter: Reporter,
  hidden: boolean,
  record: (local: { name: string; size: number }, uploaded: VerifiedUpload) => void,
  results: Map<string, TransferResult>,
): Promise<void> {
  const digest = sha256(data);
  const existing = remote.find((r) => registry.sameFileName(r.fileName, name));
  if (existing?.sha256 === digest) {
    const result: TransferResult = { name, size: data.length, sha256: digest, url: registry.fileUrl(ref, name), status: 'skipped', note: 'manifest unchanged' };
    results.set(name, result);
    reporter.done(result);
    return;
  }
  record({ name, size: data.length }, await sendFile(registry, ref, { name, size: data.length, data }, existing, { hidden, reporter }));
}

/**
 * Uploads one file; over `existing` it is a replace, done the way the registry allows
 * (RegistryAdapter.replaceFile). The rows already stored under the name are noted first, so that a
 * retry after a broken upload recognises only a row this upload added.
 */
async function sendFile(
  registry: RegistryAdapter,
  ref: PackageRef,
  source: UploadSource,
  existing: RemoteFile | undefined,
  options: { hidden: boolean; reporter: Reporter },
): Promise<VerifiedUpload> {
  const { reporter } = options;
  const upload = async (): Promise<VerifiedUpload> => {
    reporter.start('uploading', source.name, source.size);
    const knownIds = existing ? await rowIds(registry, ref, source.name) : new Set<number>();
    return uploadFile(registry, ref, source, { hidden: options.hidden, reporter, knownIds });
  };
  if (!existing) return upload();
  const replaced = await registry.replaceFile(ref, existing, upload);
  if (replaced.warning) reporter.warn(`${source.name}: ${replaced.warning}`);
  return replaced.upload;
}

/** For registries that do not return what they stored (Gitea answers 201 with no body). */
async function verifyFromListing(registry: RegistryAdapter, ref: PackageRef, sent: { name: string; sha256: string }[]): Promise<void> {
  const listed = await registry.listFiles(ref);
  for (const file of sent) {
    const stored = listed.find((r) => registry.sameFileName(r.fileName, file.name));
    if (!stored?.sha256) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${file.name}: uploaded, but the registry does not list it with a SHA-256 to verify`);
    }
    if (stored.sha256.toLowerCase() !== file.sha256) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${file.name}: the registry stored different bytes than were sent`, {
        hint: `sent sha256 ${file.sha256}, the registry lists ${stored.sha256}. Delete the file and publish again.`,
      });
    }
  }
}
