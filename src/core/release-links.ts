/**
 * A tag's release page lists every file of a published version: one link per file (SHA256SUMS
 * included) to its generic-package download URL, and a table of the files with their size and
 * SHA-256 in the description. Run again, it converges: missing links are added, relpack's links
 * whose URL changed are updated, relpack's links to files the version no longer has are removed,
 * and nothing is duplicated. Links relpack did not make are never touched.
 *
 * Which links are relpack's: those named exactly as the file of this package their URL downloads
 * (any version): `fileOfUrl` tells. A link with another name is someone else's even when it
 * points at a file of the package ("Previous build"). A link of that name or URL made by someone
 * else stays, and the file it would have named is reported as left alone (GitLab refuses a second
 * link with the same name or URL: GitLab `app/models/releases/link.rb`).
 *
 * One version of a package per release: a second version of the same package linked to the tag
 * takes the links over (they have the same names), as a re-tag would.
 */
import { RelpackError, inputError } from '../base/errors.js';
import { escapeUnprintable, formatBytes } from '../base/format.js';
import type { PackageRef } from '../registry/types.js';
import type { LinkSpec, Release, ReleaseLink, ReleaseStore } from '../registry/releases/types.js';
import { mapPool } from './pool.js';
import type { Reporter } from './progress.js';

export interface ReleaseFile {
  fileName: string;
  size?: number;
  sha256?: string;
  /** The file's generic-package download URL. */
  url: string;
}

export interface LinkRequest {
  ref: PackageRef;
  tag: string;
  /** The commit a missing tag is created from (CI_COMMIT_SHA, GITHUB_SHA). */
  commit?: string;
  /** The description to give the release (`--release-notes`); default: the table of files. */
  notes?: string;
  files: ReleaseFile[];
  /** The file of this package (any version) a URL downloads, else undefined (RegistryAdapter.fileOfUrl). */
  fileOfUrl: (url: string) => string | undefined;
  concurrency: number;
}

export type LinkStatus = 'created' | 'updated' | 'kept' | 'deleted' | 'left-alone' | 'in-description' | 'planned';

export interface LinkResult {
  name: string;
  url: string;
  /** GitLab: the permanent `…/-/releases/TAG/downloads/<path>` URL. */
  directAssetUrl?: string;
  status: LinkStatus;
  note?: string;
}

export interface ReleaseOutcome {
  tag: string;
  /** The release was created by this run (false: it existed and was updated). */
  created: boolean;
  /** The description was changed by this run. */
  described: boolean;
  webUrl?: string;
  /** One per file of the version, and one per removed stale link of relpack's. */
  links: LinkResult[];
  /** Why links live in the description rather than as attachments (a Gitea without external attachments). */
  inDescription?: string;
}

/** At most this many files are listed in the description; the rest are summed up (SHA256SUMS has them all). */
export const MAX_DESCRIBED_FILES = 1000;

/**
 * A tag name git accepts (`git check-ref-format`, `refs/tags/<tag>`), checked before any request:
 * the release's tag is created from it when it does not exist.
 */
export function validateTagName(tag: string): void {
  const refuse = (rule: string) => {
    throw inputError(`invalid release tag ${JSON.stringify(tag)}: ${rule}`, 'give --release-tag a tag name git accepts (see git check-ref-format), e.g. v1.4.2');
  };
  if (tag === '') refuse('it is empty');
  if (tag.length > 255) refuse('it is longer than 255 characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule refuses
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(tag)) refuse('it contains a space, a control character or one of ~ ^ : ? * [ \\');
  if (tag.includes('..')) refuse('it contains ".."');
  if (tag.includes('@{') || tag === '@') refuse('it contains "@{" or is "@"');
  if (tag.startsWith('/') || tag.endsWith('/') || tag.includes('//')) refuse('it starts or ends with "/" or has an empty part');
  if (tag.endsWith('.')) refuse('it ends with "."');
  if (tag.startsWith('-')) refuse('it starts with "-"');
  for (const part of tag.split('/')) {
    if (part.startsWith('.')) refuse(`its part ${JSON.stringify(part)} starts with "."`);
    if (part.endsWith('.lock')) refuse(`its part ${JSON.stringify(part)} ends with ".lock"`);
  }
}

