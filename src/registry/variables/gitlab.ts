/**
 * GitLab project CI/CD variables (GitLab `lib/api/ci/variables.rb`). Reads and writes need the Maintainer role
 * and a token that is not CI_JOB_TOKEN (the API ignores JOB-TOKEN: 401).
 */
import { RelpackError, inputError } from '../../base/errors.js';
import type { HttpClient, Method } from '../../http/client.js';
import { redactUrl } from '../../http/redact.js';
import { readObject, type Shape } from '../answers.js';
import { bodyMessage } from '../messages.js';
import { VARIABLE_TOKEN_NEEDED, type StoredVariable, type VariableStore } from './types.js';

export interface GitlabVariablesTarget {
  /** Instance URL, without /api/v4. */
  url: string;
  /** Numeric id or `group/project`. */
  project: string;
  /** What the credential is, for messages. */
  credential: string;
}

/** A project variable (GitLab `lib/api/entities/ci/variable.rb`): `value` is null when it is hidden. */
const VARIABLE = {
  key: 'string',
  value: 'string|null',
  variable_type: 'string?',
  protected: 'boolean?',
  masked: 'boolean?',
  hidden: 'boolean?',
  raw: 'boolean?',
  environment_scope: 'string?',
  description: 'string?',
} as const satisfies Shape;

export class GitlabVariableStore implements VariableStore {
  readonly kind = 'gitlab' as const;
  private readonly base: string;

  constructor(
    private readonly target: GitlabVariablesTarget,
    readonly http: HttpClient,
  ) {
    this.base = `${target.url.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}/api/v4/projects/${encodeURIComponent(target.project)}/variables`;
  }

  describe(name: string): string {
    return `GitLab CI/CD variable ${name} of project ${this.target.project}`;
  }

  validateName(name: string): void {
    // Ci::HasVariable: \A[a-zA-Z0-9_]+\z, at most 255 characters (GitLab `app/models/concerns/ci/has_variable.rb`).
    if (!/^[A-Za-z0-9_]{1,255}$/.test(name)) {
      throw inputError(`invalid variable name ${JSON.stringify(name)}: GitLab variable keys have letters, digits and "_" only (at most 255)`);
    }
  }

  async read(name: string): Promise<StoredVariable | undefined> {
    const url = `${this.base}/${encodeURIComponent(name)}`;
    const response = await this.http.request({ method: 'GET', url });
    if (response.status === 404) {
      const message = await bodyMessage(response);
      if (/variable not found/i.test(message)) return undefined;
      throw this.failure('GET', url, response.status, message, name);
    }
    if (response.status !== 200) throw this.failure('GET', url, response.status, await bodyMessage(response), name);
    const v = readObject({ method: 'GET', url }, await response.json(), VARIABLE);
    if (v.value === null || v.hidden) {
      throw new RelpackError('INVALID_INPUT', `${this.describe(name)} is masked and hidden: its value cannot be read through the API`, {
        hint: 'keep the version in a variable that is not hidden (masking is not needed: a version is not a secret)',
      });
    }
    return {
      name: v.key,
      value: v.value,
      flags: {
        protected: v.protected,
        masked: v.masked,
        hidden: v.hidden,
        raw: v.raw,
        environmentScope: v.environment_scope,
        variableType: v.variable_type,
        description: v.description,
      },
    };
  }

  async create(name: string, value: string): Promise<'created' | 'exists'> {
    // raw: the value is taken literally (no $VAR expansion); not protected, so every branch can read it.
    const body = JSON.stringify({ key: name, value, raw: true, description: 'package version, bumped by relpack' });
    const response = await this.http.request({ method: 'POST', url: this.base, headers: { 'content-type': 'application/json' }, body: () => body });
    if (response.status === 201) {
      await response.drain();
      return 'created';
    }
    const message = await bodyMessage(response);
    if (response.status === 400 && /has already been taken/.test(message)) return 'exists';
    throw this.failure('POST', this.base, response.status, message, name);
  }

  async update(current: StoredVariable, value: string): Promise<void> {
    // Only the value is sent: GitLab keeps protected/masked/raw/type/description as they are, and
    // the scope filter makes sure the variable that was read is the one updated.
    const url = new URL(`${this.base}/${encodeURIComponent(current.name)}`);
    if (current.flags.environmentScope !== undefined) url.searchParams.set('filter[environment_scope]', current.flags.environmentScope);
    const body = JSON.stringify({ value });
    const response = await this.http.request({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: () => body });
    if (response.status === 200) return response.drain();
    const message = await bodyMessage(response);
    if (response.status === 400 && /value/.test(message) && current.flags.masked) {
      throw new RelpackError('INVALID_INPUT', `GitLab refused ${JSON.stringify(value)} for the masked variable ${current.name}: a masked value needs at least 8 characters from the Base64 alphabet`, {
        request: { method: 'PUT', url: redactUrl(url), status: 400, body: message },
        hint: `unmask ${current.name} (a version is not a secret)`,
      });
    }
    throw this.failure('PUT', url, response.status, message, current.name);
  }

  private failure(method: Method, url: string | URL, status: number, message: string, name: string): RelpackError {
    const request = { method, url: redactUrl(url), status, body: message || undefined };
    switch (status) {
      case 401:
        return new RelpackError('UNAUTHORIZED', `the GitLab variables API did not accept the credentials (${this.target.credential})`, {
          request,
          hint: `reading and writing ${name} needs ${VARIABLE_TOKEN_NEEDED.gitlab}; put it in RELPACK_VARIABLES_TOKEN`,
        });
      case 403:
        return new RelpackError('FORBIDDEN', `GitLab refused ${method} on ${this.describe(name)} for ${this.target.credential}`, {
          request,
          hint: `the CI/CD variables API needs the Maintainer role and the api scope: use ${VARIABLE_TOKEN_NEEDED.gitlab}`,
        });
      case 404:
        return new RelpackError('NOT_FOUND', `GitLab project ${this.target.project} was not found`, {
          request,
          hint: 'check the project and the URL; private projects answer 404 to tokens without access',
        });
      case 409:
        return new RelpackError('CONFLICT', `${this.describe(name)} exists in several environment scopes`, {
          request,
          hint: `keep one ${name} (environment scope *) for the package version`,
        });
      default:
        return new RelpackError('HTTP', `${method} ${this.describe(name)} failed with HTTP ${status}`, { request });
    }
  }
}
