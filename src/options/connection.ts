/**
 * Where to connect and with which credential: each setting from a flag or input, else relpack's
 * environment variable, else the CI system's own. The CLI and the action both resolve through
 * here, so a default means the same in every shell.
 */
import { inputError, usageError } from '../base/errors.js';
import { HttpClient } from '../http/client.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retry.js';
import { createRegistry as createAdapter } from '../registry/adapters.js';
import type { RegistryAdapter, RegistryFlavour } from '../registry/types.js';

export interface ConnectionInput {
  registry?: string;
  url?: string;
  project?: string;
  owner?: string;
  token?: string;
  tokenType?: string;
}

export interface Connection {
  flavour: RegistryFlavour;
  /** Base URL of the instance, without /api/v4 or a trailing slash. */
  url: string;
  project?: string;
  owner?: string;
  /** Headers that carry the credential. */
  credentials: Record<string, string>;
  /** What the credential is, for messages: never its value. */
  credentialLabel: string;
  /** The CI job's own token (CI_JOB_TOKEN, GITEA_TOKEN, …), which may not publish everywhere. */
  jobToken: boolean;
  /** How the token is sent (RELPACK_TOKEN_TYPE on GitLab: private, deploy, basic, job); undefined without a choice. */
  tokenType?: string;
  /** How the flavour was chosen, for the log. */
  detectedBy: string;
  /** Secret values to mask in every output. */
  secrets: string[];
}

const TOKEN_TYPES = ['private', 'deploy', 'basic', 'job'] as const;

/** The settings that decide the flavour without asking the server. */
export function flavourFromEnvironment(input: ConnectionInput, env: NodeJS.ProcessEnv): { flavour?: RegistryFlavour; by: string } {
  const explicit = input.registry ?? env.RELPACK_REGISTRY;
  if (explicit) {
    if (explicit !== 'gitlab' && explicit !== 'gitea' && explicit !== 'forgejo') {
      throw usageError(`--registry must be gitlab or gitea, not ${JSON.stringify(explicit)}`, 'Forgejo uses the gitea flavour');
    }
    return { flavour: explicit === 'forgejo' ? 'gitea' : explicit, by: input.registry ? '--registry' : 'RELPACK_REGISTRY' };
  }
  if (env.GITLAB_CI === 'true' || env.CI_SERVER_URL || env.CI_JOB_TOKEN) return { flavour: 'gitlab', by: 'GitLab CI variables' };
  if (env.GITEA_ACTIONS === 'true' || env.FORGEJO_ACTIONS === 'true') return { flavour: 'gitea', by: env.FORGEJO_ACTIONS === 'true' ? 'FORGEJO_ACTIONS' : 'GITEA_ACTIONS' };
  const project = input.project ?? env.RELPACK_PROJECT;
  const owner = input.owner ?? env.RELPACK_OWNER;
  if (project && !owner) return { flavour: 'gitlab', by: '--project' };
  if (owner && !project) return { flavour: 'gitea', by: '--owner' };
  return { by: 'probe' };
}

export function resolveConnection(input: ConnectionInput, env: NodeJS.ProcessEnv, flavour: RegistryFlavour, detectedBy: string): Connection {
  const url = baseUrl(input, env, flavour);
  const connection = flavour === 'gitlab' ? gitlabCredentials(input, env) : giteaCredentials(input, env);
  if (flavour === 'gitlab') {
    const project = input.project ?? env.RELPACK_PROJECT ?? env.CI_PROJECT_ID;
    if (!project) throw usageError('no GitLab project given', 'pass --project (numeric id or group/project path) or set RELPACK_PROJECT; in GitLab CI it defaults to CI_PROJECT_ID');
    return { flavour, url, project, ...connection, detectedBy };
  }
  const owner = input.owner ?? env.RELPACK_OWNER ?? env.GITHUB_REPOSITORY_OWNER;
  if (!owner) throw usageError('no Gitea owner given', 'pass --owner (the user or organisation that owns the packages) or set RELPACK_OWNER; in Gitea/Forgejo Actions it defaults to GITHUB_REPOSITORY_OWNER');
  return { flavour, url, owner, ...connection, detectedBy };
}

