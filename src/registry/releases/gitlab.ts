/**
 * GitLab releases and their asset links (GitLab `lib/api/releases.rb`, `lib/api/release/links.rb`,
 * `app/services/releases/create_service.rb`, `app/models/releases/link.rb`; summary in
 * docs/gitlab-behaviour.md "Releases API and release links"). Every route takes the job token.
 */
import { randomBytes } from 'node:crypto';
import { RelpackError } from '../../base/errors.js';
import type { HttpClient, HttpResponse, Method } from '../../http/client.js';
import { redactUrl } from '../../http/redact.js';
import { readObject, readRows, type Shape } from '../answers.js';
import { bodyMessage } from '../messages.js';
import { RELEASE_TOKEN_NEEDED, type AssetPath, type LinkSpec, type Release, type ReleaseFields, type ReleaseLink, type ReleaseStore } from './types.js';

export interface GitlabReleaseTarget {
  /** Instance URL, without /api/v4. */
  url: string;
  /** Numeric id or `group/project`. */
  project: string;
  /** What the credential is, for messages. */
  credential: string;
}

/** `lib/api/entities/release.rb`, the fields relpack reads. */
const RELEASE = { tag_name: 'string', name: 'string?', description: 'string?' } as const satisfies Shape;
/** `lib/api/entities/releases/link.rb`. */
const LINK = { id: 'id', name: 'string', url: 'string', direct_asset_url: 'string?', link_type: 'string?' } as const satisfies Shape;

/**
 * `Releases::Link::FILEPATH_REGEX` (GitLab `app/models/releases/link.rb`): a leading `/`, no `//`,
 * word characters, `-`, `.` and `/` only, ending in a letter or digit; at most 128 characters.
 */
const FILEPATH_REGEX = /^\/[^/](?!.*\/\/.*)[-.\w/]+[\da-zA-Z]+$/;
const FILEPATH_MAX = 128;

/** A link GitLab refuses because another link of the release holds its name, URL or path. */
const TAKEN = /has already been taken|duplicate values/i;

export class GitlabReleaseStore implements ReleaseStore {
  readonly platform = 'gitlab' as const;
  private readonly releases: string;

  constructor(
    private readonly target: GitlabReleaseTarget,
    private readonly http: HttpClient,
  ) {
    this.releases = `${target.url.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}/api/v4/projects/${encodeURIComponent(target.project)}/releases`;
  }

  describe(tag: string): string {
    return `the GitLab release ${tag} of project ${this.target.project}`;
  }

  /** The file's path as a permanent asset path, or one derived from it that GitLab accepts, or none. */
  assetPath(fileName: string): AssetPath {
    const own = `/${fileName}`;
    if (own.length <= FILEPATH_MAX && FILEPATH_REGEX.test(own)) return { path: own };
    const derived = `/${fileName}`
      .replace(/[^-.\w/]/g, '-')
      .replace(/\/{2,}/g, '/')
      .replace(/[^\da-zA-Z]+$/, '');
    if (derived.length <= FILEPATH_MAX && FILEPATH_REGEX.test(derived)) return { path: derived, note: `permanent path ${derived}: GitLab refuses ${own}` };
    const rule = derived.length < 4 ? 'at least 4 characters with the leading /' : `letters, digits, _ - . / only, ending in a letter or digit, at most ${FILEPATH_MAX} characters`;
    return { note: `no permanent path: GitLab accepts none made from ${own} (${rule})` };
  }

