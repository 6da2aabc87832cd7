// GitLab metadata: packages, package files and CI/CD variables, in memory, rebuilt from the
// journal on start. Every change is a journal record; `apply` is the single place state changes,
// used both live and on replay, so a restart reproduces exactly what clients saw.
import type { JournalRecord } from '../journal.js';

/** Packages::Package statuses (GitLab `app/models/packages/package.rb`). */
export const PACKAGE_STATUSES = ['default', 'hidden', 'processing', 'error', 'pending_destruction', 'deprecated'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];
/** `installable`: what generic download may serve (`app/finders/packages/generic/package_finder.rb`). */
export const INSTALLABLE: readonly PackageStatus[] = ['default', 'hidden', 'deprecated'];
/** `displayable`: what GET by id, package_files and DELETE see (`app/finders/packages/package_finder.rb`). */
export const DISPLAYABLE: readonly PackageStatus[] = ['default', 'deprecated', 'error'];
/** Listed when no `status` filter is given (`app/finders/concerns/packages/finder_helper.rb`). */
export const LISTED_BY_DEFAULT: readonly PackageStatus[] = ['default', 'error', 'deprecated'];

export interface PackageRow {
  id: number;
  projectId: number;
  name: string;
  version: string;
  status: PackageStatus;
  createdAt: string;
  updatedAt: string;
  lastDownloadedAt: string | null;
  creatorId: number | null;
}

export interface FileRow {
  id: number;
  packageId: number;
  /** Stored form: raw at the root, encode_uri_component-encoded for path files. */
  fileName: string;
  size: number;
  sha256: string;
  blob: string;
  createdAt: string;
  status: 'default' | 'pending_destruction';
}

export interface VariableRow {
  projectId: number;
  key: string;
  value: string;
  variable_type: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  hidden: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}

/** A tag serve's project has beyond the configured ones (created by a release's `ref`). */
export interface TagRow {
  projectId: number;
  name: string;
  sha: string;
}

/** Release (GitLab `app/models/release.rb`); its links are LinkRows. */
export interface ReleaseRow {
  id: number;
  projectId: number;
  tag: string;
  /** null: the entity shows the tag (Release#name). */
  name: string | null;
  description: string | null;
  sha: string;
  authorId: number | null;
  createdAt: string;
  releasedAt: string;
}

/** Releases::Link (`app/models/releases/link.rb`). */
export interface LinkRow {
  id: number;
  releaseId: number;
  name: string;
  url: string;
  filepath: string | null;
  linkType: 'other' | 'runbook' | 'package' | 'image';
  createdAt: string;
}

export type GitlabRecord =
  | { op: 'package.create'; row: PackageRow }
  | { op: 'package.update'; id: number; status?: PackageStatus; lastDownloadedAt?: string; updatedAt?: string }
  | { op: 'file.create'; row: FileRow }
  | { op: 'file.update'; id: number; status: FileRow['status'] }
  | { op: 'variable.put'; row: VariableRow; previousScope?: string }
  | { op: 'variable.delete'; projectId: number; key: string; scope: string }
  | { op: 'tag.create'; row: TagRow }
  | { op: 'release.put'; row: ReleaseRow }
  | { op: 'link.put'; row: LinkRow }
  | { op: 'link.delete'; id: number }
  /** Next release/link ids, kept in the compacted journal so a deleted link's id is never reused. */
  | { op: 'release.ids'; nextRelease: number; nextLink: number };

export class GitlabStore {
  readonly packages = new Map<number, PackageRow>();
  readonly files = new Map<number, FileRow>();
  readonly #filesByPackage = new Map<number, FileRow[]>();
  readonly #variables = new Map<number, VariableRow[]>();
  #nextPackageId = 1;
  #nextFileId = 1;
  readonly #tags = new Map<number, TagRow[]>();
  readonly releases = new Map<number, ReleaseRow>();
  readonly links = new Map<number, LinkRow>();
  #nextReleaseId = 1;
  #nextLinkId = 1;

  allocReleaseId(): number {
    return this.#nextReleaseId++;
  }

  allocLinkId(): number {
    return this.#nextLinkId++;
  }

  allocPackageId(): number {
    return this.#nextPackageId++;
  }

  allocFileId(): number {
    return this.#nextFileId++;
  }