function baseUrl(input: ConnectionInput, env: NodeJS.ProcessEnv, flavour: RegistryFlavour): string {
  const raw = input.url ?? env.RELPACK_URL ?? (flavour === 'gitlab' ? env.CI_SERVER_URL : env.GITHUB_SERVER_URL);
  if (!raw) {
    throw usageError(
      'no registry URL given',
      flavour === 'gitlab' ? 'pass --url https://gitlab.example.com or set RELPACK_URL; in GitLab CI it defaults to CI_SERVER_URL' : 'pass --url https://gitea.example.com or set RELPACK_URL; in Gitea/Forgejo Actions it defaults to GITHUB_SERVER_URL',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--url ${JSON.stringify(raw)} is not a URL`, 'give the instance URL with its scheme, e.g. https://gitlab.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http or https, not ${url.protocol}`);
  if (url.username || url.password) {
    throw usageError('the URL contains credentials', 'put the token in RELPACK_TOKEN instead: URLs end up in logs');
  }
  if (url.search || url.hash) throw usageError(`--url must not have a query or fragment: ${url.origin}${url.pathname}`);
  return (url.origin + url.pathname).replace(/\/+$/, '').replace(/\/api\/v4$/, '').replace(/\/api\/v1$/, '');
}

type Credential = Pick<Connection, 'credentials' | 'credentialLabel' | 'jobToken' | 'secrets' | 'tokenType'>;

/**
 * A token travels in an HTTP header, where a line break or another control character cannot go
 * (RFC 9110 §5.5): refused here with its own message, before anything is sent, rather than as a
 * failed request with a network hint. A token read from a file or pasted into a CI variable often
 * ends with a newline. The message never shows the token.
 */
export function checkToken(value: string | undefined, source: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule refuses
  if (value === undefined || !/[\u0000-\u001f\u007f]/.test(value)) return;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule refuses
  const trailing = /^[^\u0000-\u001f\u007f]*[\r\n]+$/.test(value);
  throw inputError(
    trailing ? `${source} ends with a line break, which cannot be sent in a header` : `${source} contains a control character, which cannot be sent in a header`,
    trailing
      ? 'remove the final newline: `echo` adds one (printf %s does not), and so do most editors when they save a token file'
      : 'set the token again, copied as it is shown, without line breaks or tabs',
  );
}

function gitlabCredentials(input: ConnectionInput, env: NodeJS.ProcessEnv): Credential {
  const token = input.token ?? env.RELPACK_TOKEN;
  checkToken(token, input.token !== undefined ? 'the token' : 'RELPACK_TOKEN');
  checkToken(token ? undefined : env.CI_JOB_TOKEN, 'CI_JOB_TOKEN');
  const type = (input.tokenType ?? env.RELPACK_TOKEN_TYPE ?? 'private').toLowerCase();
  if (!(TOKEN_TYPES as readonly string[]).includes(type)) {
    throw usageError(`RELPACK_TOKEN_TYPE must be one of ${TOKEN_TYPES.join(', ')}, not ${JSON.stringify(type)}`);
  }
  if (token) {
    switch (type) {
      case 'deploy':
        return { credentials: { 'DEPLOY-TOKEN': token }, credentialLabel: 'a deploy token (RELPACK_TOKEN)', jobToken: false, tokenType: 'deploy', secrets: [token] };
      case 'job':
        return { credentials: { 'JOB-TOKEN': token }, credentialLabel: 'a job token (RELPACK_TOKEN)', jobToken: true, tokenType: 'job', secrets: [token] };
      case 'basic': {
        const [user, secret] = token.includes(':') ? [token.slice(0, token.indexOf(':')), token.slice(token.indexOf(':') + 1)] : [env.RELPACK_USERNAME ?? 'relpack', token];
        return {
          credentials: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` },
          credentialLabel: `Basic authentication as ${user} (RELPACK_TOKEN)`,
          jobToken: false,
          tokenType: 'basic',
          secrets: [token, secret],
        };
      }
      default:
        return { credentials: { 'PRIVATE-TOKEN': token }, credentialLabel: 'an access token (RELPACK_TOKEN)', jobToken: false, tokenType: 'private', secrets: [token] };
    }
  }
  if (env.CI_JOB_TOKEN) {
    return { credentials: { 'JOB-TOKEN': env.CI_JOB_TOKEN }, credentialLabel: 'the CI job token (CI_JOB_TOKEN)', jobToken: true, secrets: [env.CI_JOB_TOKEN] };
  }
  return { credentials: {}, credentialLabel: 'no credentials', jobToken: false, secrets: [] };
}

function giteaCredentials(input: ConnectionInput, env: NodeJS.ProcessEnv): Credential {
  const token = input.token ?? env.RELPACK_TOKEN;
  checkToken(token, input.token !== undefined ? 'the token' : 'RELPACK_TOKEN');
  if (token) {
    return { credentials: { Authorization: `token ${token}` }, credentialLabel: 'an access token (RELPACK_TOKEN)', jobToken: false, secrets: [token] };
  }
  // Token precedence of the runners: Forgejo FORGEJO_TOKEN, then GITEA_TOKEN, then GITHUB_TOKEN
  // (`internal/app/run/runner.go` in forgejo/runner and gitea/act_runner).
  for (const name of ['FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN']) {
    const value = env[name];
    checkToken(value, name);
    if (value) return { credentials: { Authorization: `token ${value}` }, credentialLabel: `the Actions job token (${name})`, jobToken: true, secrets: [value] };
  }
  return { credentials: {}, credentialLabel: 'no credentials', jobToken: false, secrets: [] };
}

/**
 * RELPACK_RETRIES (attempts in all, 1 = no retry) and RELPACK_RETRY_DELAY_MS (the first backoff)
 * tune retries for networks that need more patience, or tests that need less.
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const number = (name: string, min: number, max: number, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw usageError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    return n;
  };
  const attempts = number('RELPACK_RETRIES', 1, 20, DEFAULT_RETRY_POLICY.attempts);
  const baseDelayMs = number('RELPACK_RETRY_DELAY_MS', 1, 60_000, DEFAULT_RETRY_POLICY.baseDelayMs);
  return { attempts, baseDelayMs, maxDelayMs: Math.max(baseDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs) };
}

export interface ClientSettings {
  log?: (line: string) => void;
  retry?: RetryPolicy;
  env?: NodeJS.ProcessEnv;
  userAgent?: string;
  /** The command's deadline (http/deadline.ts): every request of the client ends with it. */
  signal?: AbortSignal;
}

/**
 * Settles the flavour (asking the server once, unauthenticated, when nothing else tells) and
 * builds the registry adapter with its HTTP client.
 */
export async function connect(input: ConnectionInput, env: NodeJS.ProcessEnv, settings: ClientSettings = {}): Promise<{ registry: RegistryAdapter; connection: Connection }> {
  let { flavour, by } = flavourFromEnvironment(input, env);
  if (!flavour) {
    const url = baseUrl(input, env, 'gitlab');
    flavour = await probeFlavour(url, { ...settings, env: settings.env ?? env });
    by = `probe of ${url}`;
  }
  const connection = resolveConnection(input, env, flavour, by);
  return { registry: createRegistry(connection, connectionClient(connection, env, settings)), connection };
}

/** An HTTP client that carries the connection's credential, to its origin only. */
export function connectionClient(connection: Connection, env: NodeJS.ProcessEnv, settings: ClientSettings = {}): HttpClient {
  return new HttpClient({
    credentials: connection.credentials,
    credentialOrigin: new URL(connection.url).origin,
    log: settings.log,
    retry: settings.retry ?? retryPolicyFromEnv(env),
    env: settings.env ?? env,
    userAgent: settings.userAgent,
    signal: settings.signal,
  });
}

/** The connection's adapter, from the table of adapters: a new flavour is a line there, not here. */
export function createRegistry(connection: Connection, http: HttpClient): RegistryAdapter {
  return createAdapter(
    connection.flavour,
    {
      url: connection.url,
      project: connection.project,
      owner: connection.owner,
      credential: connection.credentialLabel,
      jobToken: connection.jobToken,
      anonymous: Object.keys(connection.credentials).length === 0,
      tokenType: connection.tokenType,
    },
    http,
  );
}

/** Gitea and Forgejo answer GET /api/v1/version without credentials; GitLab does not have it. */
export async function probeFlavour(url: string, settings: ClientSettings): Promise<RegistryFlavour> {
  const http = new HttpClient({ log: settings.log, retry: settings.retry, env: settings.env, signal: settings.signal });
  try {
    const response = await http.request({ method: 'GET', url: `${url}/api/v1/version`, authenticate: false });
    if (response.status === 200) {
      const body = await response.json<{ version?: unknown }>().catch(() => undefined);
      if (body && typeof body.version === 'string') return 'gitea';
    } else {
      await response.drain();
    }
    return 'gitlab';
  } finally {
    await http.close();
  }
}
