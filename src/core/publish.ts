/**
 * publish: local files -> one package version, idempotently.
 *
 * Plan first, write second: every local file is checked (core/local-files.ts), every name is
 * validated and every conflict with what the registry already holds is found before the first byte
 * is sent, so a refused publish changes nothing. Check last: once everything is uploaded, the
 * registry's listing must hold exactly the bytes this run sent (checkSent), which is where another
 * publish of the same version at the same time shows.
 */
import type { PackageRef, RegistryAdapter, RemoteFile } from '../registry/types.js';
import { RelpackError, inputError } from '../base/errors.js';
import { sha256 } from '../base/hashing.js';
import { expandInputs, type LeftOut, type LocalFile } from './local-files.js';
import { formatManifest } from '../base/manifest.js';
import { mapPool } from './pool.js';
import type { Reporter, TransferResult } from './progress.js';
import { hashPlanned, rowIds, uploadFile, type UploadSource, type VerifiedUpload } from './transfer.js';

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
  /** Also follow symbolic links that lead out of a published directory (or a glob's base). */
  followSymlinks?: boolean;
  dryRun: boolean;
}

export interface PublishResult {
  ref: PackageRef;
  packageUrl: string;
  files: TransferResult[];
  uploaded: number;
  skipped: number;
  /**
   * What directories and globs matched and that was not published: hidden files, and (with a
   * `reason`) entries that are not regular files and links back into a directory they are in.
   */
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
  const { files: locals, leftOut } = await expandInputs(options.inputs, options.cwd, { includeHidden: options.includeHidden, followSymlinks: options.followSymlinks });
  reportLeftOut(leftOut, reporter);
  // Names are compared, here and below, by the key the registry files them under (Gitea ignores
  // case): one map lookup per file, so that planning stays linear in the number of files.
  const key = (name: string) => registry.normalizeFileName(name);
  const localByKey = new Map<string, LocalFile>();
  for (const file of locals) {
    registry.validateFileName(file.name);
    const other = localByKey.get(key(file.name));
    if (other) {
      throw inputError(`${other.path} and ${file.path} would be published as ${JSON.stringify(other.name)} and ${JSON.stringify(file.name)}, which the registry takes for the same file name`, 'rename one of them');
    }
    localByKey.set(key(file.name), file);
  }
  if (options.checksums !== null) {
    registry.validateFileName(options.checksums);
    const clash = localByKey.get(key(options.checksums));
    if (clash) {
      throw inputError(
        `${clash.path} would be published as ${options.checksums}, the name of the checksum manifest`,
        'rename the file, pick another manifest name with --checksums NAME, or pass --checksums none',
      );
    }
  }

  const lookup = await registry.lookupFiles(ref, [...locals.map((file) => file.name), ...(options.checksums !== null ? [options.checksums] : [])]);
  if (lookup.warning) reporter.warn(lookup.warning);
  const remote = lookup.files;
  const remoteByKey = new Map(remote.map((file) => [key(file.fileName), file]));
  const plan = await planUploads(locals, remoteByKey, key, options.ifExists);
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
    if (options.checksums) {
      const covered = new Set([...localByKey.keys(), ...remoteByKey.keys()]);
      covered.delete(key(options.checksums));
      reporter.info(`would publish ${options.checksums} covering ${covered.size} files`);
    }
    return { ref, packageUrl: registry.packageUrl(ref), files, uploaded: 0, skipped: files.filter((f) => f.status === 'skipped').length, leftOut, dryRun: true };
  }

  const results = new Map<string, TransferResult>();
  const digests = new Map<string, string>();
  const sent: SentFile[] = [];
  const skip = (local: { name: string; path?: string; size: number }, sha256: string, note: string) => {
    const result: TransferResult = { name: local.name, path: local.path, size: local.size, sha256, url: url(local.name), status: 'skipped', note };
    results.set(local.name, result);
    digests.set(local.name, sha256);
    reporter.done(result);
  };
  for (const p of plan.filter((p) => p.action === 'skip')) skip(p.local, p.sha256!, 'identical file already published');

  const send = async (p: PlannedFile): Promise<void> => {
    // A planned upload with an existing file is a replace: planUploads refuses every other conflict.
    const source: UploadSource = { name: p.local.name, path: p.local.path, size: p.local.size, mtimeMs: p.local.mtimeMs, sha256: p.sha256 };
    const outcome = await sendFile(registry, ref, source, p.existing, { hidden: options.hidden, reporter });
    if ('identical' in outcome) skip(p.local, outcome.identical, 'published at the same time by another run, with the same content');
    else record(p.local, outcome);
  };
  const record = (local: { name: string; path?: string; size: number }, uploaded: SentUpload) => {
    const result: TransferResult = { name: local.name, path: local.path, size: local.size, sha256: uploaded.localSha256, url: url(local.name), status: 'uploaded' };
    sent.push({ name: local.name, sha256: uploaded.localSha256, knownIds: uploaded.knownIds });
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
    const covered = new Set([...digests.keys()].map(key));
    for (const file of remote) {
      if (!covered.has(key(file.fileName)) && key(file.fileName) !== key(manifestName) && file.sha256) digests.set(file.fileName, file.sha256);
    }
    const text = Buffer.from(formatManifest([...digests].map(([name, sha256]) => ({ name, sha256 }))));
    const digest = sha256(text);
    const existing = remoteByKey.get(key(manifestName));
    if (existing?.sha256 === digest) {
      skip({ name: manifestName, size: text.length }, digest, 'manifest unchanged');
    } else {
      // relpack owns the manifest: it is replaced whenever its content changes, whatever --if-exists says.
      const outcome = await sendFile(registry, ref, { name: manifestName, size: text.length, data: text }, existing, { hidden: options.hidden, reporter });
      if ('identical' in outcome) skip({ name: manifestName, size: text.length }, outcome.identical, 'published at the same time by another run, with the same content');
      else record({ name: manifestName, size: text.length }, outcome);
    }
  }

  if (sent.length > 0) await checkSent(registry, ref, sent, { hidden: options.hidden, reporter });

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

