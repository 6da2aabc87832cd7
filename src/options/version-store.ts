/**
 * Which variable holds the package version, and with which token: from `--version-store` (or the
 * action's input), else the CI system relpack runs in, else the package registry's platform. The
 * CLI and the action both resolve through here.
 *
 * Token: RELPACK_VARIABLES_TOKEN, else RELPACK_TOKEN. The CI job's own token (CI_JOB_TOKEN,
 * GITHUB_TOKEN, GITEA_TOKEN, FORGEJO_TOKEN) can read and write variables on no platform, so when it
 * is all there is, resolving fails (exit 2) before anything is published, naming the token needed.
 */
import { RelpackError, usageError } from '../base/errors.js';
import { HttpClient } from '../http/client.js';
import { GiteaVariableStore } from '../registry/variables/gitea.js';
import { GithubVariableStore } from '../registry/variables/github.js';
import { GitlabVariableStore } from '../registry/variables/gitlab.js';
import { VARIABLE_TOKEN_NEEDED, type VariableStore, type VersionStoreKind } from '../registry/variables/types.js';
import { checkToken, retryPolicyFromEnv, type ClientSettings, type Connection } from './connection.js';

export const VERSION_STORE_KINDS = ['gitlab', 'gitea', 'github'] as const;

export interface VersionStoreInput {
  /** `--version-store gitlab|gitea|github` (`forgejo` is accepted for gitea). */
  store?: string;
  /** The package registry connection, when one is open: a store on the same platform defaults to its URL and project. */
  connection?: Pick<Connection, 'flavour' | 'url' | 'project' | 'jobToken' | 'credentialLabel'>;
}

export interface ResolvedVersionStore {
  store: VariableStore;
  kind: VersionStoreKind;
  /** Where the variables live (project or repository, and the API URL), for the log. */
  location: string;
  /** How the store was chosen. */
  detectedBy: string;
  /** Which variable the token came from, never its value. */
  credentialLabel: string;
  /** Secret values to mask in every output. */
  secrets: string[];
}

/** The store's platform from the input and the environment (no request). */
export function versionStoreKind(input: VersionStoreInput, env: NodeJS.ProcessEnv): { kind: VersionStoreKind; by: string } {
  const explicit = input.store ?? env.RELPACK_VERSION_STORE;
  if (explicit) {
    const kind = explicit === 'forgejo' ? 'gitea' : explicit;
    if (!(VERSION_STORE_KINDS as readonly string[]).includes(kind)) {
      throw usageError(`--version-store must be gitlab, gitea or github, not ${JSON.stringify(explicit)}`, 'Forgejo uses gitea');
    }
    return { kind: kind as VersionStoreKind, by: input.store ? '--version-store' : 'RELPACK_VERSION_STORE' };
  }
  if (env.CI_PROJECT_ID && (env.CI_API_V4_URL || env.CI_SERVER_URL)) return { kind: 'gitlab', by: 'GitLab CI variables' };
  // Gitea and Forgejo runners set GITHUB_ACTIONS=true as well: look for them first.
  if (env.GITEA_ACTIONS === 'true' || env.FORGEJO_ACTIONS === 'true') return { kind: 'gitea', by: env.FORGEJO_ACTIONS === 'true' ? 'FORGEJO_ACTIONS' : 'GITEA_ACTIONS' };
  if (env.GITHUB_ACTIONS === 'true') return { kind: 'github', by: 'GITHUB_ACTIONS' };
  if (input.connection) return { kind: input.connection.flavour, by: `the ${input.connection.flavour} registry` };
  throw usageError('cannot tell where the version variable is kept', 'pass --version-store gitlab|gitea|github (or set RELPACK_VERSION_STORE)');
}

/** The job tokens of each platform, which cannot reach its variables API. */
const JOB_TOKENS: Record<VersionStoreKind, string[]> = {
  gitlab: ['CI_JOB_TOKEN'],
  gitea: ['FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN'],
  github: ['GITHUB_TOKEN'],
};
const ALL_JOB_TOKENS = ['CI_JOB_TOKEN', 'FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN'];