  /**
   * Create: `POST /releases` naming a tag that has neither a release nor a git tag, and no `ref`:
   * a caller with create_release stops at 422 "Ref is not specified" before anything is written,
   * any other at 403 (docs/gitlab-behaviour.md). Update of an existing release: `PUT` with no
   * field, 400 "params is empty" or 403.
   */
  async checkWrite(tag: string | undefined): Promise<void> {
    const existing = tag === undefined ? undefined : await this.read(tag).catch((error: unknown) => {
      // The Releases API does not show the project to this credential (a deploy token, a non-member).
      if (error instanceof RelpackError && error.code === 'NOT_FOUND' && error.request) {
        throw this.refusal('GET', error.request.url, 404, error.request.body ?? '', `read or write the releases of project ${this.target.project} (GitLab answers 404 to a token that cannot see it)`);
      }
      throw error;
    });
    if (existing) {
      const url = this.releaseUrl(existing.tag);
      const response = await this.send('PUT', url, {});
      const message = await bodyMessage(response);
      if (response.status === 400 && /params is empty/i.test(message)) return;
      throw this.refusal('PUT', url, response.status, message, `update ${this.describe(existing.tag)}`);
    }
    const probe = `relpack-permission-check-${randomBytes(6).toString('hex')}`;
    const response = await this.send('POST', this.releases, { tag_name: probe });
    const message = await bodyMessage(response);
    // A protected-tag rule is checked after create_release: the caller may create releases.
    if ((response.status === 422 && /ref is not specified/i.test(message)) || (response.status === 403 && /protected/i.test(message))) return;
    if (response.status === 201) {
      // A tag of that name existed after all: remove the release the check made.
      await this.http.request({ method: 'DELETE', url: this.releaseUrl(probe) }).then((r) => r.drain());
      return;
    }
    throw this.refusal('POST', this.releases, response.status, message, `create releases in project ${this.target.project}`);
  }

  async read(tag: string): Promise<Release | undefined> {
    const url = this.releaseUrl(tag);
    const response = await this.http.request({ method: 'GET', url });
    if (response.status === 404) {
      const message = await bodyMessage(response);
      if (/project/i.test(message)) throw this.failure('GET', url, 404, message);
      return undefined;
    }
    if (response.status !== 200) throw this.failure('GET', url, response.status, await bodyMessage(response));
    return this.parseRelease(url, await response.json());
  }

  async create(tag: string, fields: ReleaseFields, ref: string | undefined): Promise<Release | 'exists'> {
    const body = { tag_name: tag, name: fields.name, description: fields.description, ...(ref ? { ref } : {}) };
    const response = await this.send('POST', this.releases, body);
    if (response.status === 201) return this.parseRelease(this.releases, await response.json());
    const message = await bodyMessage(response);
    if (response.status === 409) return 'exists';
    if (response.status === 422 && /ref is not specified/i.test(message)) {
      throw new RelpackError('NOT_FOUND', `tag ${tag} does not exist in project ${this.target.project}, and there is no commit to create it from`, {
        request: { method: 'POST', url: redactUrl(this.releases), status: 422, body: message },
        hint: 'push the tag first, run in a pipeline (CI_COMMIT_SHA names the commit), or pass --release-tag with a tag that exists',
      });
    }
    throw this.failure('POST', this.releases, response.status, message, `create ${this.describe(tag)}`);
  }

  async update(release: Release, description: string): Promise<void> {
    const url = this.releaseUrl(release.tag);
    const response = await this.send('PUT', url, { description }, true);
    if (response.status === 200) return response.drain();
    throw this.failure('PUT', url, response.status, await bodyMessage(response), `update ${this.describe(release.tag)}`);
  }

  async linksSupported(): Promise<boolean> {
    return true;
  }

  async addLink(release: Release, link: LinkSpec): Promise<ReleaseLink | 'taken'> {
    return this.writeLink('POST', `${this.releaseUrl(release.tag)}/assets/links`, link, 201);
  }

  async updateLink(release: Release, existing: ReleaseLink, link: LinkSpec): Promise<ReleaseLink | 'taken'> {
    return this.writeLink('PUT', `${this.releaseUrl(release.tag)}/assets/links/${existing.id}`, link, 200);
  }

  async deleteLink(release: Release, existing: ReleaseLink): Promise<void> {
    const url = `${this.releaseUrl(release.tag)}/assets/links/${existing.id}`;
    const response = await this.http.request({ method: 'DELETE', url });
    // 404: removed already (a run before this one, or someone else).
    if (response.status === 200 || response.status === 204 || response.status === 404) return response.drain();
    throw this.failure('DELETE', url, response.status, await bodyMessage(response), `remove the link ${existing.name}`);
  }