/** A line for what stays home and one for what was skipped, naming the first few; `--json` carries the whole list. */
function reportLeftOut(leftOut: LeftOut[], reporter: Reporter): void {
  const hidden = leftOut.filter((entry) => !entry.reason);
  if (hidden.length > 0) {
    const count = hidden.reduce((sum, entry) => sum + entry.files, 0);
    const named = hidden.slice(0, 5).map((entry) => (entry.path.endsWith('/') ? `${entry.path} (${entry.files})` : entry.path));
    const more = hidden.length > named.length ? `, and ${hidden.length - named.length} more` : '';
    reporter.info(`left out ${count} hidden file${count === 1 ? '' : 's'}: ${named.join(', ')}${more}; --include-hidden publishes them`);
  }
  const skipped = leftOut.filter((entry) => entry.reason);
  if (skipped.length > 0) {
    const named = skipped.slice(0, 5).map((entry) => `${entry.path} (${entry.reason})`);
    const more = skipped.length > named.length ? `, and ${skipped.length - named.length} more` : '';
    reporter.warn(`skipped ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that ${skipped.length === 1 ? 'is' : 'are'} not a regular file: ${named.join(', ')}${more}`);
  }
}

async function planUploads(locals: LocalFile[], remoteByKey: Map<string, RemoteFile>, key: (name: string) => string, ifExists: IfExists): Promise<PlannedFile[]> {
  const plan = await mapPool(locals, 4, async (local): Promise<PlannedFile> => {
    const existing = remoteByKey.get(key(local.name));
    if (!existing) return { local, action: 'upload' };
    if (ifExists === 'fail') return { local, existing, action: 'upload' };
    const sha256 = await hashPlanned({ name: local.name, path: local.path, size: local.size, mtimeMs: local.mtimeMs });
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

/** An upload as the final check needs it: what was sent, and which rows of its name were there before. */
interface SentUpload extends VerifiedUpload {
  knownIds: Set<number>;
}

/**
 * Uploads one file; over `existing` it is a replace, done the way the registry allows
 * (RegistryAdapter.replaceFile). The rows already stored under the name are noted first, so that a
 * retry after a broken upload recognises only a row this upload added.
 *
 * A new file that the registry refuses because the name is taken now (Gitea's 409, GitLab with
 * duplicates off: docs/gitea-behaviour.md case 2, docs/gitlab-behaviour.md case 6) was published
 * by another run since the plan: the same bytes make it this run's file too (`identical`), other
 * bytes a conflict.
 */
async function sendFile(
  registry: RegistryAdapter,
  ref: PackageRef,
  source: UploadSource,
  existing: RemoteFile | undefined,
  options: { hidden: boolean; reporter: Reporter },
): Promise<SentUpload | { identical: string }> {
  const { reporter } = options;
  let knownIds = new Set<number>();
  const upload = async (): Promise<VerifiedUpload> => {
    reporter.start('uploading', source.name, source.size);
    if (existing) knownIds = await rowIds(registry, ref, source.name);
    return uploadFile(registry, ref, source, { hidden: options.hidden, reporter, knownIds });
  };
  if (existing) {
    const replaced = await registry.replaceFile(ref, existing, upload);
    if (replaced.warning) reporter.warn(`${source.name}: ${replaced.warning}`);
    return { ...replaced.upload, knownIds };
  }
  try {
    return { ...(await upload()), knownIds };
  } catch (error) {
    if (!(error instanceof RelpackError && (error.code === 'EXISTS' || error.code === 'DUPLICATE'))) throw error;
    const ours = source.data ? sha256(source.data) : await hashPlanned(source);
    const key = registry.normalizeFileName(source.name);
    const stored = (await registry.lookupFiles(ref, [source.name])).files.find((file) => registry.normalizeFileName(file.fileName) === key);
    if (stored?.sha256?.toLowerCase() !== ours) {
      throw new RelpackError('CONFLICT', `${source.name}: another run published it into ${ref.name} ${ref.version} at the same time, with different content`, {
        hint: `this run's sha256 is ${ours}, the registry holds ${stored?.sha256 ?? 'no SHA-256'}. ${ANOTHER_RUN_HINT}`,
        cause: error,
      });
    }
    reporter.warn(`${source.name}: another run published the same file at the same time, with the same content; not uploading it again`);
    return { identical: ours };
  }
}

const ANOTHER_RUN_HINT =
  'Two publishes of the same version ran at once and the version now mixes their files: decide which build it should hold, delete the version (relpack delete) and publish that build again, or publish a new version.';

interface SentFile {
  name: string;
  sha256: string;
  /** Rows of the name that were there before this run (a replace whose older copies stay). */
  knownIds: Set<number>;
}

/**
 * The final check, after every upload: the registry lists the version, and under each name this
 * run sent it must hold only the bytes this run sent. Another publish of the same version running
 * at the same time shows here (docs/limits.md, "Local files"): GitLab keeps every PUT as a row
 * and serves the newest (docs/gitlab-behaviour.md case 5), so the other run's bytes sit beside or
 * over this run's. Different bytes are a conflict that fails the publish, naming the files; the
 * same bytes twice are a warning, and the copies are removed where the token may (the oldest row
 * stays: a run doing the same check at the same time keeps the same one). This also checks what
 * registries that do not return what they stored (Gitea answers 201 with no body) hold.
 */
async function checkSent(registry: RegistryAdapter, ref: PackageRef, sent: SentFile[], options: { hidden: boolean; reporter: Reporter }): Promise<void> {
  // A hidden GitLab package is not listed at all; each of its uploads was checked by the answer to its PUT.
  if (registry.unlistedUploads({ hidden: options.hidden })) return;
  const rowsByKey = new Map<string, RemoteFile[]>();
  for (const row of await registry.listRows(ref)) {
    const key = registry.normalizeFileName(row.fileName);
    const rows = rowsByKey.get(key);
    if (rows) rows.push(row);
    else rowsByKey.set(key, [row]);
  }
  const conflicts: string[] = [];
  for (const file of sent) {
    const rows = (rowsByKey.get(registry.normalizeFileName(file.name)) ?? []).filter((row) => row.id === undefined || !file.knownIds.has(row.id));
    if (rows.length === 0) {
      conflicts.push(`  ${file.name}: sent sha256 ${file.sha256}, the registry no longer lists it`);
      continue;
    }
    if (rows.some((row) => !row.sha256)) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${file.name}: uploaded, but the registry does not list it with a SHA-256 to verify`);
    }
    const others = [...new Set(rows.map((row) => row.sha256!.toLowerCase()).filter((digest) => digest !== file.sha256))];
    if (others.length > 0) {
      conflicts.push(`  ${file.name}: sent sha256 ${file.sha256}, the registry also holds ${others.join(', ')}`);
      continue;
    }
    if (rows.length > 1) await removeCopies(registry, ref, file.name, rows, options.reporter);
  }
  if (conflicts.length > 0) {
    throw new RelpackError('CONFLICT', `${conflicts.length} file(s) of ${ref.name} ${ref.version} hold bytes this run did not send:\n${conflicts.join('\n')}`, {
      hint: `another run published the same version at the same time, or the registry stored something else than was sent. ${ANOTHER_RUN_HINT}`,
    });
  }
}

/** The same bytes stored more than once under one name: warned about, and the copies removed where the token may. */
async function removeCopies(registry: RegistryAdapter, ref: PackageRef, name: string, rows: RemoteFile[], reporter: Reporter): Promise<void> {
  const ids = rows.map((row) => row.id).filter((id): id is number => id !== undefined);
  const copies = `${rows.length - 1} more cop${rows.length === 2 ? 'y' : 'ies'}`;
  if (ids.length < rows.length) {
    reporter.warn(`${name}: another run published the same file at the same time; the registry holds ${copies} of the same bytes`);
    return;
  }
  const outcome = await registry.removeDuplicates(ref, name, Math.min(...ids));
  reporter.warn(
    outcome === 'forbidden'
      ? `${name}: another run published the same file at the same time; the registry holds ${copies} of the same bytes, which this token may not delete`
      : `${name}: another run published the same file at the same time; removed ${copies} of the same bytes`,
  );
}
