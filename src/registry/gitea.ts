/**
 * Gitea's and Forgejo's generic package registry (Gitea `routers/api/packages/generic/generic.go`,
 * `routers/api/v1/packages/package.go`; summary in docs/gitea-behaviour.md). Packages belong to an
 * owner (user or organisation); uploads answer 201 with no body, an existing file name is a 409, and the
 * server's hashes come from the v1 files listing.
 */
import { RelpackError, usageError } from '../base/errors.js';
import { formatBytes } from '../base/format.js';
import { DEFAULT_MANIFEST } from '../base/manifest.js';
import { throwIfRetryable, type HttpClient, type HttpRequest, type HttpResponse, type Method } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import { RetryableFailure, type RetryHooks } from '../http/retry.js';
import { decodeGiteaFileName, encodeGiteaFileName, olderGiteaFileNameRules, validateGiteaFileName, validateGiteaName, validateGiteaRef } from './gitea-names.js';
import { filesFromManifest } from './manifest-index.js';
import { getFile, putFile } from './file-requests.js';
import { errorBody, serverMessage, unexpectedAnswer } from './messages.js';
import { fetchAllPages } from './pagination.js';
import { readRows, type Answer, type Shape } from './answers.js';
import type { AdapterFactory, FileLookup, DownloadRequest, PackageRef, RegistryAdapter, RemoteFile, RemoteVersion, Replaced, UploadOptions, UploadResult, UploadBody } from './types.js';

export interface GiteaTarget {
  /** The instance URL (GITHUB_SERVER_URL in Gitea/Forgejo Actions). */
  url: string;
  owner: string;
  /** What kind of credential is in use, for error hints. */
  credential: string;
  /** The Actions job token, which Gitea lets read packages but never write (Gitea `services/context/package.go`). */
  jobToken: boolean;
  /** No credential at all: the v1 API is closed to anonymous callers on Gitea. */
  anonymous: boolean;
}

/** A version in the v1 package listings (Gitea `modules/structs/package.go`, Package), the fields relpack reads. */
const PACKAGE = { id: 'id', name: 'string', version: 'string', type: 'text?', created_at: 'text?' } as const satisfies Shape;

/** A file of `GET /api/v1/packages/:owner/generic/:name/:version/files` (Gitea `modules/structs/package.go`, PackageFile). */
const PACKAGE_FILE = { id: 'id', name: 'string', size: 'size', sha256: 'sha256?' } as const satisfies Shape;

const JOB_TOKEN_HINT =
  'Gitea and Forgejo let the Actions job token (GITEA_TOKEN, FORGEJO_TOKEN, GITHUB_TOKEN) read packages but never publish them. ' +
  'Create an access token with the write:package scope for a user who may write the owner\'s packages, store it as a secret, and pass it as RELPACK_TOKEN (the action\'s token input).';

/** The gitea line of the adapter table (registry/adapters.ts); Forgejo is the same flavour. */
export const giteaAdapter: AdapterFactory = (target, http) => {
  if (!target.owner) throw usageError('no Gitea owner given', 'pass --owner (the user or organisation that owns the packages) or set RELPACK_OWNER');
  return new GiteaRegistry({ url: target.url, owner: target.owner, credential: target.credential, jobToken: target.jobToken, anonymous: target.anonymous }, http);
};

/** What a failure message names: the file, its size, and the version it went to. */
interface FailureContext {
  fileName?: string;
  size?: number;
  version?: string;
}

type FailedRequest = { method: string; url: string; status?: number; body?: string };

export class GiteaRegistry implements RegistryAdapter {
  readonly flavour = 'gitea' as const;
  private readonly instance: string;
  private readonly owner: string;

  constructor(
    private readonly target: GiteaTarget,
    readonly http: HttpClient,
  ) {
    this.instance = target.url.replace(/\/+$/, '');
    this.owner = encodeURIComponent(target.owner);
  }

  validateRef(ref: PackageRef): void {
    validateGiteaRef(ref);
  }

  validateName(name: string): void {
    validateGiteaName(name);
  }

  validateFileName(fileName: string): void {
    validateGiteaFileName(fileName);
  }

  /** Gitea matches names case-insensitively (lower_name columns, docs/gitea-behaviour.md case 17). */
  sameFileName(a: string, b: string): boolean {
    return this.normalizeFileName(a) === this.normalizeFileName(b);
  }

  normalizeFileName(fileName: string): string {
    return fileName.toLowerCase();
  }