  /**
   * Retried on 429/5xx: a PUT is idempotent, and a POST that was stored before its answer was lost
   * comes back as "has already been taken", which linkRelease reads back as the same link.
   */
  private async writeLink(method: Method, url: string, link: LinkSpec, expected: number): Promise<ReleaseLink | 'taken'> {
    const body = { name: link.name, url: link.url, link_type: 'package', ...(link.directAssetPath ? { direct_asset_path: link.directAssetPath } : {}) };
    const response = await this.send(method, url, body, true);
    if (response.status === expected) {
      const row = readObject({ method, url }, await response.json(), LINK);
      return { id: row.id, name: row.name, url: row.url, directAssetUrl: row.direct_asset_url, directAssetPath: link.directAssetPath };
    }
    const message = await bodyMessage(response);
    if (response.status === 400 && TAKEN.test(message)) return 'taken';
    throw this.failure(method, url, response.status, message, `link ${link.name}`);
  }

  private parseRelease(url: string, body: unknown): Release {
    const answer = { method: 'GET', url };
    const release = readObject(answer, body, RELEASE);
    const record = body as { assets?: { links?: unknown }; _links?: { self?: unknown } };
    const links = record.assets?.links === undefined ? [] : readRows(answer, record.assets.links, LINK);
    const webUrl = typeof record._links?.self === 'string' ? record._links.self : undefined;
    // direct_asset_url is `<release page>/downloads<path>` for a link with a path, its url otherwise.
    const downloads = webUrl ? `${webUrl}/downloads/` : undefined;
    return {
      tag: release.tag_name,
      name: release.name ?? release.tag_name,
      description: release.description ?? '',
      webUrl,
      links: links.map((link) => ({
        id: link.id,
        name: link.name,
        url: link.url,
        directAssetUrl: link.direct_asset_url,
        directAssetPath: downloads && link.direct_asset_url?.startsWith(downloads) ? link.direct_asset_url.slice(downloads.length - 1) : undefined,
        outdated: link.link_type !== undefined && link.link_type !== 'package',
      })),
    };
  }

  private releaseUrl(tag: string): string {
    return `${this.releases}/${encodeURIComponent(tag)}`;
  }

  private send(method: Method, url: string, body: object, retry = false): Promise<HttpResponse> {
    const text = JSON.stringify(body);
    return this.http.request({ method, url, headers: { 'content-type': 'application/json' }, body: () => text, retry });
  }

  /** A refusal of the write check: nothing has been published yet. */
  private refusal(method: Method, url: string, status: number, message: string, what: string): RelpackError {
    if (status !== 401 && status !== 403 && status !== 404) return this.failure(method, url, status, message, what);
    return new RelpackError(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', `${this.target.credential} may not ${what}: nothing was published`, {
      request: { method, url: redactUrl(url), status, body: message || undefined },
      hint: `releases need ${RELEASE_TOKEN_NEEDED.gitlab}`,
    });
  }

  private failure(method: Method, url: string, status: number, message: string, what?: string): RelpackError {
    const request = { method, url: redactUrl(url), status, body: message || undefined };
    switch (status) {
      case 401:
        return new RelpackError('UNAUTHORIZED', `the GitLab Releases API did not accept the credentials (${this.target.credential})`, { request, hint: `releases need ${RELEASE_TOKEN_NEEDED.gitlab}` });
      case 403:
        return new RelpackError('FORBIDDEN', `GitLab refused to let ${this.target.credential} ${what ?? 'read releases'}`, { request, hint: `releases need ${RELEASE_TOKEN_NEEDED.gitlab}; a protected tag also needs the right to create it` });
      case 404:
        return new RelpackError('NOT_FOUND', `GitLab project ${this.target.project} was not found`, { request, hint: 'check the project and the URL; private projects answer 404 to tokens without access' });
      default:
        return new RelpackError('HTTP', `${method} ${what ? `(${what}) ` : ''}failed with HTTP ${status}`, { request, fromRegistry: status >= 500 });
    }
  }
}
