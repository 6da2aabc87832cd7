// The `gitea:` config section: which server is imitated (Gitea or Forgejo, and its version, which
// drives the version-dependent behaviours listed in docs/gitea-behaviour.md), users, organisations, repositories,
// tokens and package quotas. Zero-config: user `demo` (public) with repo `demo/app`, a second
// user `other`, a site admin `root`, and the dev tokens giteaOwner / giteaReader / giteaOther /
// giteaAdmin / giteaActions.
import { createHash } from 'node:crypto';
import { validRefName } from '../git-refs.js';
import {
  ConfigError, expectArray, expectObject, isObject, onlyKeys, optBool, optEnum, optInt, optSize, optString,
  optStringList, reqString, type Raw,
} from '../config-values.js';

export type ServerKind = 'gitea' | 'forgejo';
export type Visibility = 'public' | 'limited' | 'private';
/** Org member's access to the Packages unit (via teams); `owner` = member of the Owners team. */
export type OrgRole = 'read' | 'write' | 'owner';

export interface GiteaUser {
  id: number;
  name: string;
  password: string;
  admin: boolean;
  visibility: Visibility;
}

export interface GiteaOrg {
  id: number;
  name: string;
  visibility: Visibility;
  members: Record<string, OrgRole>;
}

export interface GiteaRepo {
  id: number;
  /** Owner name as configured (user or org). */
  owner: string;
  name: string;
  fullName: string;
  /**
   * Git refs the Releases API sees (docs/serve-gitea.md, "Releases"): tags that exist before any
   * release, and branches a `target_commitish` may name (default [main], the default branch).
   * Any 40-hex SHA counts as a commit; tags created by releases are added at run time.
   */
  tags: string[];
  branches: string[];
}

export type GiteaToken =
  | { name: string; type: 'personal'; value: string; user: string; scopes: string[] }
  | { name: string; type: 'actions'; value: string; repo: string };

/** Behaviours that differ by server and version (docs/gitea-behaviour.md). */
export interface GiteaFeatures {
  /** HEAD on a generic file: like GET (G ≥1.25), Forgejo's own handler (F > v15.0.3), or 405. */
  head: 'get' | 'forgejo' | 'none';
  /** `Content-Disposition: attachment` on downloads (G ≤1.25 and all F). */
  attachment: boolean;
  /** GET …/{type}/{name}, …/-/latest and DELETE …/{type}/{name} (G ≥1.24 only). */
  perPackageApi: boolean;
  /** Actions variables API exists (G ≥1.22, F ≥v8). */
  variablesApi: boolean;
  /** POST variable status: 201 (G ≥1.25) or 204. */
  variableCreateStatus: 201 | 204;
  /** Variables carry `description` (Gitea only). */
  variableDescription: boolean;
  /** PUT without description clears it (G ≥1.24). */
  descriptionOverwrite: boolean;
  /** Variable data limited to 65536 characters (G ≥1.24). */
  variableDataLimit: boolean;
  /** Variables list has a Link header (Gitea only). */
  variablesLink: boolean;
  /** v1 packages API open to anonymous callers on public owners (F ≥v12); Gitea: token required. */
  anonymousV1: boolean;
  /** Status when the multipart form of an upload cannot be parsed: 500 (G) or 400 (F). */
  multipartErrorStatus: 500 | 400;
  /** G ≤1.21 used `[A-Za-z0-9._+-]+` for both package name and file name. */
  legacyNames: boolean;
  /**
   * A `public-only` token is refused (403) for every owner that is not public, limited included
   * (G after 1.26.2: `reqPackageAccess` in `routers/api/packages/api.go` and `checkTokenPublicOnly`
   * in `routers/api/v1/api.go` test `!Visibility.IsPublic()`); before, and in F, private owners only.
   */
  publicOnlyRefusesLimited: boolean;
  /** Variable names starting with FORGEJO_ are reserved too (F). */
  forgejoPrefix: boolean;
  /**
   * Release assets may be links (`external_url`, `type: "external"`): F v9.0.0 and later
   * (forgejo PR #1445); no Gitea release has them (docs/gitea-behaviour.md, "Releases API").
   */
  externalAssets: boolean;
  /** `/api/v1/version` answer. */
  versionString: string;
}

