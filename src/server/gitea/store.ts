// Gitea metadata: packages, versions, files and Actions variables, in memory, rebuilt from the
// journal on start. `apply` is the one place state changes (live and on replay). Names, versions
// and file names are matched through their lower-case form, like Gitea's lower_name /
// lower_version columns (Gitea `models/packages/package.go`, `package_version.go`;
// docs/gitea-behaviour.md, case 17); the display case of the first upload
// is what responses show.
import type { JournalRecord } from '../journal.js';

export interface PackageRow {
  id: number;
  /** Owner name, lower-case. */
  owner: string;
  type: 'generic';
  name: string;
  createdAt: string;
  /** Repository the package is linked to (v1 `-/link`), if any. */
  repoId?: number | null;
}

export interface VersionRow {
  id: number;
  packageId: number;
  version: string;
  creatorId: number;
  createdAt: string;
}

export interface FileRow {
  id: number;
  versionId: number;
  name: string;
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  sha512: string;
  blob: string;
  createdAt: string;
}

export interface VariableRow {
  /** `repo:<owner/repo>`, `org:<org>` or `user:<name>`, lower-case. */
  scope: string;
  ownerId: number;
  repoId: number;
  /** Upper-case. */
  name: string;
  data: string;
  description: string;
  createdAt: string;
}

/** A tag a release created (configured tags are in the repo's config). */
export interface TagRow {
  repoId: number;
  name: string;
  sha: string;
}

/** models/repo/release.go Release (not a plain tag: those are TagRows and config). */
export interface ReleaseRow {
  id: number;
  repoId: number;
  tag: string;
  target: string;
  title: string;
  note: string;
  draft: boolean;
  prerelease: boolean;
  /** Commit of the tag; '' while a draft's tag does not exist yet. */
  sha: string;
  publisherId: number;
  createdAt: string;
}

/** models/repo/attachment.go Attachment of a release; `externalUrl` '' for an uploaded file (F ≥9). */
export interface AttachmentRow {
  id: number;
  uuid: string;
  releaseId: number;
  name: string;
  size: number;
  externalUrl: string;
  uploaderId: number;
  createdAt: string;
}

export type GiteaRecord =
  | { op: 'package.create'; row: PackageRow }
  | { op: 'package.delete'; id: number }
  | { op: 'package.link'; id: number; repoId: number | null }
  | { op: 'version.create'; row: VersionRow }
  | { op: 'version.delete'; id: number }
  | { op: 'file.create'; row: FileRow }
  | { op: 'file.delete'; id: number }
  | { op: 'variable.put'; row: VariableRow; previousName?: string }
  | { op: 'variable.delete'; scope: string; name: string }
  | { op: 'tag.create'; row: TagRow }
  | { op: 'release.put'; row: ReleaseRow }
  /** DeleteReleaseByID without the tag: the release and its attachments go, the tag stays. */
  | { op: 'release.delete'; id: number }
  | { op: 'attachment.put'; row: AttachmentRow }
  | { op: 'attachment.delete'; id: number }
  | { op: 'release.ids'; nextRelease: number; nextAttachment: number }
  /** Next ids, kept in the compacted journal so ids of deleted rows are never handed out again. */
  | { op: 'ids'; next: { package: number; version: number; file: number } };

const lc = (s: string) => s.toLowerCase();

export class GiteaStore {
  readonly packages = new Map<number, PackageRow>();
  readonly versions = new Map<number, VersionRow>();
  readonly files = new Map<number, FileRow>();
  // Indexes, kept by apply(): lookups stay O(1) however many files the server holds.
  readonly #packageByName = new Map<string, PackageRow>(); // owner \0 lower(name)
  readonly #versionsByPackage = new Map<number, Map<string, VersionRow>>(); // lower(version)
  readonly #filesByVersion = new Map<number, Map<string, FileRow>>(); // lower(file name)
  readonly #blobRefs = new Map<string, number>();
  /** scope → upper-case name → row */
  readonly #variables = new Map<string, Map<string, VariableRow>>();
  #nextId = { package: 1, version: 1, file: 1 };
  readonly #tags = new Map<number, TagRow[]>();
  readonly releases = new Map<number, ReleaseRow>();
  readonly attachments = new Map<number, AttachmentRow>();
  #nextRelease = 1;
  #nextAttachment = 1;
  /** Download counts per version (not journaled: Gitea's download_count is not in any API answer used here). */
  readonly downloads = new Map<number, number>();

