/**
 * One shape for what an operation produced, whichever shell ran it: the action's outputs and job
 * summary, and the CLI's dotenv report (the component's), are all made from it, so an output
 * means the same thing everywhere. Output names are component.yml's `outputs`.
 */
import { RelpackError } from '../base/errors.js';
import type { DownloadResult } from '../core/download.js';
import type { ListResult } from '../core/list.js';
import type { PruneResult } from '../core/prune.js';
import type { PublishResult } from '../core/publish.js';
import type { ReleaseOutcome } from '../core/release-links.js';
import type { ReleaseResult } from '../core/release.js';

export type OperationName = 'publish' | 'download' | 'list' | 'bump' | 'prune' | 'release';

export interface FileRow {
  name: string;
  path?: string;
  size: number;
  sha256: string;
  url: string;
  status: string;
}

export interface RunSummary {
  command: OperationName;
  name: string;
  version: string;
  previousVersion?: string;
  packageUrl?: string;
  files: FileRow[];
  /** list: the package's versions; prune: each version considered, with what was decided. */
  versions?: { version: string; createdAt?: string; decision?: string; reason?: string }[];
  uploaded?: number;
  skipped?: number;
  downloaded?: number;
  pruned?: number;
  kept?: number;
  outDir?: string;
  dryRun?: boolean;
  /** The release the files were linked to. */
  release?: ReleaseOutcome;
}

export function summarizePublish(result: PublishResult & { release?: ReleaseOutcome }): RunSummary {
  const { ref, packageUrl, files, uploaded, skipped, dryRun, release } = result;
  return { command: 'publish', name: ref.name, version: ref.version, packageUrl, files, uploaded, skipped, dryRun, release };
}

export function summarizeBump(result: ReleaseResult & { release?: ReleaseOutcome }): RunSummary {
  const { ref, version, previousVersion, packageUrl, files, uploaded, skipped, dryRun, release } = result;
  return { command: 'bump', name: ref.name, version, previousVersion, packageUrl, files, uploaded, skipped, dryRun, release };
}

/** `relpack release`: the links are in `release`; no file was transferred. */
export function summarizeRelease(result: { ref: { name: string; version: string }; release: ReleaseOutcome }): RunSummary {
  return { command: 'release', name: result.ref.name, version: result.ref.version, files: [], release: result.release };
}

export function summarizeDownload(result: DownloadResult): RunSummary {
  const { ref, packageUrl, files, downloaded, skipped, outDir } = result;
  return { command: 'download', name: ref.name, version: ref.version, packageUrl, files, downloaded, skipped, outDir };
}

export function summarizeList(result: ListResult): RunSummary {
  const files = (result.files ?? []).map((file): FileRow => ({ name: file.fileName, size: file.size ?? 0, sha256: file.sha256 ?? '', url: file.url, status: 'listed' }));
  const versions = result.versions?.map((v) => ({ version: v.version, createdAt: v.createdAt }));
  return { command: 'list', name: result.name, version: result.version ?? '', packageUrl: result.packageUrl, files, versions };
}

export function summarizePrune(result: PruneResult): RunSummary {
  const versions = result.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, decision: v.decision, reason: v.reason }));
  return { command: 'prune', name: result.name, version: '', files: [], versions, pruned: result.pruned, kept: result.kept, dryRun: result.dryRun };
}

/** Each output that the run sets, as the text an action output or a dotenv variable holds. */
export function outputValues(summary: RunSummary): Record<string, string> {
  const values: Record<string, string> = { name: summary.name };
  if (summary.version) values.version = summary.version;
  if (summary.command === 'bump') values['previous-version'] = summary.previousVersion ?? '';
  if (summary.packageUrl) values['package-url'] = summary.packageUrl;
  values.files = JSON.stringify(summary.files.map((f) => ({ name: f.name, path: f.path ?? null, size: f.size, sha256: f.sha256, url: f.url, status: f.status })));
  if (summary.versions) values.versions = JSON.stringify(summary.versions);
  if (summary.uploaded !== undefined) values.uploaded = String(summary.uploaded);
  if (summary.skipped !== undefined) values.skipped = String(summary.skipped);
  if (summary.downloaded !== undefined) values.downloaded = String(summary.downloaded);
  if (summary.pruned !== undefined) values.pruned = String(summary.pruned);
  if (summary.kept !== undefined) values.kept = String(summary.kept);
  if (summary.release?.webUrl) values['release-url'] = summary.release.webUrl;
  return values;
}

/**
 * A dotenv report: `NAME=value` a line, for the variables `names` maps to outputs. Values are one
 * line by construction (versions, URLs, counts); a newline in one would end the variable early in
 * GitLab's parser, so it is refused rather than written.
 */
export function formatDotenv(summary: RunSummary, names: Readonly<Record<string, string>>): string {
  const values = outputValues(summary);
  return Object.entries(names)
    .map(([variable, output]) => {
      const value = values[output] ?? '';
      if (/[\r\n]/.test(value)) throw new RelpackError('INTERNAL', `${output} holds a line break and cannot go into a dotenv report`);
      return `${variable}=${value}\n`;
    })
    .join('');
}