export interface GiteaConfig {
  server: ServerKind;
  version: string;
  features: GiteaFeatures;
  /** [service] REQUIRE_SIGNIN_VIEW: anonymous callers get nothing. */
  requireSigninView: boolean;
  /** [packages] LIMIT_SIZE_GENERIC per file, bytes; -1 = unlimited. Over → 403. */
  limitSizeGeneric: number;
  /** [packages] LIMIT_TOTAL_OWNER_SIZE, bytes; -1 = unlimited. Over → 403. */
  limitTotalOwnerSize: number;
  /** Forgejo [quota]: bytes of packages per owner; -1 = disabled. At or over before an upload → 413. */
  quota: number;
  users: GiteaUser[];
  orgs: GiteaOrg[];
  repos: GiteaRepo[];
  tokens: GiteaToken[];
}

export interface GiteaConfigInput {
  server?: ServerKind;
  version?: string;
  requireSigninView?: boolean;
  limitSizeGeneric?: number | string;
  limitTotalOwnerSize?: number | string;
  quota?: number | string;
  users?: (string | { name: string; id?: number; password?: string; admin?: boolean; visibility?: Visibility; repos?: RepoInput[] })[];
  orgs?: { name: string; id?: number; visibility?: Visibility; members?: Record<string, OrgRole>; repos?: RepoInput[] }[];
  tokens?: Record<string, { type?: 'personal' | 'actions'; value?: string; user?: string; scopes?: string[]; repo?: string }>;
}

/** A repository: its name, or its name with the refs the Releases API sees. */
export type RepoInput = string | { name: string; tags?: string[]; branches?: string[] };

export const DEFAULT_VERSION: Record<ServerKind, string> = { gitea: '1.26.1', forgejo: '16.0.0' };

