// Gitea metadata: packages, versions, files and Actions variables, in memory, rebuilt from the
// journal on start. `apply` is the one place state changes (live and on replay). Names, versions
// and file names are matched through their lower-case form, like Gitea's lower_name /
// lower_version columns (gitea-api.md §1, edge case 17); the display case of the first upload
// is what responses show.
import type { JournalRecord } from '../journal.js';

export interface PackageRow {
  id: number;
  /** Owner name, lower-case. */
  owner: string;
  type: 'generic';
  name: string;
  createdAt: string;
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

export type GiteaRecord =
  | { op: 'package.create'; row: PackageRow }
  | { op: 'package.delete'; id: number }
  | { op: 'version.create'; row: VersionRow }
  | { op: 'version.delete'; id: number }
  | { op: 'file.create'; row: FileRow }
  | { op: 'file.delete'; id: number }
  | { op: 'variable.put'; row: VariableRow; previousName?: string }
  | { op: 'variable.delete'; scope: string; name: string }
  /** Next ids, kept in the compacted journal so ids of deleted rows are never handed out again. */
  | { op: 'ids'; next: { package: number; version: number; file: number } };

const lc = (s: string) => s.toLowerCase();

export class GiteaStore {
  readonly packages = new Map<number, PackageRow>();
  readonly versions = new Map<number, VersionRow>();
  readonly files = new Map<number, FileRow>();
  /** scope → upper-case name → row */
  readonly #variables = new Map<string, Map<string, VariableRow>>();
  #nextId = { package: 1, version: 1, file: 1 };
  /** Download counts per version (not journaled: Gitea's download_count is not in any API answer used here). */
  readonly downloads = new Map<number, number>();

  alloc(kind: 'package' | 'version' | 'file'): number {
    return this.#nextId[kind]++;
  }

  apply(r: GiteaRecord): void {
    switch (r.op) {
      case 'package.create':
        this.packages.set(r.row.id, { ...r.row });
        this.#nextId.package = Math.max(this.#nextId.package, r.row.id + 1);
        break;
      case 'package.delete':
        for (const v of this.packageVersions(r.id)) this.apply({ op: 'version.delete', id: v.id });
        this.packages.delete(r.id);
        break;
      case 'version.create':
        this.versions.set(r.row.id, { ...r.row });
        this.#nextId.version = Math.max(this.#nextId.version, r.row.id + 1);
        break;
      case 'version.delete':
        for (const f of this.versionFiles(r.id)) this.files.delete(f.id);
        this.versions.delete(r.id);
        this.downloads.delete(r.id);
        break;
      case 'file.create':
        this.files.set(r.row.id, { ...r.row });
        this.#nextId.file = Math.max(this.#nextId.file, r.row.id + 1);
        break;
      case 'file.delete':
        this.files.delete(r.id);
        break;
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
    }
  }

  snapshot(): GiteaRecord[] {
    const out: GiteaRecord[] = [{ op: 'ids', next: { ...this.#nextId } }];
    for (const p of this.packages.values()) out.push({ op: 'package.create', row: { ...p } });
    for (const v of this.versions.values()) out.push({ op: 'version.create', row: { ...v } });
    for (const f of this.files.values()) out.push({ op: 'file.create', row: { ...f } });
    for (const m of this.#variables.values()) for (const v of m.values()) out.push({ op: 'variable.put', row: { ...v } });
    return out;
  }

  liveBlobs(): Set<string> {
    return new Set([...this.files.values()].map((f) => f.blob));
  }

  /** True while some file still points at the blob (blobs are shared by sha256). */
  blobInUse(blob: string): boolean {
    for (const f of this.files.values()) if (f.blob === blob) return true;
    return false;
  }

  blobBySha256(sha256: string): string | undefined {
    for (const f of this.files.values()) if (f.sha256 === sha256) return f.blob;
    return undefined;
  }

  findPackage(owner: string, name: string): PackageRow | undefined {
    for (const p of this.packages.values()) if (p.owner === lc(owner) && lc(p.name) === lc(name)) return p;
    return undefined;
  }

  findVersion(packageId: number, version: string): VersionRow | undefined {
    for (const v of this.versions.values()) if (v.packageId === packageId && lc(v.version) === lc(version)) return v;
    return undefined;
  }

  findFile(versionId: number, name: string): FileRow | undefined {
    for (const f of this.files.values()) if (f.versionId === versionId && lc(f.name) === lc(name)) return f;
    return undefined;
  }

  ownerPackages(owner: string): PackageRow[] {
    return [...this.packages.values()].filter((p) => p.owner === lc(owner));
  }

  packageVersions(packageId: number): VersionRow[] {
    return [...this.versions.values()].filter((v) => v.packageId === packageId);
  }

  /** Ordered by lower-case name, then creation, then id (gitea-api.md §4). */
  versionFiles(versionId: number): FileRow[] {
    return [...this.files.values()]
      .filter((f) => f.versionId === versionId)
      .sort((a, b) => cmp(lc(a.name), lc(b.name)) || cmp(a.createdAt, b.createdAt) || a.id - b.id);
  }

  ownerBytes(owner: string): number {
    let n = 0;
    for (const p of this.ownerPackages(owner)) for (const v of this.packageVersions(p.id)) for (const f of this.versionFiles(v.id)) n += f.size;
    return n;
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

/** Newest created first, then id descending (gitea-api.md §4). */
export function newestFirst(a: VersionRow, b: VersionRow): number {
  return cmp(b.createdAt, a.createdAt) || b.id - a.id;
}

export function asRecord(r: GiteaRecord): Omit<JournalRecord, 'ns'> {
  return r as unknown as Omit<JournalRecord, 'ns'>;
}
