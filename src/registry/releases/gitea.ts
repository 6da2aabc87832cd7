/**
 * Gitea and Forgejo releases and their assets (Gitea `routers/api/v1/repo/release.go`,
 * `release_tags.go`, `release_attachment.go`; summary in docs/gitea-behaviour.md "Releases API and
 * release assets"). A file is linked as an external-URL asset, which Forgejo has since v9.0
 * (Forgejo `routers/api/v1/repo/release_attachment.go`, `external_url`); Gitea has none, and there
 * the links go into the release's description.
 */
import { randomBytes } from 'node:crypto';
import { RelpackError } from '../../base/errors.js';
import type { HttpClient, HttpResponse, Method } from '../../http/client.js';
import { redactUrl } from '../../http/redact.js';
import { readObject, readRows, type Shape } from '../answers.js';
import { bodyMessage } from '../messages.js';
import { RELEASE_TOKEN_NEEDED, type LinkSpec, type Release, type ReleaseFields, type ReleaseLink, type ReleaseStore } from './types.js';

export interface GiteaReleaseTarget {
  /** Instance URL, without /api/v1. */
  url: string;
  /** `owner/name`. */
  repository: string;
  /** What the credential is, for messages. */
  credential: string;
}

/** `modules/structs/release.go`, the fields relpack reads. */
const RELEASE = { id: 'id', tag_name: 'string', name: 'string?', body: 'string?', html_url: 'string?' } as const satisfies Shape;
/** `modules/structs/attachment.go` (`type` in Forgejo v9 and later). */
const ASSET = { id: 'id', name: 'string', browser_download_url: 'string?', type: 'string?' } as const satisfies Shape;

/** The first Forgejo major with external-URL assets (Forgejo PR #1445, release notes 9.0.0). */
const FORGEJO_EXTERNAL_ASSETS = 9;

/**
 * Whether a server's `GET /api/v1/version` answer means external-URL assets: Forgejo answers
 * `<version>+gitea-<compatible version>` (Forgejo `routers/api/v1/misc/version.go`), Gitea its
 * own version, which has none in any release.
 */
export function externalAssetsIn(version: string): boolean {
  if (!/\+gitea-/.test(version)) return false;
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  return Number.isInteger(major) && major >= FORGEJO_EXTERNAL_ASSETS;
}

export class GiteaReleaseStore implements ReleaseStore {
  readonly platform = 'gitea' as const;
  private readonly api: string;
  private readonly releases: string;
  private external?: Promise<boolean>;

  constructor(
    private readonly target: GiteaReleaseTarget,
    private readonly http: HttpClient,
  ) {
    this.api = `${target.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1`;
    const [owner, name] = target.repository.split('/');
    this.releases = `${this.api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/releases`;
  }

  describe(tag: string): string {
    return `the release ${tag} of repository ${this.target.repository}`;
  }