/** Gitea access-token scopes (models/auth/access_token_scope.go). */
const SCOPE_CATEGORIES = ['activitypub', 'admin', 'issue', 'misc', 'notification', 'organization', 'package', 'repository', 'user'];
export const TOKEN_SCOPES = ['all', 'public-only', ...SCOPE_CATEGORIES.flatMap((c) => [`read:${c}`, `write:${c}`])];

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function resolveGiteaConfig(raw: unknown): GiteaConfig {
  const r = expectObject(raw, 'gitea');
  onlyKeys(r, ['server', 'version', 'requireSigninView', 'limitSizeGeneric', 'limitTotalOwnerSize', 'quota', 'users', 'orgs', 'tokens'], 'gitea');
  const server = optEnum(r.server, 'gitea.server', ['gitea', 'forgejo'] as const, 'gitea');
  const version = optString(r.version, 'gitea.version', DEFAULT_VERSION[server]);
  const v = parseVersion(version);
  if (!v) throw new ConfigError('gitea.version', `expected a version such as ${DEFAULT_VERSION[server]}, got ${JSON.stringify(version)}`);

  const userEntries = r.users === undefined
    ? [{ name: 'demo', password: 'demo-password', repos: ['app'] }, { name: 'other', password: 'other-password' }, { name: 'root', password: 'root-password', admin: true }]
    : expectArray(r.users, 'gitea.users');
  const repos: GiteaRepo[] = [];
  const users: GiteaUser[] = userEntries.map((u, i) => {
    const key = `gitea.users[${i}]`;
    const o: Raw = typeof u === 'string' ? { name: u } : expectObject(u, key);
    onlyKeys(o, ['name', 'id', 'password', 'admin', 'visibility', 'repos'], key);
    const name = ownerName(o.name, `${key}.name`);
    for (const [j, repo] of expectArray(o.repos, `${key}.repos`).entries()) repos.push(newRepo(name, repo, `${key}.repos[${j}]`));
    return {
      id: optInt(o.id, `${key}.id`, i + 1, 1),
      name,
      password: optString(o.password, `${key}.password`, `${name}-password`),
      admin: optBool(o.admin, `${key}.admin`, false),
      visibility: optEnum(o.visibility, `${key}.visibility`, ['public', 'limited', 'private'] as const, 'public'),
    };
  });
  const userNames = new Set(users.map((u) => u.name.toLowerCase()));
  const maxUserId = Math.max(0, ...users.map((u) => u.id));
  const orgs: GiteaOrg[] = expectArray(r.orgs, 'gitea.orgs').map((g, i) => {
    const key = `gitea.orgs[${i}]`;
    const o = expectObject(g, key);
    onlyKeys(o, ['name', 'id', 'visibility', 'members', 'repos'], key);
    const name = ownerName(o.name, `${key}.name`);
    const members: Record<string, OrgRole> = {};
    for (const [user, role] of Object.entries(expectObject(o.members, `${key}.members`))) {
      if (!userNames.has(user.toLowerCase())) throw new ConfigError(`${key}.members.${user}`, `unknown user (declared users: ${users.map((u) => u.name).join(', ')})`);
      members[user.toLowerCase()] = optEnum(role, `${key}.members.${user}`, ['read', 'write', 'owner'] as const, 'read');
    }
    for (const [j, repo] of expectArray(o.repos, `${key}.repos`).entries()) repos.push(newRepo(name, repo, `${key}.repos[${j}]`));
    return {
      id: optInt(o.id, `${key}.id`, maxUserId + i + 1, 1),
      name,
      visibility: optEnum(o.visibility, `${key}.visibility`, ['public', 'limited', 'private'] as const, 'public'),
      members,
    };
  });
  const owners = [...users.map((u) => ({ name: u.name, id: u.id })), ...orgs.map((o) => ({ name: o.name, id: o.id }))];
  unique(owners.map((o) => o.name.toLowerCase()), 'gitea.users/orgs', 'name');
  unique(owners.map((o) => String(o.id)), 'gitea.users/orgs', 'id');
  unique(repos.map((x) => x.fullName.toLowerCase()), 'gitea.repos', 'name');
  for (const [i, x] of repos.entries()) x.id = i + 1;

  const tokensRaw: Raw = r.tokens === undefined ? defaultTokens(users, repos) : expectObject(r.tokens, 'gitea.tokens');
  const tokens: GiteaToken[] = Object.entries(tokensRaw).map(([name, t]) => {
    const key = `gitea.tokens.${name}`;
    if (name === 'admin') throw new ConfigError(key, 'the name `admin` is taken by the admin token (RunningServer.tokens.admin); choose another');
    if (!isObject(t)) throw new ConfigError(key, 'a token must be a mapping with `user` (personal) or `type: actions` and `repo`');
    const type = optEnum(t.type, `${key}.type`, ['personal', 'actions'] as const, 'personal');
    const value = optString(t.value, `${key}.value`, devTokenValue(name));
    if (!value || /\s/.test(value)) throw new ConfigError(`${key}.value`, 'must be non-empty and contain no whitespace');
    if (type === 'actions') {
      onlyKeys(t, ['type', 'value', 'repo'], key);
      const repo = reqString(t.repo, `${key}.repo`);
      if (!repos.some((x) => x.fullName.toLowerCase() === repo.toLowerCase())) throw new ConfigError(`${key}.repo`, `unknown repo ${JSON.stringify(repo)} (declare it under users[].repos or orgs[].repos)`);
      return { name, type, value, repo };
    }
    onlyKeys(t, ['type', 'value', 'user', 'scopes'], key);
    const user = reqString(t.user, `${key}.user`);
    if (!userNames.has(user.toLowerCase())) throw new ConfigError(`${key}.user`, `unknown user ${JSON.stringify(user)}`);
    const scopes = optStringList(t.scopes, `${key}.scopes`, ['all']);
    scopes.forEach((s, i) => {
      if (!TOKEN_SCOPES.includes(s)) throw new ConfigError(`${key}.scopes[${i}]`, `unknown scope ${JSON.stringify(s)} (allowed: ${TOKEN_SCOPES.join(', ')})`);
    });
    return { name, type, value, user, scopes };
  });
  unique(tokens.map((t) => t.value), 'gitea.tokens', 'value');

  return {
    server,
    version,
    features: features(server, v, version),
    requireSigninView: optBool(r.requireSigninView, 'gitea.requireSigninView', false),
    limitSizeGeneric: optLimit(r.limitSizeGeneric, 'gitea.limitSizeGeneric'),
    limitTotalOwnerSize: optLimit(r.limitTotalOwnerSize, 'gitea.limitTotalOwnerSize'),
    quota: server === 'forgejo' ? optLimit(r.quota, 'gitea.quota') : rejectQuota(r.quota),
    users,
    orgs,
    repos,
    tokens,
  };
}

function rejectQuota(v: unknown): number {
  if (v !== undefined && v !== null) throw new ConfigError('gitea.quota', 'the [quota] subsystem is Forgejo only (set server: forgejo), use limitTotalOwnerSize for Gitea');
  return -1;
}

/** -1 / "-1" = unlimited, else a size. */
function optLimit(v: unknown, key: string): number {
  if (v === -1 || v === '-1') return -1;
  return optSize(v, key, -1);
}

function ownerName(v: unknown, key: string): string {
  const name = reqString(v, key);
  if (!NAME.test(name)) throw new ConfigError(key, `must be a Gitea user/org name (letters, digits, _ . -), got ${JSON.stringify(name)}`);
  return name;
}

