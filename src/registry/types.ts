/**
 * The small interface every registry flavour implements. Core code plans and transfers through it
 * and never builds a registry URL or reads a status code itself.
 */
import type { Readable } from 'node:stream';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/client.js';
import type { RetryHooks } from '../http/retry.js';

export type RegistryFlavour = 'gitlab' | 'gitea';

export interface PackageRef {
  name: string;
  version: string;
}

/** A file as the registry lists it; for duplicates (GitLab) only the one the registry serves. */
export interface RemoteFile {
  /** The file's path inside the package, `/`-separated, decoded (`dir/sub/f.txt`). */
  fileName: string;
  size?: number;
  sha256?: string;
  /** Registry ids, where the flavour has them (GitLab package-file id, package id). */
  id?: number;
  packageId?: number;
  createdAt?: string;
}

export interface RemoteVersion {
  version: string;
  id?: number;
  createdAt?: string;
  status?: string;
}

/**
 * An upload's bytes, made anew for each attempt: a buffer, a stream, or an async iterable of
 * buffers that the HTTP client asks for one at a time (http/client.ts), so it may reuse them.
 */
export type UploadBody = Readable | AsyncIterable<Buffer> | Buffer;

export interface UploadOptions {
  /** GitLab `status=hidden`; without it GitLab uploads send `status=default`, which makes a hidden version visible. */
  hidden?: boolean;
}

export interface UploadResult {
  /** The SHA-256 the registry recorded for the bytes it stored, when it says. */
  sha256?: string;
  size?: number;
  id?: number;
  packageId?: number;
}

export interface DownloadRequest {
  /** Resume from this byte offset (Range); 0 or undefined for the whole file. */
  offset?: number;
  /** Only send the Range if the file is still this version (an ETag or Last-Modified value). */
  ifRange?: string;
  /** Retry transient failures inside the call; off where the caller retries body errors itself. */
  retry?: boolean;
}

/** What a replace returns: the new file's upload, and a warning when older copies stay behind. */
export interface Replaced<T extends UploadResult> {
  upload: T;
  /** Said after the file name, e.g. why older copies of a replaced file stay. */
  warning?: string;
}

/** What a registry can tell about some files of a version before a publish. */
export interface FileLookup {
  /** The published files among those asked about, and any others the registry showed. */
  files: RemoteFile[];
  /** Said once when the registry could not tell (a token that may write but not read). */
  warning?: string;
}