/**
 * Creates or updates the release of `request.tag` and links every file of the version to it.
 * Each step is a request of its own and is repeated safely: a run that failed half-way leaves a
 * release that the next run completes.
 */
export async function linkRelease(store: ReleaseStore, request: LinkRequest, reporter: Reporter): Promise<ReleaseOutcome> {
  validateTagName(request.tag);
  const section = filesSection(request.ref, request.files);
  const attach = await store.linksSupported();
  const inDescription = attach ? undefined : `${store.describe(request.tag)} cannot hold links to other addresses: the files are linked from its description`;
  if (inDescription) reporter.warn(inDescription);
  // The package's own section is left out of the description only when --release-notes replace
  // the table and the links are attachments; other packages' sections always stay.
  const own = request.notes !== undefined && attach ? undefined : section;
  const wanted = (current: string) => describedAs(current, request.ref.name, own, request.notes);

  let created = false;
  let described = false;
  let release = await store.read(request.tag);
  if (!release) {
    const answer = await store.create(request.tag, { name: request.tag, description: wanted('') }, request.commit);
    if (answer === 'exists') release = await store.read(request.tag);
    else {
      release = answer;
      created = true;
      described = true;
      reporter.info(`created    ${store.describe(request.tag)}`);
    }
    if (!release) throw new RelpackError('CONFLICT', `${store.describe(request.tag)} was created by another writer and then removed`, { hint: 'run the command again', fromRegistry: true });
  }
  // Read, change, write has no compare-and-set on either platform: after writing, read again and
  // write again while another job's write took this package's section out (two packages linked to
  // one release at the same time). A few rounds settle it; each round is one job's turn.
  for (let round = 0; round < DESCRIBE_ROUNDS && !(created && round === 0); round++) {
    const description = wanted(release.description);
    if (description === release.description) break;
    await store.update(release, description);
    described = true;
    reporter.info(`updated    the description of ${store.describe(request.tag)}`);
    release = (await store.read(request.tag)) ?? release;
  }
  if (!attach) {
    const links = request.files.map((file): LinkResult => ({ name: file.fileName, url: file.url, status: 'in-description' }));
    return { tag: request.tag, created, described, webUrl: release.webUrl, links, inDescription };
  }
  const links = await converge(store, release, request, reporter);
  return { tag: request.tag, created, described, webUrl: release.webUrl, links };
}

/** Rounds of read-after-write for the description (linkRelease). */
const DESCRIBE_ROUNDS = 3;

/**
 * The description to give the release: the current text with this package's section replaced
 * (or added); with `notes`, the notes, then the other packages' sections as they are, then this
 * package's own section when there is one to keep (links that live in the description).
 */
export function describedAs(current: string, packageName: string, own: string | undefined, notes?: string): string {
  if (notes === undefined) return withSection(current, packageName, own ?? '');
  const others = sections(current).filter((section) => section.name !== markerName(packageName)).map((section) => section.text);
  const parts = [...others, ...(own === undefined ? [] : [own])];
  return parts.length ? `${notes.replace(/\s+$/, '')}\n\n${parts.join('\n\n')}` : notes;
}

/** The links relpack would make, for a dry run: nothing is read or written. */
export function plannedLinks(store: Pick<ReleaseStore, 'assetPath'>, files: ReleaseFile[]): LinkResult[] {
  return desiredLinks(store, files).map(({ spec, note }) => ({ name: spec.name, url: spec.url, status: 'planned', note: note ?? (spec.directAssetPath ? `permanent path ${spec.directAssetPath}` : undefined) }));
}