function variablesToken(kind: VersionStoreKind, input: VersionStoreInput, env: NodeJS.ProcessEnv, what: string, storeOrigin: string): { token: string; label: string } {
  const needed = `need ${VARIABLE_TOKEN_NEEDED[kind]}`;
  const fix = 'put that token in RELPACK_VARIABLES_TOKEN (a masked CI/CD variable or a secret); the package itself can still be published with the job token';
  // A job token passed on under another name (e.g. an action's `token: ${{ github.token }}`) is still a job token.
  const notJobToken = (token: string, label: string) => {
    const same = ALL_JOB_TOKENS.find((name) => env[name] === token);
    if (same) throw usageError(`${label} holds the CI job token (${same}), which cannot read or write ${what}: they ${needed}. Nothing was published.`, fix);
    return { token, label };
  };
  if (env.RELPACK_VARIABLES_TOKEN) return notJobToken(env.RELPACK_VARIABLES_TOKEN, 'RELPACK_VARIABLES_TOKEN');
  const type = (env.RELPACK_TOKEN_TYPE ?? 'private').toLowerCase();
  if (env.RELPACK_TOKEN && type !== 'job' && type !== 'deploy') {
    // RELPACK_TOKEN belongs to the package registry's origin; it is never sent anywhere else
    // (GitHub Actions publishing to GitLab keeps its version variable at api.github.com).
    const packageOrigin = originOf(input.connection?.url ?? env.RELPACK_URL);
    if (packageOrigin && packageOrigin !== storeOrigin) {
      throw usageError(
        `RELPACK_TOKEN is the token for the packages at ${packageOrigin}, but the version variable is at ${storeOrigin}: a token is never sent to another origin. Nothing was published.`,
        `set RELPACK_VARIABLES_TOKEN to a token for ${storeOrigin} that can ${needed.replace(/^need /, 'use ')}`,
      );
    }
    const token = type === 'basic' && env.RELPACK_TOKEN.includes(':') ? env.RELPACK_TOKEN.slice(env.RELPACK_TOKEN.indexOf(':') + 1) : env.RELPACK_TOKEN;
    return notJobToken(token, 'RELPACK_TOKEN');
  }
  if (env.RELPACK_TOKEN && type === 'deploy') {
    throw usageError(`RELPACK_TOKEN is a deploy token, which cannot read or write ${what}: they ${needed}. Nothing was published.`, fix);
  }
  const job = (env.RELPACK_TOKEN && type === 'job' ? ['RELPACK_TOKEN'] : []).concat(JOB_TOKENS[kind].filter((name) => env[name]));
  if (job.length > 0 || input.connection?.jobToken) {
    const which = job[0] ?? input.connection!.credentialLabel;
    throw usageError(`the only token here is the CI job token (${which}), which cannot read or write ${what}: they ${needed}. Nothing was published.`, fix);
  }
  throw usageError(`no token was given for ${what}: they ${needed}`, 'set RELPACK_VARIABLES_TOKEN (or RELPACK_TOKEN when one token does both)');
}

function originOf(raw: string | undefined): string | undefined {
  try {
    return raw ? new URL(raw).origin : undefined;
  } catch {
    return undefined;
  }
}

function urlOf(raw: string, setting: string): URL {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    if (url.username || url.password) throw usageError(`${setting} contains credentials`, 'put the token in RELPACK_VARIABLES_TOKEN instead: URLs end up in logs');
    return url;
  } catch (error) {
    if (error instanceof RelpackError) throw error;
    throw usageError(`${setting} ${JSON.stringify(raw)} is not an http(s) URL`);
  }
}

function repository(env: NodeJS.ProcessEnv): string {
  const repo = env.RELPACK_REPOSITORY ?? env.GITHUB_REPOSITORY;
  if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo)) {
    throw usageError(repo ? `GITHUB_REPOSITORY must be owner/repo, not ${JSON.stringify(repo)}` : 'no repository given for the version variable', 'set RELPACK_REPOSITORY=owner/repo; in Actions it defaults to GITHUB_REPOSITORY');
  }
  return repo;
}