function newRepo(owner: string, raw: unknown, key: string): GiteaRepo {
  const o: Raw = isObject(raw) ? raw : { name: raw };
  if (isObject(raw)) onlyKeys(o, ['name', 'tags', 'branches'], key);
  const repo = reqString(o.name, isObject(raw) ? `${key}.name` : key);
  if (!NAME.test(repo)) throw new ConfigError(key, `must be a repository name (letters, digits, _ . -), got ${JSON.stringify(repo)}`);
  return { id: 0, owner, name: repo, fullName: `${owner}/${repo}`, tags: refNames(o.tags, `${key}.tags`, []), branches: refNames(o.branches, `${key}.branches`, ['main']) };
}

/** A list of git ref names, each valid for `git check-ref-format` (git-refs.ts). */
function refNames(v: unknown, key: string, dflt: string[]): string[] {
  const names = optStringList(v, key, dflt);
  names.forEach((n, i) => {
    if (!validRefName(n)) throw new ConfigError(`${key}[${i}]`, `not a valid git ref name: ${JSON.stringify(n)}`);
    if (names.indexOf(n) !== i) throw new ConfigError(`${key}[${i}]`, `duplicate ${JSON.stringify(n)}`);
  });
  return names;
}

/** Gitea tokens are 40 hex digits; dev tokens are derived from their name so they stay stable. */
export function devTokenValue(name: string): string {
  return createHash('sha1').update(`relpack-serve-gitea-${name}`).digest('hex');
}

function defaultTokens(users: GiteaUser[], repos: GiteaRepo[]): Raw {
  const t: Raw = {};
  const has = (n: string) => users.some((u) => u.name === n);
  if (has('demo')) {
    t.giteaOwner = { user: 'demo', scopes: ['write:package', 'write:repository'] };
    t.giteaReader = { user: 'demo', scopes: ['read:package'] };
  }
  if (has('other')) t.giteaOther = { user: 'other', scopes: ['write:package', 'write:repository'] };
  const admin = users.find((u) => u.admin);
  if (admin) t.giteaAdmin = { user: admin.name, scopes: ['all'] };
  const repo = repos.find((x) => x.fullName === 'demo/app') ?? repos[0];
  if (repo) t.giteaActions = { type: 'actions', repo: repo.fullName };
  return t;
}

function unique(values: string[], key: string, field: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new ConfigError(`${key}[${i}].${field}`, `duplicate ${field} ${JSON.stringify(v)}`);
    seen.add(v);
  });
}

export type Version = [number, number, number];

export function parseVersion(s: string): Version | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

export function atLeast(v: Version, min: Version): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}

function features(server: ServerKind, v: Version, version: string): GiteaFeatures {
  if (server === 'forgejo') {
    return {
      // HEAD handler added 2026-06-18 (forgejo/forgejo#12865) and backported to v15.0 (#13132);
      // absent in tags ≤ v15.0.3.
      head: atLeast(v, [15, 0, 4]) ? 'forgejo' : 'none',
      attachment: true,
      perPackageApi: false,
      variablesApi: atLeast(v, [8, 0, 0]),
      variableCreateStatus: 204,
      variableDescription: false,
      descriptionOverwrite: false,
      variableDataLimit: false,
      variablesLink: false,
      anonymousV1: atLeast(v, [12, 0, 0]),
      multipartErrorStatus: 400,
      legacyNames: false,
      publicOnlyRefusesLimited: false,
      forgejoPrefix: true,
      externalAssets: atLeast(v, [9, 0, 0]),
      versionString: `${version}+gitea-1.22.0`,
    };
  }
  return {
    head: atLeast(v, [1, 25, 0]) ? 'get' : 'none',
    attachment: !atLeast(v, [1, 26, 0]),
    perPackageApi: atLeast(v, [1, 24, 0]),
    variablesApi: atLeast(v, [1, 22, 0]),
    variableCreateStatus: atLeast(v, [1, 25, 0]) ? 201 : 204,
    variableDescription: true,
    descriptionOverwrite: atLeast(v, [1, 24, 0]),
    variableDataLimit: atLeast(v, [1, 24, 0]),
    variablesLink: true,
    anonymousV1: false,
    multipartErrorStatus: 500,
    legacyNames: !atLeast(v, [1, 22, 0]),
    // 1.26.2 still tested IsPrivate() only; the first release after it is taken as the fix, so serve
    // is never kinder than a fixed server (the exact release is not pinned).
    publicOnlyRefusesLimited: atLeast(v, [1, 26, 3]),
    forgejoPrefix: false,
    externalAssets: false,
    versionString: version,
  };
}
