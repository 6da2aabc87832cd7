/**
 * Where a package's version is kept between pipelines: a CI variable of the project or
 * repository. One small interface per platform (GitLab project CI/CD variables, Gitea/Forgejo
 * repository Actions variables, GitHub repository variables); core reads and writes only through it.
 */
import type { HttpClient } from '../../http/client.js';

export type VersionStoreKind = 'gitlab' | 'gitea' | 'github';

/** Settings of a variable that an update must leave as they are. */
export interface VariableFlags {
  /** GitLab. */
  protected?: boolean;
  masked?: boolean;
  hidden?: boolean;
  raw?: boolean;
  environmentScope?: string;
  variableType?: string;
  /** GitLab and Gitea (Gitea ≥1.24 clears it on an update that leaves it out: Gitea `routers/api/v1/repo/action.go`). */
  description?: string | null;
}

export interface StoredVariable {
  /** The name as the platform stores it (Gitea and GitHub upper-case it). */
  name: string;
  value: string;
  flags: VariableFlags;
}

export interface VariableStore {
  readonly kind: VersionStoreKind;
  readonly http: HttpClient;
  /** "GitLab CI/CD variable PKG_VERSION of project 1", for messages. */
  describe(name: string): string;
  /** Throws INVALID_INPUT naming the rule; sends nothing. */
  validateName(name: string): void;
  /** The variable, or undefined when it does not exist. */
  read(name: string): Promise<StoredVariable | undefined>;
  /** Creates the variable; resolves 'exists' when another writer created it first. */
  create(name: string, value: string): Promise<'created' | 'exists'>;
  /** Sets a new value on the variable `current` was read from, keeping its flags and scope. */
  update(current: StoredVariable, value: string): Promise<void>;
}

/**
 * The token each platform needs to read and write its variables (GitLab `lib/api/ci/variables.rb` and
 * `doc/ci/jobs/ci_job_token.md`; Gitea `reqOwner` in `routers/api/v1/api.go`; GitHub's docs
 * "Permissions for the GITHUB_TOKEN").
 */
export const VARIABLE_TOKEN_NEEDED: Record<VersionStoreKind, string> = {
  gitlab:
    'a personal, project or group access token with the api scope and the Maintainer role in the project (CI_JOB_TOKEN cannot reach the CI/CD variables API)',
  gitea:
    "an access token of the repository's owner (an organisation owner for an organisation's repository) with the write:repository scope (the Actions job token GITEA_TOKEN/GITHUB_TOKEN is never the owner)",
  github:
    'a fine-grained personal access token or GitHub App token with the "Variables" repository permission set to write, or a classic token with the repo scope (GITHUB_TOKEN cannot write variables)',
};

