/** The job summary: the version line, then a table of the files with size, short SHA-256, status and link. */
import * as core from '@actions/core';
import { formatBytes } from '../base/format.js';
import type { RunSummary as SummaryData } from '../operations/outputs.js';

export type { FileRow, RunSummary as SummaryData } from '../operations/outputs.js';

export function versionLine(data: SummaryData): string {
  const pkg = data.packageUrl ? `<a href="${escapeHtml(data.packageUrl)}">${escapeHtml(data.name)} ${escapeHtml(data.version)}</a>` : `${escapeHtml(data.name)} ${escapeHtml(data.version)}`;
  switch (data.command) {
    case 'publish':
      return `${data.dryRun ? 'Dry run: would publish' : 'Published'} ${pkg}: ${data.uploaded ?? 0} uploaded, ${data.skipped ?? 0} skipped.`;
    case 'bump':
      return `${data.dryRun ? 'Dry run: would bump' : 'Bumped'} ${escapeHtml(data.name)} from ${escapeHtml(data.previousVersion || 'nothing')} to ${pkg}: ${data.uploaded ?? 0} uploaded, ${data.skipped ?? 0} skipped.`;
    case 'download':
      return `Downloaded ${pkg} to <code>${escapeHtml(data.outDir ?? '')}</code>: ${data.downloaded ?? 0} downloaded, ${data.skipped ?? 0} already present.`;
    case 'prune':
      return `${data.dryRun ? 'Dry run: would prune' : 'Pruned'} ${data.pruned ?? 0} version(s) of ${escapeHtml(data.name)}, kept ${data.kept ?? 0}.`;
    case 'list':
      return data.versions ? `${escapeHtml(data.name)}: ${data.versions.length} version(s).` : `Files of ${pkg}.`;
    case 'release':
      return `Linked ${pkg} to ${releaseLink(data)}.`;
  }
}

/** The release a run linked, as a link to its page. */
function releaseLink(data: SummaryData): string {
  const release = data.release;
  if (!release) return 'no release';
  const tag = `the release of ${escapeHtml(release.tag)}`;
  return release.webUrl ? `<a href="${escapeHtml(release.webUrl)}">${tag}</a>` : tag;
}

export async function writeSummary(data: SummaryData): Promise<void> {
  const summary = core.summary.addHeading(`relpack ${data.command}`, 3).addRaw(`<p>${versionLine(data)}</p>`, true);
  if (data.release) {
    if (data.command !== 'release') summary.addRaw(`<p>${data.dryRun ? 'Would link' : 'Linked'} the files to ${releaseLink(data)}.</p>`, true);
    summary.addTable([
      [{ data: 'link', header: true }, { data: 'status', header: true }, { data: 'note', header: true }],
      ...data.release.links.map((link) => [`<a href="${escapeHtml(link.directAssetUrl ?? link.url)}">${escapeHtml(link.name)}</a>`, link.status, escapeHtml(link.note ?? '')]),
    ]);
  }
  if (data.versions) {
    summary.addTable([
      [{ data: 'version', header: true }, { data: 'created', header: true }],
      ...data.versions.map((v) => [escapeHtml(v.version), escapeHtml(v.createdAt ?? '')]),
    ]);
  } else if (data.files.length) {
    summary.addTable([
      [{ data: 'file', header: true }, { data: 'size', header: true }, { data: 'SHA-256', header: true }, { data: 'status', header: true }],
      ...data.files.map((f) => [
        f.url ? `<a href="${escapeHtml(f.url)}">${escapeHtml(f.name)}</a>` : escapeHtml(f.name),
        formatBytes(f.size),
        f.sha256 ? `<code>${f.sha256.slice(0, 12)}</code>` : '',
        f.status,
      ]),
    ]);
  }
  await summary.write();
}

/** The failure, as the log shows it, so the run's page says what went wrong without opening the log. */
export async function writeFailureSummary(message: string): Promise<void> {
  await core.summary.addHeading('relpack failed', 3).addCodeBlock(message).write();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