  /**
   * The write routes check the token and the right to write releases before they read the body
   * (Gitea `routers/api/v1/api.go`): `POST /releases` with `{}` is 422 for a writer, 401/403
   * for anyone else, and creates nothing.
   */
  async checkWrite(): Promise<void> {
    const response = await this.send('POST', this.releases, {});
    const message = await bodyMessage(response);
    if (response.status === 422) return;
    if (response.status === 401 || response.status === 403) {
      throw new RelpackError(response.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', `${this.target.credential} may not write the releases of ${this.target.repository}: nothing was published`, {
        request: { method: 'POST', url: redactUrl(this.releases), status: response.status, body: message || undefined },
        hint: `releases need ${RELEASE_TOKEN_NEEDED.gitea}`,
      });
    }
    throw this.failure('POST', this.releases, response.status, message, `check the right to write the releases of ${this.target.repository}`);
  }

  async read(tag: string): Promise<Release | undefined> {
    const url = `${this.releases}/tags/${encodeURIComponent(tag)}`;
    const response = await this.http.request({ method: 'GET', url });
    if (response.status === 404) {
      await response.drain();
      return undefined;
    }
    if (response.status !== 200) throw this.failure('GET', url, response.status, await bodyMessage(response));
    return this.parseRelease(url, await response.json());
  }

  /**
   * Without a commit the target is the tag itself: Gitea would otherwise create a missing tag from
   * the default branch's head, silently; named as its own target, an existing tag is used and a
   * missing one is refused (404 target not found), as GitLab refuses it.
   */
  async create(tag: string, fields: ReleaseFields, ref: string | undefined): Promise<Release | 'exists'> {
    const body = { tag_name: tag, name: fields.name, body: fields.description, target_commitish: ref ?? tag };
    const response = await this.send('POST', this.releases, body);
    if (response.status === 201) return this.parseRelease(this.releases, await response.json());
    const message = await bodyMessage(response);
    if (response.status === 409) return 'exists';
    if (response.status === 404 && /target "/i.test(message)) {
      const why = ref ? `the commit to create it from (${ref}) was not found` : 'there is no commit to create it from';
      throw new RelpackError('NOT_FOUND', `tag ${tag} does not exist in ${this.target.repository}, and ${why}`, {
        request: { method: 'POST', url: redactUrl(this.releases), status: 404, body: message },
        hint: 'push the tag first, or run in the repository\'s own workflow (GITHUB_SHA names the commit)',
      });
    }
    throw this.failure('POST', this.releases, response.status, message, `create ${this.describe(tag)}`);
  }

  async update(release: Release, description: string): Promise<void> {
    const url = `${this.releases}/${release.id}`;
    const response = await this.send('PATCH', url, { body: description }, true);
    if (response.status === 200) return response.drain();
    throw this.failure('PATCH', url, response.status, await bodyMessage(response), `update ${this.describe(release.tag)}`);
  }

  /** Asked once: `GET /api/v1/version`, which Gitea and Forgejo answer without credentials. */
  linksSupported(): Promise<boolean> {
    this.external ??= (async () => {
      const url = `${this.api}/version`;
      const response = await this.http.request({ method: 'GET', url });
      if (response.status !== 200) throw this.failure('GET', url, response.status, await bodyMessage(response), 'read the server version');
      return externalAssetsIn(readObject({ method: 'GET', url }, await response.json(), { version: 'string' }).version);
    })();
    return this.external;
  }

  /** `POST /releases/{id}/assets?name=` with the form field `external_url` (Forgejo v9+). */
  async addLink(release: Release, link: LinkSpec): Promise<ReleaseLink> {
    const url = `${this.releases}/${release.id}/assets?name=${encodeURIComponent(link.name)}`;
    const boundary = `relpack-${randomBytes(12).toString('hex')}`;
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="external_url"\r\n\r\n${link.url}\r\n--${boundary}--\r\n`;
    const response = await this.http.request({ method: 'POST', url, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: () => form });
    if (response.status === 201) return this.parseAsset('POST', url, await response.json());
    throw this.failure('POST', url, response.status, await bodyMessage(response), `link ${link.name}`);
  }

  /** `PATCH /releases/{id}/assets/{asset}` changes an external asset's name and URL (201). */
  async updateLink(release: Release, existing: ReleaseLink, link: LinkSpec): Promise<ReleaseLink> {
    const url = `${this.releases}/${release.id}/assets/${existing.id}`;
    const response = await this.send('PATCH', url, { name: link.name, browser_download_url: link.url }, true);
    if (response.status === 201 || response.status === 200) return this.parseAsset('PATCH', url, await response.json());
    throw this.failure('PATCH', url, response.status, await bodyMessage(response), `relink ${link.name}`);
  }

  async deleteLink(release: Release, existing: ReleaseLink): Promise<void> {
    const url = `${this.releases}/${release.id}/assets/${existing.id}`;
    const response = await this.http.request({ method: 'DELETE', url });
    if (response.status === 204 || response.status === 200 || response.status === 404) return response.drain();
    throw this.failure('DELETE', url, response.status, await bodyMessage(response), `remove the asset ${existing.name}`);
  }

  private parseAsset(method: Method, url: string, body: unknown): ReleaseLink {
    const asset = readObject({ method, url }, body, ASSET);
    return { id: asset.id, name: asset.name, url: asset.browser_download_url ?? '' };
  }

  private parseRelease(url: string, body: unknown): Release {
    const answer = { method: 'GET', url };
    const release = readObject(answer, body, RELEASE);
    const assets = (body as { assets?: unknown }).assets;
    const rows = assets === undefined || assets === null ? [] : readRows(answer, assets, ASSET);
    return {
      id: release.id,
      tag: release.tag_name,
      name: release.name || release.tag_name,
      description: release.body ?? '',
      webUrl: release.html_url,
      links: rows.map((asset) => ({ id: asset.id, name: asset.name, url: asset.browser_download_url ?? '' })),
    };
  }

  /** `retry` for idempotent writes (PATCH); an asset POST is not retried: Forgejo would keep both. */
  private send(method: Method, url: string, body: object, retry = false): Promise<HttpResponse> {
    const text = JSON.stringify(body);
    return this.http.request({ method, url, headers: { 'content-type': 'application/json' }, body: () => text, retry });
  }

  private failure(method: Method, url: string, status: number, message: string, what?: string): RelpackError {
    const request = { method, url: redactUrl(url), status, body: message || undefined };
    switch (status) {
      case 401:
      case 403:
        return new RelpackError(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', `${this.target.credential} may not ${what ?? 'read the releases'} of ${this.target.repository}`, { request, hint: `releases need ${RELEASE_TOKEN_NEEDED.gitea}` });
      case 404:
        return new RelpackError('NOT_FOUND', `repository ${this.target.repository} was not found`, { request, hint: 'check RELPACK_REPOSITORY (owner/name) and the URL; private repositories answer 404 to tokens without access' });
      default:
        return new RelpackError('HTTP', `${method} ${what ? `(${what}) ` : ''}failed with HTTP ${status}`, { request, fromRegistry: status >= 500 });
    }
  }
}