/** Builds the store and its HTTP client (credentials only ever sent to the store's own origin). */
export function resolveVersionStore(input: VersionStoreInput, env: NodeJS.ProcessEnv, settings: ClientSettings = {}): ResolvedVersionStore {
  const { kind, by } = versionStoreKind(input, env);
  const same = input.connection?.flavour === kind ? input.connection : undefined;
  let apiUrl: URL;
  let location: string;
  let build: (http: HttpClient, credential: string) => VariableStore;
  let credentials: (token: string) => Record<string, string>;
  if (kind === 'gitlab') {
    const raw = same?.url ?? env.CI_API_V4_URL ?? env.CI_SERVER_URL ?? env.RELPACK_URL;
    const project = same?.project ?? env.RELPACK_PROJECT ?? env.CI_PROJECT_ID;
    if (!raw) throw usageError('no GitLab URL for the version variable', 'pass --url or set RELPACK_URL; in GitLab CI it defaults to CI_API_V4_URL');
    if (!project) throw usageError('no GitLab project for the version variable', 'pass --project or set RELPACK_PROJECT; in GitLab CI it defaults to CI_PROJECT_ID');
    apiUrl = urlOf(raw, 'the GitLab URL');
    const url = raw.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    location = `project ${project} at ${url}`;
    build = (http, credential) => new GitlabVariableStore({ url, project, credential }, http);
    credentials = (token) => ({ 'PRIVATE-TOKEN': token });
  } else if (kind === 'gitea') {
    const raw = same?.url ?? env.GITHUB_SERVER_URL ?? env.RELPACK_URL;
    if (!raw) throw usageError('no Gitea/Forgejo URL for the version variable', 'pass --url or set RELPACK_URL; in Gitea/Forgejo Actions it defaults to GITHUB_SERVER_URL');
    const repo = repository(env);
    apiUrl = urlOf(raw, 'the Gitea URL');
    const url = raw.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    location = `repository ${repo} at ${url}`;
    build = (http, credential) => new GiteaVariableStore({ url, repository: repo, credential }, http);
    credentials = (token) => ({ Authorization: `token ${token}` });
  } else {
    const raw = env.GITHUB_API_URL ?? 'https://api.github.com';
    const repo = repository(env);
    apiUrl = urlOf(raw, 'GITHUB_API_URL');
    location = `repository ${repo} at ${raw.replace(/\/+$/, '')}`;
    build = (http, credential) => new GithubVariableStore({ apiUrl: raw, repository: repo, credential }, http);
    credentials = (token) => ({ Authorization: `Bearer ${token}` });
  }
  const what = kind === 'gitlab' ? 'GitLab CI/CD variables' : kind === 'gitea' ? 'Gitea/Forgejo Actions variables' : 'GitHub repository variables';
  const { token, label } = variablesToken(kind, input, env, what, apiUrl.origin);
  checkToken(token, label);
  const http = new HttpClient({
    credentials: credentials(token),
    credentialOrigin: apiUrl.origin,
    log: settings.log,
    retry: settings.retry ?? retryPolicyFromEnv(env),
    env: settings.env ?? env,
    userAgent: settings.userAgent,
    signal: settings.signal,
  });
  return { store: build(http, `the token in ${label}`), kind, location, detectedBy: by, credentialLabel: label, secrets: [token, ...http.secrets()] };
}

/**
 * The tag a pipeline runs for: CI_COMMIT_TAG (GitLab), else GITHUB_REF_NAME when GITHUB_REF_TYPE
 * is `tag` (GitHub, Gitea and Forgejo Actions); undefined in a branch pipeline.
 */
export function pipelineTag(env: NodeJS.ProcessEnv): string | undefined {
  if (env.CI_COMMIT_TAG) return env.CI_COMMIT_TAG;
  if (env.GITHUB_REF_NAME && (env.GITHUB_REF_TYPE === 'tag' || (!env.GITHUB_REF_TYPE && env.GITHUB_REF?.startsWith('refs/tags/')))) return env.GITHUB_REF_NAME;
  return undefined;
}