interface Desired {
  spec: LinkSpec;
  note?: string;
}

/** One link per file, with its permanent path where the platform has them; two files never share a path. */
function desiredLinks(store: Pick<ReleaseStore, 'assetPath'>, files: ReleaseFile[]): Desired[] {
  const paths = new Set<string>();
  return files.map((file) => {
    const spec: LinkSpec = { name: file.fileName, url: file.url };
    const asset = store.assetPath?.(file.fileName);
    let note = asset?.note;
    if (asset?.path && paths.has(asset.path)) note = `no permanent path: ${asset.path} is another file's`;
    else if (asset?.path) {
      spec.directAssetPath = asset.path;
      paths.add(asset.path);
    }
    return { spec, note };
  });
}

/** Deletes relpack's stale links, then updates and creates, so that names, URLs and paths are free when they are reused. */
async function converge(store: ReleaseStore, release: Release, request: LinkRequest, reporter: Reporter): Promise<LinkResult[]> {
  const ours = (link: ReleaseLink) => request.fileOfUrl(link.url) === link.name;
  const byName = new Map(release.links.map((link) => [link.name, link]));
  const byUrl = new Map(release.links.map((link) => [link.url, link]));
  const claimed = new Set<ReleaseLink>();
  // Permanent paths held by links relpack will not change: a new link cannot take them.
  const foreignPaths = new Set(release.links.filter((link) => !ours(link) && link.directAssetPath).map((link) => link.directAssetPath as string));

  type Step = { desired: Desired; existing?: ReleaseLink; result: LinkResult };
  const steps: Step[] = [];
  const results: LinkResult[] = [];
  for (const desired of desiredLinks(store, request.files)) {
    const { spec } = desired;
    if (spec.directAssetPath && foreignPaths.has(spec.directAssetPath)) {
      desired.note = `no permanent path: ${spec.directAssetPath} belongs to a link relpack did not make`;
      delete spec.directAssetPath;
    }
    const named = byName.get(spec.name);
    const existing = named ?? byUrl.get(spec.url);
    const result: LinkResult = { name: spec.name, url: spec.url, status: 'kept', note: desired.note };
    results.push(result);
    if (existing) claimed.add(existing);
    if (existing && !ours(existing)) {
      if (existing.url === spec.url) {
        result.note = existing.name === spec.name ? 'linked already by someone else' : `linked already as ${JSON.stringify(existing.name)} by someone else`;
        result.directAssetUrl = existing.directAssetUrl;
      } else {
        result.status = 'left-alone';
        result.note = `a link named ${JSON.stringify(spec.name)} that relpack did not make points elsewhere (${escapeUnprintable(existing.url, { lines: false })}): left alone, so this file has no link`;
      }
      continue;
    }
    if (existing && !existing.outdated && existing.name === spec.name && existing.url === spec.url && (existing.directAssetPath ?? undefined) === (spec.directAssetPath ?? undefined)) {
      result.directAssetUrl = existing.directAssetUrl;
      continue;
    }
    steps.push({ desired, existing, result });
  }
  const stale = release.links.filter((link) => ours(link) && !claimed.has(link));

  const wantedNames = new Set(request.files.map((file) => file.fileName));
  await mapPool(stale, request.concurrency, async (link) => {
    await store.deleteLink(release, link);
    const note = wantedNames.has(link.name) ? 'a second link to the same file' : `not a file of ${request.ref.name} ${request.ref.version}`;
    results.push({ name: link.name, url: link.url, status: 'deleted', note });
    reporter.info(`unlinked   ${escapeUnprintable(link.name, { lines: false })} (${note})`);
  });
  await mapPool(steps, request.concurrency, async ({ desired, existing, result }) => {
    const answer = existing ? await store.updateLink(release, existing, desired.spec) : await store.addLink(release, desired.spec);
    if (answer === 'taken') {
      // Another run linked it a moment ago (or a retried request did): the same link is there.
      const now = (await store.read(request.tag))?.links.find((link) => link.name === desired.spec.name);
      if (now && now.url === desired.spec.url) {
        result.status = 'kept';
        result.note = 'linked at the same time by another run';
        result.directAssetUrl = now.directAssetUrl;
        return;
      }
      result.status = 'left-alone';
      result.note = `${store.describe(request.tag)} holds another link with this name, URL or path: left alone, so this file has no link`;
      return;
    }
    result.status = existing ? 'updated' : 'created';
    result.directAssetUrl = answer.directAssetUrl;
    reporter.info(`${existing ? 'relinked  ' : 'linked    '} ${escapeUnprintable(desired.spec.name, { lines: false })}${answer.directAssetUrl ? ` ${escapeUnprintable(answer.directAssetUrl, { lines: false })}` : ''}`);
  });
  for (const result of results) if (result.status === 'left-alone') reporter.warn(`${escapeUnprintable(result.name, { lines: false })}: ${result.note}`);
  return results;
}

