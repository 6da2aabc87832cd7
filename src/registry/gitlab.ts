/**
 * GitLab's generic package registry (GitLab `lib/api/generic_packages.rb`,
 * `lib/api/project_packages.rb`, `lib/api/package_files.rb`; summary in docs/gitlab-behaviour.md).
 * URL building, pagination and the meaning of each status code live here only.
 */
import { RelpackError, usageError } from '../base/errors.js';
import { formatBytes } from '../base/format.js';
import type { HttpClient, HttpRequest, HttpResponse, Method } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import type { RetryHooks } from '../http/retry.js';
import { decodeGitlabFileName, gitlabFilePath, olderGitlabFileNameRules, validateGitlabFileName, validateGitlabName, validateGitlabRef } from './gitlab-names.js';
import { filesFromManifest } from './manifest-index.js';
import { getFile, putFile } from './file-requests.js';
import { errorBody, serverMessage, unexpectedAnswer } from './messages.js';
import { fetchAllPages } from './pagination.js';
import { readObject, readRows, type Parsed, type Shape } from './answers.js';
import { lookupByUrl } from './file-lookup.js';
import type { AdapterFactory, DownloadRequest, FileLookup, PackageRef, RegistryAdapter, RemoteFile, RemoteVersion, Replaced, UploadOptions, UploadResult, UploadBody } from './types.js';

export interface GitlabTarget {
  /** The instance URL (CI_SERVER_URL); a trailing /api/v4 is accepted and removed. */
  url: string;
  /** Numeric id or `group/project` path. */
  project: string;
  /** What kind of credential is in use, for error hints (e.g. "a job token (CI_JOB_TOKEN)"). */
  credential: string;
  /**
   * A deploy token or HTTP Basic: GitLab's Packages API (`lib/api/project_packages.rb`,
   * `lib/api/package_files.rb`) authenticates neither, only the generic routes
   * (`lib/api/generic_packages.rb`) do, so relpack works through those alone.
   */
  genericOnly?: boolean;
}

/** Why a deploy token or Basic cannot list or delete, and which credentials can. */
const GENERIC_ONLY_HINT =
  "GitLab's Packages API, which lists and deletes packages, takes only a personal, project or group access token (RELPACK_TOKEN, sent as PRIVATE-TOKEN) " +
  'or a job token (CI_JOB_TOKEN); a deploy token and HTTP Basic reach only the generic upload and download routes';

/** A row of `GET /projects/:id/packages` (GitLab `lib/api/entities/package.rb`), the fields relpack reads. */
const PACKAGE = { id: 'id', name: 'string', version: 'string', status: 'text?', created_at: 'text?' } as const satisfies Shape;

/**
 * A row of `GET /projects/:id/packages/:package_id/package_files`, and the upload's answer with
 * `select=package_file` (GitLab `lib/api/entities/package_file.rb`); `file_sha256` is null for files
 * stored before GitLab computed it.
 */
const PACKAGE_FILE = { id: 'id', package_id: 'id?', file_name: 'string', size: 'size?', file_sha256: 'sha256?', created_at: 'text?' } as const satisfies Shape;

type PackageJson = Parsed<typeof PACKAGE>;

/** Strips a trailing `/api/v4` (and slashes) so both forms of the URL work. */
export function gitlabInstanceUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}

/** The gitlab line of the adapter table (registry/adapters.ts). */
export const gitlabAdapter: AdapterFactory = (target, http) => {
  if (!target.project) throw usageError('no GitLab project given', 'pass --project (numeric id or group/project path) or set RELPACK_PROJECT');
  const genericOnly = target.tokenType === 'deploy' || target.tokenType === 'basic';
  return new GitlabRegistry({ url: target.url, project: target.project, credential: target.credential, genericOnly }, http);
};

export class GitlabRegistry implements RegistryAdapter {
  readonly flavour = 'gitlab' as const;
  private readonly instance: string;
  private readonly projectApi: string;
  /** Said once when the connection opens (operations/connect.ts). */
  readonly notice?: string;

  constructor(
    private readonly target: GitlabTarget,
    readonly http: HttpClient,
  ) {
    this.instance = gitlabInstanceUrl(target.url);
    this.projectApi = `${this.instance}/api/v4/projects/${encodeURIComponent(target.project)}`;
    if (target.genericOnly) {
      this.notice =
        `generic routes only: GitLab's Packages API does not take ${target.credential}, so relpack does not list packages; ` +
        "each file is checked by its own URL, a whole version is downloaded by its SHA256SUMS, and list, delete and prune need another token";
    }
  }

  /** The error for work that needs the Packages API, under a deploy token or Basic. */
  private genericOnlyError(what: string): RelpackError {
    return usageError(`${what} needs GitLab's Packages API, which does not take ${this.target.credential}`, GENERIC_ONLY_HINT);
  }