  apply(r: GitlabRecord): void {
    switch (r.op) {
      case 'package.create':
        this.packages.set(r.row.id, { ...r.row });
        this.#nextPackageId = Math.max(this.#nextPackageId, r.row.id + 1);
        break;
      case 'package.update': {
        const p = this.packages.get(r.id);
        if (!p) break;
        if (r.status) p.status = r.status;
        if (r.lastDownloadedAt) p.lastDownloadedAt = r.lastDownloadedAt;
        if (r.updatedAt) p.updatedAt = r.updatedAt;
        break;
      }
      case 'file.create': {
        const f = { ...r.row };
        this.files.set(f.id, f);
        const list = this.#filesByPackage.get(f.packageId) ?? [];
        list.push(f);
        this.#filesByPackage.set(f.packageId, list);
        this.#nextFileId = Math.max(this.#nextFileId, f.id + 1);
        break;
      }
      case 'file.update': {
        const f = this.files.get(r.id);
        if (f) f.status = r.status;
        break;
      }
      case 'variable.put': {
        const list = (this.#variables.get(r.row.projectId) ?? []).filter(
          (v) => !(v.key === r.row.key && v.environment_scope === (r.previousScope ?? r.row.environment_scope)),
        );
        list.push({ ...r.row });
        this.#variables.set(r.row.projectId, list);
        break;
      }
      case 'variable.delete': {
        const list = this.#variables.get(r.projectId) ?? [];
        this.#variables.set(r.projectId, list.filter((v) => !(v.key === r.key && v.environment_scope === r.scope)));
        break;
      }
      case 'tag.create': {
        const list = this.#tags.get(r.row.projectId) ?? [];
        if (!list.some((t) => t.name === r.row.name)) list.push({ ...r.row });
        this.#tags.set(r.row.projectId, list);
        break;
      }
      case 'release.put':
        this.releases.set(r.row.id, { ...r.row });
        this.#nextReleaseId = Math.max(this.#nextReleaseId, r.row.id + 1);
        break;
      case 'link.put':
        this.links.set(r.row.id, { ...r.row });
        this.#nextLinkId = Math.max(this.#nextLinkId, r.row.id + 1);
        break;
      case 'link.delete':
        this.links.delete(r.id);
        break;
      case 'release.ids':
        this.#nextReleaseId = Math.max(this.#nextReleaseId, r.nextRelease);
        this.#nextLinkId = Math.max(this.#nextLinkId, r.nextLink);
        break;
    }
  }

  snapshot(): GitlabRecord[] {
    const out: GitlabRecord[] = [];
    for (const p of this.packages.values()) out.push({ op: 'package.create', row: { ...p } });
    for (const f of this.files.values()) {
      // Files of deleted packages/files keep their rows (ids are never reused) but lose their blobs.
      out.push({ op: 'file.create', row: { ...f } });
    }
    for (const list of this.#variables.values()) for (const v of list) out.push({ op: 'variable.put', row: { ...v } });
    for (const list of this.#tags.values()) for (const t of list) out.push({ op: 'tag.create', row: { ...t } });
    for (const r of this.releases.values()) out.push({ op: 'release.put', row: { ...r } });
    for (const l of this.links.values()) out.push({ op: 'link.put', row: { ...l } });
    // Only once a release existed: a server that never saw one writes no release records.
    if (this.#nextReleaseId > 1 || this.#nextLinkId > 1) out.push({ op: 'release.ids', nextRelease: this.#nextReleaseId, nextLink: this.#nextLinkId });
    return out;
  }

  liveBlobs(): Set<string> {
    const s = new Set<string>();
    for (const f of this.files.values()) {
      const p = this.packages.get(f.packageId);
      if (f.status === 'default' && p && p.status !== 'pending_destruction') s.add(f.blob);
    }
    return s;
  }

  projectPackages(projectId: number): PackageRow[] {
    const out: PackageRow[] = [];
    for (const p of this.packages.values()) if (p.projectId === projectId) out.push(p);
    return out;
  }

  /** Live (not pending destruction) files of a package, in id order. */
  packageFiles(packageId: number): FileRow[] {
    return (this.#filesByPackage.get(packageId) ?? []).filter((f) => f.status === 'default');
  }

  /** Packages::Generic::PackageFinder: exact, case-sensitive name + version over installable packages. */
  findGeneric(projectId: number, name: string, version: string): PackageRow | undefined {
    let found: PackageRow | undefined;
    for (const p of this.packages.values()) {
      if (p.projectId === projectId && p.name === name && p.version === version && INSTALLABLE.includes(p.status)) {
        if (!found || p.id > found.id) found = p;
      }
    }
    return found;
  }

  /**
   * The package an upload appends to: same name+version and not pending destruction
   * (`app/services/packages/generic/find_or_create_package_service.rb`).
   */
  findForUpload(projectId: number, name: string, version: string): PackageRow | undefined {
    let found: PackageRow | undefined;
    for (const p of this.packages.values()) {
      if (p.projectId === projectId && p.name === name && p.version === version && p.status !== 'pending_destruction') {
        if (!found || p.id > found.id) found = p;
      }
    }
    return found;
  }

  /** Tags created at run time (configured tags are in the project's config). */
  createdTags(projectId: number): TagRow[] {
    return this.#tags.get(projectId) ?? [];
  }

  /** `project.releases.find_by_tag`: exact, case-sensitive. */
  findRelease(projectId: number, tag: string): ReleaseRow | undefined {
    for (const r of this.releases.values()) if (r.projectId === projectId && r.tag === tag) return r;
    return undefined;
  }

  projectReleases(projectId: number): ReleaseRow[] {
    return [...this.releases.values()].filter((r) => r.projectId === projectId);
  }

  /** Links of a release, newest first (`scope :sorted`, created_at desc; id breaks ties). */
  releaseLinks(releaseId: number): LinkRow[] {
    return [...this.links.values()].filter((l) => l.releaseId === releaseId).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
  }

  variables(projectId: number): VariableRow[] {
    return this.#variables.get(projectId) ?? [];
  }
}

export function asRecord(r: GitlabRecord): Omit<JournalRecord, 'ns'> {
  return r as unknown as Omit<JournalRecord, 'ns'>;
}
