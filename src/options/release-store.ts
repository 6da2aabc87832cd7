/**
 * Where a tag's release lives and with which credential: the package registry's own instance and
 * token (GitLab: the project the packages are in; Gitea/Forgejo: the repository RELPACK_REPOSITORY,
 * else the Actions run's GITHUB_REPOSITORY). Resolved before any request, so that a missing
 * repository is a usage error and nothing is published.
 */
import { usageError } from '../base/errors.js';
import { GiteaReleaseStore } from '../registry/releases/gitea.js';
import { GitlabReleaseStore } from '../registry/releases/gitlab.js';
import type { ReleaseStore } from '../registry/releases/types.js';
import { connectionClient, type ClientSettings, type Connection } from './connection.js';

export interface ResolvedReleaseStore {
  store: ReleaseStore;
  /** Where the release lives, for the log. */
  location: string;
  close(): Promise<void>;
}

/** The Gitea/Forgejo repository (`owner/name`) whose releases are linked; a usage error without one. */
export function releaseRepository(env: NodeJS.ProcessEnv): string {
  const [value, source] = env.RELPACK_REPOSITORY ? [env.RELPACK_REPOSITORY, 'RELPACK_REPOSITORY'] : [env.GITHUB_REPOSITORY, 'GITHUB_REPOSITORY'];
  if (!value) throw usageError('no repository for the release', 'set RELPACK_REPOSITORY=owner/name (in Gitea/Forgejo Actions it defaults to GITHUB_REPOSITORY)');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) throw usageError(`${source} must be owner/name, not ${JSON.stringify(value)}`);
  return value;
}

/** Checks what can be checked without a request: throws a usage error, sends nothing. */
export function checkReleaseSettings(connection: Pick<Connection, 'flavour'>, env: NodeJS.ProcessEnv): void {
  if (connection.flavour === 'gitea') releaseRepository(env);
}

/** The release store of the registry's platform, on its own client with the registry's credential. */
export function resolveReleaseStore(connection: Connection, env: NodeJS.ProcessEnv, settings: ClientSettings = {}): ResolvedReleaseStore {
  const http = connectionClient(connection, env, settings);
  const close = () => http.close();
  if (connection.flavour === 'gitlab') {
    const project = connection.project as string;
    return { store: new GitlabReleaseStore({ url: connection.url, project, credential: connection.credentialLabel }, http), location: `project ${project}`, close };
  }
  const repository = releaseRepository(env);
  return { store: new GiteaReleaseStore({ url: connection.url, repository, credential: connection.credentialLabel }, http), location: `repository ${repository}`, close };
}
