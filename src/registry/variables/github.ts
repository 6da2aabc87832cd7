/**
 * GitHub repository variables (REST docs "Actions variables", docs.github.com/rest/actions/variables):
 * the name goes in the body on create (201),
 * updates are PATCH (204). GITHUB_TOKEN has no variables permission at all (403 "Resource not
 * accessible by integration").
 */
import { RelpackError, inputError } from '../../base/errors.js';
import type { HttpClient, Method } from '../../http/client.js';
import { redactUrl } from '../../http/redact.js';
import { readObject, type Shape } from '../answers.js';
import { bodyMessage } from '../messages.js';
import { VARIABLE_TOKEN_NEEDED, type StoredVariable, type VariableStore } from './types.js';

/** A repository variable (GitHub REST docs, "Get a repository variable"). */
const VARIABLE = { name: 'string', value: 'string' } as const satisfies Shape;

export interface GithubVariablesTarget {
  /** The REST API root: GITHUB_API_URL (`https://api.github.com`, or `<server>/api/v3` on GHES). */
  apiUrl: string;
  /** `owner/repo`. */
  repository: string;
  credential: string;
}

const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

export class GithubVariableStore implements VariableStore {
  readonly kind = 'github' as const;
  private readonly base: string;

  constructor(
    private readonly target: GithubVariablesTarget,
    readonly http: HttpClient,
  ) {
    const [owner, repo] = target.repository.split('/');
    this.base = `${target.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}/actions/variables`;
  }

  describe(name: string): string {
    return `GitHub variable ${name.toUpperCase()} of repository ${this.target.repository}`;
  }

  validateName(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.toUpperCase().startsWith('GITHUB_')) {
      throw inputError(`invalid variable name ${JSON.stringify(name)}: GitHub variable names have letters, digits and "_", do not start with a digit or GITHUB_`);
    }
  }

  async read(name: string): Promise<StoredVariable | undefined> {
    const url = `${this.base}/${encodeURIComponent(name.toUpperCase())}`;
    const response = await this.http.request({ method: 'GET', url, headers: HEADERS });
    if (response.status === 200) {
      const v = readObject({ method: 'GET', url }, await response.json(), VARIABLE);
      return { name: v.name, value: v.value, flags: {} };
    }
    const message = await bodyMessage(response);
    // A repository the token cannot see is also 404; tell them apart by asking for the collection.
    if (response.status === 404 && (await this.repositoryVisible())) return undefined;
    throw this.failure('GET', url, response.status, message, name);
  }

  async create(name: string, value: string): Promise<'created' | 'exists'> {
    const body = JSON.stringify({ name: name.toUpperCase(), value });
    const response = await this.http.request({ method: 'POST', url: this.base, headers: { ...HEADERS, 'content-type': 'application/json' }, body: () => body });
    if (response.status === 201) {
      await response.drain();
      return 'created';
    }
    const message = await bodyMessage(response);
    if (response.status === 409 || (response.status === 422 && /already exists/i.test(message))) return 'exists';
    throw this.failure('POST', this.base, response.status, message, name);
  }

  async update(current: StoredVariable, value: string): Promise<void> {
    const url = `${this.base}/${encodeURIComponent(current.name)}`;
    const body = JSON.stringify({ value });
    const response = await this.http.request({ method: 'PATCH', url, headers: { ...HEADERS, 'content-type': 'application/json' }, body: () => body });
    if (response.status === 204 || response.status === 200) {
      await response.drain();
      return;
    }
    throw this.failure('PATCH', url, response.status, await bodyMessage(response), current.name);
  }

  private async repositoryVisible(): Promise<boolean> {
    const response = await this.http.request({ method: 'GET', url: `${this.base}?per_page=1`, headers: HEADERS });
    await response.drain();
    return response.status === 200;
  }

  private failure(method: Method, url: string, status: number, message: string, name: string): RelpackError {
    const request = { method, url: redactUrl(url), status, body: message || undefined };
    switch (status) {
      case 401:
        return new RelpackError('UNAUTHORIZED', `the GitHub variables API did not accept the credentials (${this.target.credential})`, {
          request,
          hint: `reading and writing ${name} needs ${VARIABLE_TOKEN_NEEDED.github}; put it in RELPACK_VARIABLES_TOKEN`,
        });
      case 403:
        return new RelpackError('FORBIDDEN', `GitHub refused ${method} on ${this.describe(name)} for ${this.target.credential}`, {
          request,
          hint: `use ${VARIABLE_TOKEN_NEEDED.github}`,
        });
      case 404:
        return new RelpackError('NOT_FOUND', `GitHub repository ${this.target.repository} was not found at ${this.target.apiUrl}`, {
          request,
          hint: 'check GITHUB_REPOSITORY (owner/repo) and GITHUB_API_URL; private repositories answer 404 to tokens without access',
        });
      default:
        return new RelpackError('HTTP', `${method} ${this.describe(name)} failed with HTTP ${status}`, { request });
    }
  }
}