  alloc(kind: 'package' | 'version' | 'file'): number {
    return this.#nextId[kind]++;
  }

  allocRelease(): number {
    return this.#nextRelease++;
  }

  allocAttachment(): number {
    return this.#nextAttachment++;
  }

  apply(r: GiteaRecord): void {
    switch (r.op) {
      case 'package.create': {
        const row = { ...r.row };
        this.packages.set(row.id, row);
        this.#packageByName.set(`${row.owner}\0${lc(row.name)}`, row);
        this.#nextId.package = Math.max(this.#nextId.package, row.id + 1);
        break;
      }
      case 'package.delete': {
        const p = this.packages.get(r.id);
        for (const v of this.packageVersions(r.id)) this.apply({ op: 'version.delete', id: v.id });
        this.packages.delete(r.id);
        this.#versionsByPackage.delete(r.id);
        if (p) this.#packageByName.delete(`${p.owner}\0${lc(p.name)}`);
        break;
      }
      case 'package.link': {
        const p = this.packages.get(r.id);
        if (p) p.repoId = r.repoId;
        break;
      }
      case 'version.create': {
        const row = { ...r.row };
        this.versions.set(row.id, row);
        let m = this.#versionsByPackage.get(row.packageId);
        if (!m) this.#versionsByPackage.set(row.packageId, (m = new Map()));
        m.set(lc(row.version), row);
        this.#nextId.version = Math.max(this.#nextId.version, row.id + 1);
        break;
      }
      case 'version.delete': {
        const v = this.versions.get(r.id);
        for (const f of this.versionFiles(r.id)) this.apply({ op: 'file.delete', id: f.id });
        this.versions.delete(r.id);
        this.#filesByVersion.delete(r.id);
        if (v) this.#versionsByPackage.get(v.packageId)?.delete(lc(v.version));
        this.downloads.delete(r.id);
        break;
      }
      case 'file.create': {
        const row = { ...r.row };
        this.files.set(row.id, row);
        let m = this.#filesByVersion.get(row.versionId);
        if (!m) this.#filesByVersion.set(row.versionId, (m = new Map()));
        m.set(lc(row.name), row);
        this.#blobRefs.set(row.blob, (this.#blobRefs.get(row.blob) ?? 0) + 1);
        this.#nextId.file = Math.max(this.#nextId.file, row.id + 1);
        break;
      }
      case 'file.delete': {
        const f = this.files.get(r.id);
        if (!f) break;
        this.files.delete(r.id);
        this.#filesByVersion.get(f.versionId)?.delete(lc(f.name));
        const n = (this.#blobRefs.get(f.blob) ?? 1) - 1;
        if (n > 0) this.#blobRefs.set(f.blob, n);
        else this.#blobRefs.delete(f.blob);
        break;
      }
      case 'variable.put': {
        const m = this.#variables.get(r.row.scope) ?? new Map<string, VariableRow>();
        if (r.previousName) m.delete(r.previousName);
        m.set(r.row.name, { ...r.row });
        this.#variables.set(r.row.scope, m);
        break;
      }
      case 'variable.delete':
        this.#variables.get(r.scope)?.delete(r.name);
        break;
      case 'ids':
        for (const k of ['package', 'version', 'file'] as const) this.#nextId[k] = Math.max(this.#nextId[k], r.next[k] ?? 1);
        break;
      case 'tag.create': {
        const list = this.#tags.get(r.row.repoId) ?? [];
        if (!list.some((t) => t.name === r.row.name)) list.push({ ...r.row });
        this.#tags.set(r.row.repoId, list);
        break;
      }
      case 'release.put':
        this.releases.set(r.row.id, { ...r.row });
        this.#nextRelease = Math.max(this.#nextRelease, r.row.id + 1);
        break;
      case 'release.delete':
        this.releases.delete(r.id);
        for (const a of [...this.attachments.values()]) if (a.releaseId === r.id) this.attachments.delete(a.id);
        break;
      case 'attachment.put':
        this.attachments.set(r.row.id, { ...r.row });
        this.#nextAttachment = Math.max(this.#nextAttachment, r.row.id + 1);
        break;
      case 'attachment.delete':
        this.attachments.delete(r.id);
        break;
      case 'release.ids':
        this.#nextRelease = Math.max(this.#nextRelease, r.nextRelease);
        this.#nextAttachment = Math.max(this.#nextAttachment, r.nextAttachment);
        break;
    }
  }

  snapshot(): GiteaRecord[] {
    const out: GiteaRecord[] = [{ op: 'ids', next: { ...this.#nextId } }];
    for (const p of this.packages.values()) out.push({ op: 'package.create', row: { ...p } });
    for (const v of this.versions.values()) out.push({ op: 'version.create', row: { ...v } });
    for (const f of this.files.values()) out.push({ op: 'file.create', row: { ...f } });
    for (const m of this.#variables.values()) for (const v of m.values()) out.push({ op: 'variable.put', row: { ...v } });
    for (const list of this.#tags.values()) for (const t of list) out.push({ op: 'tag.create', row: { ...t } });
    for (const r of this.releases.values()) out.push({ op: 'release.put', row: { ...r } });
    for (const a of this.attachments.values()) out.push({ op: 'attachment.put', row: { ...a } });
    out.push({ op: 'release.ids', nextRelease: this.#nextRelease, nextAttachment: this.#nextAttachment });
    return out;
  }

  liveBlobs(): Set<string> {
    return new Set(this.#blobRefs.keys());
  }

  /** True while some file still points at the blob. */
  blobInUse(blob: string): boolean {
    return this.#blobRefs.has(blob);
  }

  findPackage(owner: string, name: string): PackageRow | undefined {
    return this.#packageByName.get(`${lc(owner)}\0${lc(name)}`);
  }

  findVersion(packageId: number, version: string): VersionRow | undefined {
    return this.#versionsByPackage.get(packageId)?.get(lc(version));
  }

  findFile(versionId: number, name: string): FileRow | undefined {
    return this.#filesByVersion.get(versionId)?.get(lc(name));
  }

  ownerPackages(owner: string): PackageRow[] {
    return [...this.packages.values()].filter((p) => p.owner === lc(owner));
  }

  packageVersions(packageId: number): VersionRow[] {
    return [...(this.#versionsByPackage.get(packageId)?.values() ?? [])];
  }

  /** Ordered by lower-case name, then creation, then id (Gitea `models/packages/package_file.go`). */
  versionFiles(versionId: number): FileRow[] {
    return [...(this.#filesByVersion.get(versionId)?.values() ?? [])].sort(
      (a, b) => cmp(lc(a.name), lc(b.name)) || cmp(a.createdAt, b.createdAt) || a.id - b.id,
    );
  }

  ownerBytes(owner: string): number {
    let n = 0;
    for (const p of this.ownerPackages(owner)) for (const v of this.packageVersions(p.id)) for (const f of this.#filesByVersion.get(v.id)?.values() ?? []) n += f.size;
    return n;
  }

  createdTags(repoId: number): TagRow[] {
    return this.#tags.get(repoId) ?? [];
  }

  /** GetRelease: by lower-case tag name (`LowerTagName` in Gitea `models/repo/release.go`). */
  releaseByTag(repoId: number, tag: string): ReleaseRow | undefined {
    for (const r of this.releases.values()) if (r.repoId === repoId && lc(r.tag) === lc(tag)) return r;
    return undefined;
  }

  repoReleases(repoId: number): ReleaseRow[] {
    return [...this.releases.values()].filter((r) => r.repoId === repoId);
  }

  /** A release's attachments in id order. */
  releaseAttachments(releaseId: number): AttachmentRow[] {
    return [...this.attachments.values()].filter((a) => a.releaseId === releaseId).sort((a, b) => a.id - b.id);
  }

  variables(scope: string): VariableRow[] {
    return [...(this.#variables.get(scope)?.values() ?? [])].sort((a, b) => cmp(a.name, b.name));
  }

  variable(scope: string, name: string): VariableRow | undefined {
    return this.#variables.get(scope)?.get(name.toUpperCase());
  }
}

export function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest created first, then id descending (`SearchVersions` in Gitea `models/packages/package_version.go`). */
export function newestFirst(a: VersionRow, b: VersionRow): number {
  return cmp(b.createdAt, a.createdAt) || b.id - a.id;
}

export function asRecord(r: GiteaRecord): Omit<JournalRecord, 'ns'> {
  return r as unknown as Omit<JournalRecord, 'ns'>;
}