export interface RegistryAdapter {
  readonly flavour: RegistryFlavour;
  /** A line to log once when the connection opens: a mode the credential puts the adapter in. */
  readonly notice?: string;
  /**
   * The adapter's HTTP client. Kept only while the shells still close it and read its secrets
   * here; use close() and secrets(). Core never reaches it.
   */
  readonly http: HttpClient;
  /** Throws an INVALID_INPUT RelpackError naming the value and the rule. No request is sent. */
  validateRef(ref: PackageRef): void;
  /** validateRef for the package name alone (list, resolve a range, bump: no version yet). */
  validateName(name: string): void;
  validateFileName(fileName: string): void;
  /** Compares file names the way the registry does (Gitea: case-insensitively). */
  sameFileName(a: string, b: string): boolean;
  /**
   * The key under which the registry holds a file name: sameFileName(a, b) is exactly
   * normalizeFileName(a) === normalizeFileName(b). Core keys its maps by it, so that matching n local
   * files against n listed ones is linear.
   */
  normalizeFileName(fileName: string): string;
  /**
   * The key under which the registry holds a version: two versions are the same where their keys
   * are (Gitea finds versions by lower_version, GitLab by the exact text).
   */
  normalizeVersion(version: string): string;
  /** The registry's URL for one file (what a browser or curl would fetch). */
  fileUrl(ref: PackageRef, fileName: string): string;
  /** A human-facing URL for the package version. */
  packageUrl(ref: PackageRef): string;
  /**
   * The file name `url` downloads when it is a fileUrl of package `name` in this registry (any
   * version), else undefined: how a release link is known to be relpack's own.
   */
  fileOfUrl(name: string, url: string): string | undefined;
  listVersions(name: string): Promise<RemoteVersion[]>;
  /** The files of one version, the served one for each name; [] when the version does not exist. */
  listFiles(ref: PackageRef): Promise<RemoteFile[]>;
  /**
   * The published files among `fileNames` (which a publish is about to send), for its plan: where
   * the credential may list, the whole listing (listFiles); where it may not (a GitLab deploy
   * token or Basic), each file asked for at its own URL.
   */
  lookupFiles(ref: PackageRef, fileNames: string[]): Promise<FileLookup>;
  /** Every stored row of the version: with GitLab's duplicates, more than listFiles shows. */
  listRows(ref: PackageRef): Promise<RemoteFile[]>;
  /**
   * Why listRows cannot show a file uploaded with these options, or undefined when it can. A
   * broken upload is looked for in listRows before it is sent again; where it cannot be seen, a
   * second send could store a duplicate.
   */
  unlistedUploads(options: UploadOptions): string | undefined;
  /** One upload attempt. Throws RetryableFailure for 429/5xx, RelpackError for other refusals. */
  upload(ref: PackageRef, fileName: string, body: () => UploadBody, size: number, options: UploadOptions): Promise<UploadResult>;
  /**
   * Puts a new copy of the published file `existing` by calling `upload` once, in the order the
   * registry allows: delete first where a second file of the same name is refused, or remove the
   * older copies after where every upload adds one.
   */
  replaceFile<T extends UploadResult>(ref: PackageRef, existing: RemoteFile, upload: () => Promise<T>): Promise<Replaced<T>>;
  /** Opens a download; the caller streams `response.body`. Status already checked (200/206). */
  download(ref: PackageRef, fileName: string, request?: DownloadRequest): Promise<HttpResponse>;
  /** Removes the given files, every stored row of each (a GitLab duplicate would otherwise come back). */
  deleteFiles(ref: PackageRef, files: RemoteFile[]): Promise<void>;
  /**
   * Removes the stored rows of `fileName` other than the row `keepId`: the copies a concurrent
   * publish added where every upload adds a row. 'forbidden' when the token may not delete them,
   * 'none' when there were none (a registry that keeps one file per name never has any).
   */
  removeDuplicates(ref: PackageRef, fileName: string, keepId: number): Promise<'removed' | 'none' | 'forbidden'>;
  deleteVersion(ref: PackageRef): Promise<void>;
  /**
   * Runs `attempt` under the connection's retry policy, each retry logged against `request` and
   * the final failure a RelpackError naming it: for work that spans more than one request (a body
   * that breaks half-way, an upload looked for before it is sent again).
   */
  retrying<T>(request: Pick<HttpRequest, 'method' | 'url'>, attempt: (attemptNumber: number) => Promise<T>, beforeRetry?: RetryHooks<T>['beforeRetry']): Promise<T>;
  /** The credential's secret values, to mask in every output. */
  secrets(): string[];
  /** Closes the connections; the adapter is not used after. */
  close(): Promise<void>;
}

/**
 * Where an adapter connects, as the shells resolve it (src/options/connection.ts). Each flavour
 * reads the settings it needs and refuses to start without them.
 */
export interface RegistryTarget {
  /** The instance URL, without /api/v4 or /api/v1. */
  url: string;
  /** GitLab: numeric project id or `group/project` path. */
  project?: string;
  /** Gitea/Forgejo: the user or organisation that owns the packages. */
  owner?: string;
  /** What kind of credential is in use, for error hints (never its value). */
  credential: string;
  /** The CI job's own token, which may read but not write on some registries. */
  jobToken: boolean;
  /** No credential at all. */
  anonymous: boolean;
  /** How the credential is sent (`private`, `job`, `deploy`, `basic`), where the flavour has a choice. */
  tokenType?: string;
}

/** Builds one flavour's adapter over the client that carries the credential: a line of registry/adapters.ts. */
export type AdapterFactory = (target: RegistryTarget, http: HttpClient) => RegistryAdapter;
