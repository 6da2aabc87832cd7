/**
 * Gitea/Forgejo repository Actions variables (Gitea `routers/api/v1/repo/action.go`; Gitea ≥1.22,
 * Forgejo ≥v8). Only
 * the repository owner (an organisation owner, or a site admin) may read or write them: the
 * Actions job token gets 403 even for reads.
 */
import { RelpackError, inputError } from '../../base/errors.js';
import type { HttpClient, Method } from '../../http/client.js';
import { redactUrl } from '../../http/redact.js';
import { readObject, type Shape } from '../answers.js';
import { bodyMessage } from '../messages.js';
import { VARIABLE_TOKEN_NEEDED, type StoredVariable, type VariableStore } from './types.js';

export interface GiteaVariablesTarget {
  /** Instance URL, without /api/v1. */
  url: string;
  /** `owner/repo`. */
  repository: string;
  credential: string;
}

/** A repository Actions variable (Gitea `modules/structs/secret.go`, ActionVariable). */
const VARIABLE = { name: 'string', data: 'string', description: 'string?' } as const satisfies Shape;

export class GiteaVariableStore implements VariableStore {
  readonly kind = 'gitea' as const;
  private readonly base: string;

  constructor(
    private readonly target: GiteaVariablesTarget,
    readonly http: HttpClient,
  ) {
    const [owner, repo] = target.repository.split('/');
    this.base = `${target.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}/actions/variables`;
  }

  describe(name: string): string {
    return `Actions variable ${name.toUpperCase()} of repository ${this.target.repository}`;
  }

  validateName(name: string): void {
    const up = name.toUpperCase();
    if (!/^[A-Z_][A-Z0-9_]*$/.test(up) || up.startsWith('GITEA_') || up.startsWith('GITHUB_') || up.startsWith('FORGEJO_') || up === 'CI') {
      throw inputError(
        `invalid variable name ${JSON.stringify(name)}: Gitea/Forgejo variable names have letters, digits and "_", do not start with a digit, and do not start with GITEA_, GITHUB_ or FORGEJO_`,
      );
    }
  }

  async read(name: string): Promise<StoredVariable | undefined> {
    const url = `${this.base}/${encodeURIComponent(name.toUpperCase())}`;
    const response = await this.http.request({ method: 'GET', url });
    if (response.status === 200) {
      const v = readObject({ method: 'GET', url }, await response.json(), VARIABLE);
      return { name: v.name, value: v.data, flags: { description: v.description } };
    }
    const message = await bodyMessage(response);
    if (response.status === 404 && /variable not found/i.test(message)) return undefined;
    throw this.failure('GET', url, response.status, message, name);
  }

  async create(name: string, value: string): Promise<'created' | 'exists'> {
    const url = `${this.base}/${encodeURIComponent(name.toUpperCase())}`;
    const body = JSON.stringify({ value, description: 'package version, bumped by relpack' });
    const response = await this.http.request({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: () => body });
    // 201 in Gitea ≥1.25, 204 in older Gitea and in Forgejo (Gitea `routers/api/v1/repo/action.go`, go-gitea/gitea#34517).
    if (response.status === 201 || response.status === 204) {
      await response.drain();
      return 'created';
    }
    const message = await bodyMessage(response);
    if (response.status === 409) return 'exists';
    throw this.failure('POST', url, response.status, message, name);
  }

  async update(current: StoredVariable, value: string): Promise<void> {
    const url = `${this.base}/${encodeURIComponent(current.name)}`;
    // Gitea ≥1.24 clears a description the update leaves out: send back the one that was read.
    const body = JSON.stringify({ value, ...(typeof current.flags.description === 'string' ? { description: current.flags.description } : {}) });
    const response = await this.http.request({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: () => body });
    if (response.status === 204 || response.status === 200) {
      await response.drain();
      return;
    }
    throw this.failure('PUT', url, response.status, await bodyMessage(response), current.name);
  }

  private failure(method: Method, url: string, status: number, message: string, name: string): RelpackError {
    const request = { method, url: redactUrl(url), status, body: message || undefined };
    switch (status) {
      case 401:
        return new RelpackError('UNAUTHORIZED', `the Gitea/Forgejo variables API did not accept the credentials (${this.target.credential})`, {
          request,
          hint: `reading and writing ${name} needs ${VARIABLE_TOKEN_NEEDED.gitea}; put it in RELPACK_VARIABLES_TOKEN`,
        });
      case 403:
        return new RelpackError('FORBIDDEN', `Gitea/Forgejo refused ${method} on ${this.describe(name)} for ${this.target.credential}`, {
          request,
          hint: `Actions variables are the repository owner's: use ${VARIABLE_TOKEN_NEEDED.gitea}`,
        });
      case 404:
        return new RelpackError('NOT_FOUND', `repository ${this.target.repository} was not found (or its Actions are disabled)`, {
          request,
          hint: 'check GITHUB_REPOSITORY (owner/repo) and the URL; the Actions variables API needs Gitea 1.22 or Forgejo 8 or later',
        });
      default:
        return new RelpackError('HTTP', `${method} ${this.describe(name)} failed with HTTP ${status}`, { request });
    }
  }
}
