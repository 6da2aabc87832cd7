/**
 * The small interface every registry flavour implements. Core code plans and transfers through it
 * and never builds a registry URL or reads a status code itself.
 */
import type { Readable } from 'node:stream';
import type { HttpClient, HttpResponse } from '../http/client.js';

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

export interface UploadOptions {
  /** GitLab `status=hidden`. */
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

export interface RegistryAdapter {
  readonly flavour: RegistryFlavour;
  readonly http: HttpClient;
  /** Throws an INVALID_INPUT RelpackError naming the value and the rule. No request is sent. */
  validateRef(ref: PackageRef): void;
  validateFileName(fileName: string): void;
  /** Compares file names the way the registry does (Gitea: case-insensitively). */
  sameFileName(a: string, b: string): boolean;
  /** The registry's URL for one file (what a browser or curl would fetch). */
  fileUrl(ref: PackageRef, fileName: string): string;
  /** A human-facing URL for the package version. */
  packageUrl(ref: PackageRef): string;
  listVersions(name: string): Promise<RemoteVersion[]>;
  /** The files of one version, the served one for each name; [] when the version does not exist. */
  listFiles(ref: PackageRef): Promise<RemoteFile[]>;
  /** Every stored row of the version: with GitLab's duplicates, more than listFiles shows. */
  listRows(ref: PackageRef): Promise<RemoteFile[]>;
  /** One upload attempt. Throws RetryableFailure for 429/5xx, RelpackError for other refusals. */
  upload(ref: PackageRef, fileName: string, body: () => Readable | Buffer, size: number, options: UploadOptions): Promise<UploadResult>;
  /** Opens a download; the caller streams `response.body`. Status already checked (200/206). */
  download(ref: PackageRef, fileName: string, request?: DownloadRequest): Promise<HttpResponse>;
  /** Removes the given files (all rows of a GitLab duplicate when `allRows`). */
  deleteFiles(ref: PackageRef, files: RemoteFile[]): Promise<void>;
  deleteVersion(ref: PackageRef): Promise<void>;
  /** After a replace: remove rows of `fileName` other than the served one, where the token may. */
  removeOlderDuplicates(ref: PackageRef, fileName: string, keepId?: number): Promise<'removed' | 'none' | 'forbidden'>;
}