  validateRef(ref: PackageRef): void {
    validateGitlabRef(ref);
  }

  validateName(name: string): void {
    validateGitlabName(name);
  }

  validateFileName(fileName: string): void {
    validateGitlabFileName(fileName);
  }

  sameFileName(a: string, b: string): boolean {
    return a === b;
  }

  /** GitLab compares file names exactly (case-sensitively). */
  normalizeFileName(fileName: string): string {
    return fileName;
  }

  /** GitLab finds a version by its exact text (`app/finders/packages/generic/package_finder.rb`). */
  normalizeVersion(version: string): string {
    return version;
  }

  fileUrl(ref: PackageRef, fileName: string): string {
    return `${this.projectApi}/packages/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}/${gitlabFilePath(fileName)}`;
  }

  /**
   * The project is taken as written in the URL, an id or a path: which id a path has is not known
   * without a request, so a file URL of this package name in any project of this instance counts.
   */
  fileOfUrl(name: string, url: string): string | undefined {
    const prefix = `${this.instance}/api/v4/projects/`;
    if (!url.startsWith(prefix)) return undefined;
    const match = /^[^/?#]+\/packages\/generic\/([^/?#]+)\/[^/?#]+\/([^?#]+)$/.exec(url.slice(prefix.length));
    if (!match || decodeGitlabFileName(match[1]) !== name) return undefined;
    return match[2].split('/').map(decodeGitlabFileName).join('/');
  }

  packageUrl(ref: PackageRef): string {
    return `${this.projectApi}/packages/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
  }

  async listVersions(name: string): Promise<RemoteVersion[]> {
    if (this.target.genericOnly) throw this.genericOnlyError(`listing the versions of ${name}`);
    const packages = await this.findPackages(name);
    return packages.map((p) => ({ version: p.version, id: p.id, createdAt: p.created_at, status: p.status }));
  }

  async listFiles(ref: PackageRef): Promise<RemoteFile[]> {
    if (this.target.genericOnly) {
      // The version's SHA256SUMS, read over the generic route, is the only index such a token can get.
      const files = await filesFromManifest(this, ref);
      if (files) return files;
      throw new RelpackError('NOT_FOUND', `${ref.name} ${ref.version} has no SHA256SUMS to tell its files, and listing them needs GitLab's Packages API, which does not take ${this.target.credential}`, {
        hint: `name the files to fetch, publish the version with its SHA256SUMS, or list it with another token: ${GENERIC_ONLY_HINT}`,
      });
    }
    const rows = await this.listRows(ref);
    if (rows.length === 0) return (await this.hiddenFiles(ref)) ?? [];
    const served = new Map<string, RemoteFile>();
    // GitLab serves the newest row of a file name (highest id, GitLab `app/finders/packages/package_file_finder.rb`).
    for (const row of rows) {
      const current = served.get(row.fileName);
      if (!current || (row.id ?? 0) > (current.id ?? 0)) served.set(row.fileName, row);
    }
    return [...served.values()].sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  }

  async lookupFiles(ref: PackageRef, fileNames: string[]): Promise<FileLookup> {
    if (!this.target.genericOnly) return { files: await this.listFiles(ref) };
    return lookupByUrl(this, ref, fileNames, this.target.credential);
  }

  async upload(ref: PackageRef, fileName: string, body: () => UploadBody, size: number, options: UploadOptions): Promise<UploadResult> {
    const url = new URL(this.fileUrl(ref, fileName));
    url.searchParams.set('select', 'package_file');
    // GitLab changes a package's status only when an upload sends `status`
    // (`app/services/packages/generic/create_package_file_service.rb`), so a version hidden once
    // would stay hidden: every upload says which it should be, and a publish without --hidden
    // makes the version visible again.
    url.searchParams.set('status', options.hidden ? 'hidden' : 'default');
    const response = await putFile(this.http, url, body, size);
    if (response.status === 200) {
      const file = readObject({ method: 'PUT', url }, await response.json(), PACKAGE_FILE);
      return { sha256: file.file_sha256, size: file.size, id: file.id, packageId: file.package_id };
    }
    if (response.status === 201) {
      await response.drain();
      return {};
    }
    throw await this.failure('PUT', url, response, { fileName, size });
  }

  /**
   * GitLab lists neither hidden packages nor their files (`app/finders/concerns/packages/finder_helper.rb`
   * leaves them out of the list, `lib/api/package_files.rb` answers 404; docs/gitlab-behaviour.md, cases 15 and 17).
   */
  unlistedUploads(options: UploadOptions): string | undefined {
    if (this.target.genericOnly) return `GitLab's Packages API does not take ${this.target.credential}`;
    return options.hidden ? 'GitLab does not list hidden packages' : undefined;
  }

  /**
   * Every PUT appends a row and GitLab serves the newest (`app/services/packages/generic/create_package_file_service.rb`,
   * `app/finders/packages/package_file_finder.rb`; docs/gitlab-behaviour.md, case 5): upload first,
   * so readers never see the file missing, then delete the older rows where the token may.
   */
  async replaceFile<T extends UploadResult>(ref: PackageRef, existing: RemoteFile, upload: () => Promise<T>): Promise<Replaced<T>> {
    const uploaded = await upload();
    if (this.target.genericOnly) {
      return { upload: uploaded, warning: `replaced (GitLab serves the newest file), but the older copies stay: finding and deleting them needs the Packages API, which does not take ${this.target.credential}` };
    }
    const outcome = await this.removeOlderDuplicates(ref, existing.fileName, uploaded.id);
    if (outcome === 'forbidden') {
      return { upload: uploaded, warning: 'replaced (GitLab serves the newest file), but the older copies stay: deleting them needs the Maintainer role' };
    }
    return { upload: uploaded };
  }

  async download(ref: PackageRef, fileName: string, request: DownloadRequest = {}): Promise<HttpResponse> {
    const url = this.fileUrl(ref, fileName);
    const response = await getFile(this.http, url, request);
    if (response.status === 200 || response.status === 206) return response;
    throw await this.failure('GET', url, response, { fileName });
  }

  /** Deletes every row of each named file: deleting only the served one would bring an older copy back. */
  async deleteFiles(ref: PackageRef, files: RemoteFile[]): Promise<void> {
    if (this.target.genericOnly) throw this.genericOnlyError(`deleting files of ${ref.name} ${ref.version}`);
    const rows = await this.listRows(ref);
    for (const file of files) {
      const matching = rows.filter((row) => row.fileName === file.fileName);
      if (matching.length === 0) throw new RelpackError('NOT_FOUND', `${file.fileName} is not in ${ref.name} ${ref.version}`);
      for (const row of matching) await this.deleteOrFail(`${this.projectApi}/packages/${row.packageId}/package_files/${row.id}`);
    }
  }

  async deleteVersion(ref: PackageRef): Promise<void> {
    if (this.target.genericOnly) throw this.genericOnlyError(`deleting ${ref.name} ${ref.version}`);
    const packages = (await this.findPackages(ref.name)).filter((p) => p.version === ref.version);
    if (packages.length === 0) {
      throw new RelpackError('NOT_FOUND', `package ${ref.name} ${ref.version} was not found in project ${this.target.project}`);
    }
    for (const pkg of packages) await this.deleteOrFail(`${this.projectApi}/packages/${pkg.id}`);
  }

  /** Every PUT adds a row (docs/gitlab-behaviour.md, case 5): a concurrent publish of the same file leaves two. */
  removeDuplicates(ref: PackageRef, fileName: string, keepId: number): Promise<'removed' | 'none' | 'forbidden'> {
    return this.removeOlderDuplicates(ref, fileName, keepId);
  }

  /** After a replace: removes the rows of `fileName` other than `keepId`, where the token may. */
  private async removeOlderDuplicates(ref: PackageRef, fileName: string, keepId?: number): Promise<'removed' | 'none' | 'forbidden'> {
    // Without the new row's id (a server that ignored select=package_file) every row would look
    // older: leave them all, GitLab serves the newest anyway.
    if (keepId === undefined) return 'none';
    if (this.target.genericOnly) return 'forbidden';
    const older = (await this.listRows(ref)).filter((row) => row.fileName === fileName && row.id !== keepId);
    if (older.length === 0) return 'none';
    for (const row of older) {
      const url = `${this.projectApi}/packages/${row.packageId}/package_files/${row.id}`;
      const response = await this.http.request({ method: 'DELETE', url });
      await response.drain();
      if (response.status === 403) return 'forbidden';
      if (response.status !== 204 && response.status !== 404) throw await this.failure('DELETE', url, response, {});
    }
    return 'removed';
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

  /**
   * A hidden package is left out of the packages list and its package_files answer 404, but its
   * files download (docs/gitlab-behaviour.md, case 12): its SHA256SUMS tells what it holds.
   */
  private async hiddenFiles(ref: PackageRef): Promise<RemoteFile[] | undefined> {
    const hidden = (await this.findPackages(ref.name, 'hidden')).filter((p) => p.version === ref.version);
    return hidden.length > 0 ? filesFromManifest(this, ref) : undefined;
  }

  /** Every stored row of the version, duplicates included. */
  async listRows(ref: PackageRef): Promise<RemoteFile[]> {
    if (this.target.genericOnly) throw this.genericOnlyError(`listing the files of ${ref.name} ${ref.version}`);
    const packages = (await this.findPackages(ref.name)).filter((p) => p.version === ref.version);
    const rows: RemoteFile[] = [];
    for (const pkg of packages) {
      const url = `${this.projectApi}/packages/${pkg.id}/package_files?per_page=100&order_by=id&sort=asc`;
      // A package that vanished between the two calls (deleted, or hidden) has no files to show.
      const files = await fetchAllPages(this.http, {
        url,
        fail: (response) => this.failure('GET', url, response, {}),
        emptyOn: [404],
        rows: (body, answer) => readRows(answer, body, PACKAGE_FILE),
      });
      for (const file of files) {
        rows.push({
          fileName: decodeGitlabFileName(file.file_name),
          size: file.size,
          sha256: file.file_sha256,
          id: file.id,
          packageId: file.package_id ?? pkg.id,
          createdAt: file.created_at,
        });
      }
    }
    return rows;
  }

  /**
   * Packages with exactly this name. `package_name` is a fuzzy substring match (GitLab
   * `app/finders/concerns/packages/finder_helper.rb`), so the answer is filtered again here.
   */
  private async findPackages(name: string, status?: 'hidden'): Promise<PackageJson[]> {
    const url = `${this.projectApi}/packages?package_type=generic&package_name=${encodeURIComponent(name)}&per_page=100&order_by=created_at&sort=asc${status ? `&status=${status}` : ''}`;
    const packages = await fetchAllPages(this.http, { url, fail: (response) => this.failure('GET', url, response, {}), rows: (body, answer) => readRows(answer, body, PACKAGE) });
    return packages.filter((p) => p.name === name);
  }

  private async deleteOrFail(url: string): Promise<void> {
    const response = await this.http.request({ method: 'DELETE', url });
    if (response.status === 204) {
      await response.drain();
      return;
    }
    throw await this.failure('DELETE', url, response, {});
  }

  /** Turns a refusal into an error that says what to change (issue: "Errors say what to change"). */
  private async failure(method: Method, url: string | URL, response: HttpResponse, context: { fileName?: string; size?: number }): Promise<RelpackError> {
    const message = serverMessage(await errorBody(response));
    const request = { method, url: redactUrl(url), status: response.status, body: message || undefined };
    const what = context.fileName ? ` ${context.fileName}` : '';
    switch (response.status) {
      case 401:
        return new RelpackError('UNAUTHORIZED', `the registry did not accept the credentials (${this.target.credential})`, {
          request,
          hint:
            'use one of: RELPACK_TOKEN with a personal, project or group access token that has the api scope (sent as PRIVATE-TOKEN); ' +
            'RELPACK_TOKEN with a deploy token and RELPACK_TOKEN_TYPE=deploy (read_package_registry to download, write_package_registry to publish); ' +
            'or CI_JOB_TOKEN inside a GitLab CI job. Check that the token has not expired.',
        });
      case 403:
        return new RelpackError('FORBIDDEN', `the registry refused ${method}${what} for ${this.target.credential}`, {
          request,
          hint: [
            method === 'DELETE'
              ? 'deleting packages needs the Maintainer role (or a deploy token with write_package_registry)'
              : 'publishing needs at least the Developer role in the project',
            'a deploy token needs write_package_registry to publish; a token with only read_api or read_registry cannot write',
            'the package registry may be disabled for the project, or a package protection rule may cover this name',
          ].join('\n'),
        });
      case 404:
        return new RelpackError('NOT_FOUND', `not found:${what || ' ' + redactUrl(url)}`, {
          request,
          hint: context.fileName
            ? 'check the package name, version and file name (GitLab names are case-sensitive); private projects also answer 404 to tokens without access'
            : `check the project (${this.target.project}) and the URL (${this.instance}); private projects answer 404 to tokens without access`,
        });
      case 400:
        if (/duplicate package is not allowed/i.test(message)) {
          return new RelpackError('DUPLICATE', `the project does not allow a second${what} in this version`, {
            request,
            hint:
              'the project or group setting "Allow duplicates" for generic packages is off (Settings > Packages and registries), and no exception regex matches. ' +
              'Publish a new version, delete the existing file first (relpack delete), or use --if-exists skip to leave identical files alone.',
          });
        }
        if (/file is too large/i.test(message)) {
          return new RelpackError('TOO_LARGE', `${context.fileName ?? 'the file'} is too large for this instance${context.size ? ` (${formatBytes(context.size)})` : ''}`, {
            request,
            hint: 'GitLab limits generic package files to generic_packages_max_file_size, 5 GiB by default (5 GB on GitLab.com); an administrator can raise it in the plan limits',
          });
        }
        return new RelpackError('INVALID_INPUT', `the registry rejected ${method}${what}: ${message || 'bad request'}`, {
          request,
          // relpack checks names against the newest rule; an older server's 400 says which releases differ.
          hint: context.fileName && /file_name is invalid/.test(message) ? olderGitlabFileNameRules(context.fileName) : undefined,
        });
      default:
        return unexpectedAnswer(method, what, response, request);
    }
  }
}