const START = (name: string) => `<!-- relpack:files ${name} -->`;
const END = (name: string) => `<!-- /relpack:files ${name} -->`;
const SECTION = /<!-- relpack:files (\S+) -->[\s\S]*?<!-- \/relpack:files \1 -->/g;

/** Every package's section in a description, in order. */
function sections(description: string): { name: string; text: string }[] {
  return [...description.matchAll(SECTION)].map((match) => ({ name: match[1] as string, text: match[0] }));
}

/**
 * The description's table of files, between markers that name the package, so that a re-run
 * replaces it and another package's table on the same release stays.
 */
export function filesSection(ref: PackageRef, files: ReleaseFile[]): string {
  const name = markerName(ref.name);
  const rows = files.slice(0, MAX_DESCRIBED_FILES).map((file) => {
    const size = file.size === undefined ? '' : formatBytes(file.size);
    return `| [${markdownText(file.fileName)}](${markdownUrl(file.url)}) | ${size} | ${file.sha256 ? `\`${file.sha256}\`` : ''} |`;
  });
  const more = files.length > MAX_DESCRIBED_FILES ? [`\n…and ${files.length - MAX_DESCRIBED_FILES} more files: every one is in the package's checksum manifest.`] : [];
  return [
    START(name),
    `**${markdownText(ref.name)} ${markdownText(ref.version)}**: ${files.length} file${files.length === 1 ? '' : 's'} in the package registry, each checked by SHA-256.`,
    '',
    '| File | Size | SHA-256 |',
    '| :-- | --: | :-- |',
    ...rows,
    ...more,
    END(name),
  ].join('\n');
}

/** `description` with the package's section replaced, or appended when it has none. */
export function withSection(description: string, packageName: string, section: string): string {
  const name = markerName(packageName);
  const start = description.indexOf(START(name));
  const end = start < 0 ? -1 : description.indexOf(END(name), start);
  if (start >= 0 && end >= 0) return description.slice(0, start) + section + description.slice(end + END(name).length);
  const before = description.replace(/\s+$/, '');
  return before ? `${before}\n\n${section}` : section;
}

/**
 * A package name inside an HTML comment, as one word that no other name gives: `%` escaped
 * first, then runs of `-` (`--` would end the comment), `>` and white space.
 */
function markerName(name: string): string {
  return name
    .replace(/%/g, '%25')
    .replace(/-{2,}/g, (run) => '%2D'.repeat(run.length))
    .replace(/[>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Text in a Markdown table cell: `|`, brackets and backslashes escaped, no line breaks. */
function markdownText(text: string): string {
  return text.replace(/[\\|[\]<>*_`]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** A URL in a Markdown link: spaces and parentheses percent-encoded. */
function markdownUrl(url: string): string {
  return url.replace(/[ ()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
