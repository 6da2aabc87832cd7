// The `github:` config section: repositories and tokens for the GitHub repository-variables API
// shape (GitHub REST docs "Actions variables"), mounted GHES-style under /api/v3. Zero-config: repo `demo/app`, tokens
// githubAdmin (variables: write), githubReader (variables: read) and githubActions (the Actions
// GITHUB_TOKEN of demo/app).
import { createHash } from 'node:crypto';
import { ConfigError, expectObject, isObject, onlyKeys, optEnum, optString, optStringList, reqString, type Raw } from '../config-values.js';

export type GithubToken =
  | { name: string; type: 'pat'; value: string; variables: 'write' | 'read' | 'none'; repos: string[] | null }
  | { name: string; type: 'actions'; value: string; repo: string };

export interface GithubConfig {
  /** `owner/repo`, as configured. */
  repos: string[];
  tokens: GithubToken[];
}

export interface GithubConfigInput {
  repos?: string[];
  tokens?: Record<string, { type?: 'pat' | 'actions'; value?: string; variables?: 'write' | 'read' | 'none'; repos?: string[]; repo?: string }>;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export function resolveGithubConfig(raw: unknown): GithubConfig {
  const r = expectObject(raw, 'github');
  onlyKeys(r, ['repos', 'tokens'], 'github');
  const repos = optStringList(r.repos, 'github.repos', ['demo/app']);
  repos.forEach((x, i) => {
    if (!REPO.test(x)) throw new ConfigError(`github.repos[${i}]`, `must look like owner/repo, got ${JSON.stringify(x)}`);
  });
  const known = (x: string) => repos.some((y) => y.toLowerCase() === x.toLowerCase());
  const tokensRaw: Raw = r.tokens === undefined ? defaultTokens(repos[0]) : expectObject(r.tokens, 'github.tokens');
  const tokens: GithubToken[] = Object.entries(tokensRaw).map(([name, t]) => {
    const key = `github.tokens.${name}`;
    if (name === 'admin') throw new ConfigError(key, 'the name `admin` is taken by the admin token (RunningServer.tokens.admin); choose another');
    if (!isObject(t)) throw new ConfigError(key, 'a token must be a mapping (`variables: write|read|none`, or `type: actions` with `repo`)');
    const type = optEnum(t.type, `${key}.type`, ['pat', 'actions'] as const, 'pat');
    if (type === 'actions') {
      onlyKeys(t, ['type', 'value', 'repo'], key);
      const repo = reqString(t.repo, `${key}.repo`);
      if (!known(repo)) throw new ConfigError(`${key}.repo`, `unknown repo ${JSON.stringify(repo)} (declared: ${repos.join(', ')})`);
      return { name, type, value: optString(t.value, `${key}.value`, devValue('ghs_', name)), repo };
    }
    onlyKeys(t, ['type', 'value', 'variables', 'repos'], key);
    const only = t.repos === undefined ? null : optStringList(t.repos, `${key}.repos`, []);
    only?.forEach((x, i) => {
      if (!known(x)) throw new ConfigError(`${key}.repos[${i}]`, `unknown repo ${JSON.stringify(x)}`);
    });
    return {
      name, type,
      value: optString(t.value, `${key}.value`, devValue('ghp_', name)),
      variables: optEnum(t.variables, `${key}.variables`, ['write', 'read', 'none'] as const, 'write'),
      repos: only,
    };
  });
  const seen = new Set<string>();
  tokens.forEach((t) => {
    if (!t.value || /\s/.test(t.value)) throw new ConfigError(`github.tokens.${t.name}.value`, 'must be non-empty and contain no whitespace');
    if (seen.has(t.value)) throw new ConfigError(`github.tokens.${t.name}.value`, 'duplicate token value');
    seen.add(t.value);
  });
  return { repos, tokens };
}

function defaultTokens(repo: string | undefined): Raw {
  const t: Raw = { githubAdmin: { variables: 'write' }, githubReader: { variables: 'read' } };
  if (repo) t.githubActions = { type: 'actions', repo };
  return t;
}

/** `ghp_`/`ghs_` + 36 characters, derived from the name so dev tokens stay stable. */
function devValue(prefix: string, name: string): string {
  return prefix + createHash('sha256').update(`relpack-serve-github-${name}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 36);
}