  /** Gitea finds a version by its lower_version (`models/packages/package_version.go`): `1.0.0-RC1` is `1.0.0-rc1`. */
  normalizeVersion(version: string): string {
    return version.toLowerCase();
  }

  fileUrl(ref: PackageRef, fileName: string): string {
    return `${this.versionPath(ref)}/${encodeURIComponent(encodeGiteaFileName(fileName))}`;
  }

  /** Owners and package names compare case-insensitively, as Gitea finds them (lower_name). */
  fileOfUrl(name: string, url: string): string | undefined {
    const prefix = `${this.instance}/api/packages/`;
    if (!url.startsWith(prefix)) return undefined;
    const match = /^([^/?#]+)\/generic\/([^/?#]+)\/[^/?#]+\/([^/?#]+)$/.exec(url.slice(prefix.length));
    if (!match) return undefined;
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        return undefined;
      }
    };
    if (decode(match[1])?.toLowerCase() !== this.target.owner.toLowerCase() || decode(match[2])?.toLowerCase() !== name.toLowerCase()) return undefined;
    const stored = decode(match[3]);
    return stored === undefined ? undefined : decodeGiteaFileName(stored);
  }

  packageUrl(ref: PackageRef): string {
    return `${this.instance}/${this.owner}/-/packages/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
  }

  async listVersions(name: string): Promise<RemoteVersion[]> {
    // The per-package listing exists from Gitea 1.24; Forgejo and older Gitea only have the
    // owner-wide listing, where `q` is a substring match that must be filtered again.
    const direct = `${this.api()}/generic/${encodeURIComponent(name)}?limit=50`;
    const fail = (url: string) => (response: HttpResponse) => this.failure('GET', url, response, {});
    const rows = (body: unknown, answer: Answer) => readRows(answer, body, PACKAGE);
    let versions = await fetchAllPages(this.http, { url: direct, fail: fail(direct), emptyOn: [404], rows });
    if (versions.length === 0) {
      const search = `${this.api()}?type=generic&q=${encodeURIComponent(name)}&limit=50`;
      versions = (await fetchAllPages(this.http, { url: search, fail: fail(search), rows })).filter((p) => p.name.toLowerCase() === name.toLowerCase());
    }
    return versions.map((p) => ({ version: p.version, id: p.id, createdAt: p.created_at })).reverse();
  }

  async lookupFiles(ref: PackageRef): Promise<FileLookup> {
    return { files: await this.listFiles(ref) };
  }

  async listFiles(ref: PackageRef): Promise<RemoteFile[]> {
    const url = `${this.api()}/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}/files`;
    // One answer, not paged (Gitea `routers/api/v1/packages/package.go`, ListPackageFiles). Read
    // inside the retries, so that a body that breaks half-way is asked for again.
    const answer = await this.http.retrying({ method: 'GET', url }, async () => {
      const response = await throwIfRetryable(await this.http.request({ method: 'GET', url, retry: false }));
      if (response.status === 404 || (response.status === 401 && this.target.anonymous)) {
        await response.drain();
        return response.status === 404 ? ('none' as const) : ('anonymous' as const);
      }
      if (response.status !== 200) return { failed: response, body: undefined };
      try {
        return { failed: undefined, body: await response.json() };
      } catch (error) {
        if ((error as { code?: unknown }).code === 'PROTOCOL') throw error;
        throw new RetryableFailure(`the listing ${redactUrl(url)} broke`, undefined, undefined, { cause: error });
      }
    });
    if (answer === 'none') return [];
    if (answer === 'anonymous') return this.filesFromManifest(ref);
    if (answer.failed) throw await this.failure('GET', url, answer.failed, {});
    return readRows({ method: 'GET', url }, answer.body, PACKAGE_FILE)
      .map((file) => ({ fileName: decodeGiteaFileName(file.name), size: file.size, sha256: file.sha256, id: file.id }))
      .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  }

  /** Gitea keeps one file per name: the rows are the files. */
  listRows(ref: PackageRef): Promise<RemoteFile[]> {
    return this.listFiles(ref);
  }

  async upload(ref: PackageRef, fileName: string, body: () => UploadBody, size: number, _options: UploadOptions): Promise<UploadResult> {
    const url = this.fileUrl(ref, fileName);
    const response = await putFile(this.http, url, body, size);
    if (response.status === 201) {
      await response.drain();
      // Gitea returns no body: the stored SHA-256 is checked from the files listing afterwards.
      return {};
    }
    throw await this.failure('PUT', url, response, { fileName, size, version: ref.version });
  }

  /** Gitea has no hidden packages (the option is GitLab's): every upload is listed. */
  unlistedUploads(): undefined {
    return undefined;
  }

  /**
   * Gitea refuses a second file of the same name (409, Gitea `routers/api/packages/generic/generic.go`):
   * replacing is DELETE then PUT, and a reader in between sees no file (documented in the README).
   */
  async replaceFile<T extends UploadResult>(ref: PackageRef, existing: RemoteFile, upload: () => Promise<T>): Promise<Replaced<T>> {
    await this.deleteFiles(ref, [existing]);
    return { upload: await upload() };
  }

  async download(ref: PackageRef, fileName: string, request: DownloadRequest = {}): Promise<HttpResponse> {
    const url = this.fileUrl(ref, fileName);
    const response = await getFile(this.http, url, request);
    if (response.status === 200 || response.status === 206) return response;
    throw await this.failure('GET', url, response, { fileName });
  }

  async deleteFiles(ref: PackageRef, files: RemoteFile[]): Promise<void> {
    for (const file of files) {
      const url = this.fileUrl(ref, file.fileName);
      const response = await this.http.request({ method: 'DELETE', url });
      if (response.status !== 204) throw await this.failure('DELETE', url, response, { fileName: file.fileName });
      await response.drain();
    }
  }

  /** Gitea refuses a second file of the same name (409, docs/gitea-behaviour.md case 2): there are never copies to remove. */
  async removeDuplicates(): Promise<'none'> {
    return 'none';
  }

  async deleteVersion(ref: PackageRef): Promise<void> {
    const url = this.versionPath(ref);
    const response = await this.http.request({ method: 'DELETE', url });
    if (response.status !== 204) throw await this.failure('DELETE', url, response, {});
    await response.drain();
  }

  retrying<T>(request: Pick<HttpRequest, 'method' | 'url'>, attempt: (attemptNumber: number) => Promise<T>, beforeRetry?: RetryHooks<T>['beforeRetry']): Promise<T> {
    return this.http.retrying(request, attempt, beforeRetry);
  }

  secrets(): string[] {
    return this.http.secrets();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private api(): string {
    return `${this.instance}/api/v1/packages/${this.owner}`;
  }

  private versionPath(ref: PackageRef): string {
    return `${this.instance}/api/packages/${this.owner}/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
  }

  /**
   * Gitea closes the v1 API to anonymous callers (401 "token is required") while public packages
   * stay downloadable: without a token the version's SHA256SUMS is the index, and HEAD adds the
   * sizes where the server supports it (Gitea ≥ 1.25).
   */
  private async filesFromManifest(ref: PackageRef): Promise<RemoteFile[]> {
    const files = await filesFromManifest(this, ref);
    if (!files) {
      throw new RelpackError('UNAUTHORIZED', `cannot list ${ref.name} ${ref.version} without a token, and it has no ${DEFAULT_MANIFEST} to list it instead`, {
        hint: 'set RELPACK_TOKEN to a token with read:package (Gitea answers 401 to anonymous listing), or name the files to download',
      });
    }
    for (const file of files) file.size ??= await this.headSize(ref, file.fileName);
    return files;
  }

  private async headSize(ref: PackageRef, fileName: string): Promise<number | undefined> {
    const response = await this.http.request({ method: 'HEAD', url: this.fileUrl(ref, fileName) });
    await response.drain();
    const length = response.header('content-length');
    return response.status === 200 && length && /^\d+$/.test(length) ? Number(length) : undefined;
  }

  private async failure(method: Method, url: string, response: HttpResponse, context: FailureContext): Promise<RelpackError> {
    const message = serverMessage(await errorBody(response));
    const request = { method, url: redactUrl(url), status: response.status, body: message || undefined };
    const what = context.fileName ? ` ${context.fileName}` : '';
    const writing = method === 'PUT' || method === 'DELETE';
    switch (response.status) {
      case 401:
        if (writing && this.target.jobToken) {
          return new RelpackError('UNAUTHORIZED', `${this.target.credential} cannot ${method === 'PUT' ? 'publish' : 'delete'} packages`, { request, hint: JOB_TOKEN_HINT });
        }
        // Gitea answers 401, never 403, both for bad credentials and for missing write access.
        return new RelpackError('UNAUTHORIZED', `the registry refused ${method}${what} for ${this.target.credential}`, {
          request,
          hint: [
            'Gitea answers 401 both when the token is wrong or expired and when its user may not write the owner\'s packages',
            writing ? 'publishing needs a token with the write:package scope, of the owner, an organisation owner, or a member of a team with write access to Packages' : 'reading needs the read:package scope (Gitea refuses the package API to anonymous callers)',
            'pass the token as RELPACK_TOKEN; the Actions job token can only read',
          ].join('\n'),
        });
      case 403:
        if (/maximum allowed|quota/i.test(message)) return this.quotaExceeded(message, request, context);
        return new RelpackError('FORBIDDEN', `the registry refused ${method}${what} for ${this.target.credential}`, {
          request,
          hint: 'the token may be limited to public resources, or lack the package scope for this owner',
        });
      case 413:
        return this.tooLarge(request, context);
      case 404:
        return new RelpackError('NOT_FOUND', `not found:${what || ' ' + redactUrl(url)}`, {
          request,
          hint: `check the owner (${this.target.owner}), the package name, version and file name, and the URL (${this.instance})`,
        });
      case 409:
        return new RelpackError('EXISTS', `${context.fileName ?? 'the file'} already exists in this version`, {
          request,
          hint: 'Gitea keeps one file per name (compared case-insensitively); another publish may have raced this one. Re-run with --if-exists skip or replace.',
        });
      case 400:
        return new RelpackError('INVALID_INPUT', `the registry rejected ${method}${what}: ${message || 'bad request'}`, {
          request,
          // relpack checks names against the current rule; an older server's 400 says which releases differ.
          hint: context.fileName && /invalid filename/i.test(message) ? olderGiteaFileNameRules(context.fileName) : undefined,
        });
      default:
        return unexpectedAnswer(method, what, response, request);
    }
  }

  /**
   * The three package quotas of Gitea and Forgejo (`services/packages/packages.go`: ErrQuotaTypeSize,
   * ErrQuotaTotalSize, ErrQuotaTotalCount), each a 403 with its own sentence. Only the first is
   * about the file's size. The size quotas are checked before Gitea looks for a file of the same
   * name, so a file already published can get one of them instead of 409.
   */
  private quotaExceeded(message: string, request: FailedRequest, context: FailureContext): RelpackError {
    const before409 = 'Gitea checks this before it looks for an existing file, so a file already published in this version gets this answer too, not 409.';
    if (/package count/i.test(message)) {
      // CheckCountQuotaExceeded runs only when an upload creates a version, and Gitea finds the
      // version by its lower_version (`models/packages/package_version.go`): 1.0.0-RC1 is 1.0.0-rc1.
      return new RelpackError('FORBIDDEN', `owner ${this.target.owner} has as many package versions as the instance allows, so ${context.version ? `version ${context.version}` : 'a new version'} cannot be created`, {
        request,
        hint:
          'Gitea limits the versions an owner may hold with [packages] LIMIT_TOTAL_OWNER_COUNT, counted when an upload creates a new version; ' +
          'uploads into a version that exists (compared case-insensitively) still work. Delete old versions (relpack delete, relpack prune) or ask an administrator to raise the limit.',
      });
    }
    if (/storage quota/i.test(message)) {
      return new RelpackError('TOO_LARGE', `owner ${this.target.owner} has used all the package storage the instance allows${context.fileName ? `, so ${context.fileName} cannot be stored` : ''}`, {
        request,
        hint: `Gitea limits the bytes of all an owner's packages with [packages] LIMIT_TOTAL_OWNER_SIZE. Delete old versions (relpack delete, relpack prune) or ask an administrator to raise it. ${before409}`,
      });
    }
    const error = this.tooLarge(request, context);
    return new RelpackError('TOO_LARGE', error.message, { request, hint: `${error.hint} ${before409}` });
  }

  private tooLarge(request: FailedRequest, context: FailureContext): RelpackError {
    return new RelpackError('TOO_LARGE', `${context.fileName ?? 'the file'} is too large for this instance${context.size ? ` (${formatBytes(context.size)})` : ''}`, {
      request,
      hint: 'Gitea limits generic files with [packages] LIMIT_SIZE_GENERIC and owner totals with LIMIT_TOTAL_OWNER_SIZE; Forgejo also has [quota] (413). An administrator can raise them.',
    });
  }
}
