// The `gitlab:` config section: users, projects (with package settings and members) and tokens.
// Zero-config gives the README quick start: project 1 `demo/app` (private), one user per role,
// a PAT per user, a job token triggered by the maintainer, and rw/ro/wo deploy tokens.
import { validRefName } from '../git-refs.js';
import {
  ConfigError, expectArray, expectObject, isObject, onlyKeys, optBool, optEnum, optInt, optSize, optString,
  optStringList, reqString, type Raw,
} from '../config-values.js';

export const ROLES = ['guest', 'planner', 'reporter', 'developer', 'maintainer', 'owner'] as const;
export type Role = (typeof ROLES)[number];
/** Gitlab::Access levels. */
export const ROLE_LEVEL: Record<Role, number> = { guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

export interface GitlabUser {
  id: number;
  username: string;
  admin: boolean;
}

export interface GitlabProject {
  id: number;
  /** Full path, `group/project`. */
  path: string;
  visibility: 'private' | 'internal' | 'public';
  /** Namespace setting generic_duplicates_allowed (default true, `app/models/namespace/package_setting.rb`). */
  duplicatesAllowed: boolean;
  /** generic_duplicate_exception_regex (default '', ≤ 255 chars). */
  duplicateExceptionRegex: string;
  /** Plan limit generic_packages_max_file_size in bytes; 0 = unlimited (default 5 GiB). */
  maxFileSize: number;
  /** username → role */
  members: Record<string, Role>;
  /**
   * Git refs the Releases API can see (docs/serve.md, "Releases"): tags that exist before any
   * release (`tags`), and branches a `ref` may name (`branches`, default [main]). Any 40-hex SHA
   * counts as an existing commit. Tags created by a release's `ref` are added at run time.
   */
  tags: string[];
  branches: string[];
}

export type GitlabToken =
  | { name: string; type: 'personal'; value: string; user: string; scopes: string[]; expired: boolean }
  | { name: string; type: 'job'; value: string; user: string; project: number; expired: boolean }
  | { name: string; type: 'deploy'; value: string; project: number; scopes: string[]; username: string; expired: boolean };

export interface GitlabConfig {
  /** Reported by GET /api/v4/version. */
  version: string;
  /**
   * GitLab's `external_url` (`gitlab.host`/`gitlab.port` in `config/gitlab.yml`): the host and port
   * of the `Link` pagination URLs (`lib/gitlab/pagination/offset_header_builder.rb`), which may
   * differ from the address a client called. Undefined: the request's own host.
   */
  externalUrl?: string;
  users: GitlabUser[];
  projects: GitlabProject[];
  tokens: GitlabToken[];
}

/** YAML shape of the section (all optional). */
export interface GitlabConfigInput {
  version?: string;
  externalUrl?: string;
  users?: (string | { username: string; id?: number; admin?: boolean })[];
  projects?: {
    id?: number;
    path?: string;
    visibility?: 'private' | 'internal' | 'public';
    duplicatesAllowed?: boolean;
    duplicateExceptionRegex?: string;
    maxFileSize?: number | string;
    members?: Record<string, Role>;
    tags?: string[];
    branches?: string[];
  }[];
  tokens?: Record<string, {
    type: 'personal' | 'job' | 'deploy';
    value?: string;
    user?: string;
    project?: number;
    scopes?: string[];
    username?: string;
    expired?: boolean;
  }>;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 ** 3;
const DEFAULT_USERS = ['maintainer', 'developer', 'reporter', 'guest', 'outsider'];
const PAT_SCOPES = ['api', 'read_api', 'read_user', 'read_repository', 'write_repository', 'read_registry', 'write_registry', 'sudo', 'admin_mode', 'create_runner', 'manage_runner', 'ai_features', 'k8s_proxy', 'read_service_ping'];
const DEPLOY_SCOPES = ['read_repository', 'read_registry', 'write_registry', 'read_package_registry', 'write_package_registry', 'read_virtual_registry', 'write_virtual_registry'];

export function resolveGitlabConfig(raw: unknown): GitlabConfig {
  const r = expectObject(raw, 'gitlab');
  onlyKeys(r, ['version', 'externalUrl', 'users', 'projects', 'tokens'], 'gitlab');

  const usersRaw = r.users === undefined ? DEFAULT_USERS : expectArray(r.users, 'gitlab.users');
  const users: GitlabUser[] = usersRaw.map((u, i) => {
    const key = `gitlab.users[${i}]`;
    if (typeof u === 'string') return { id: i + 1, username: u, admin: false };
    const o = expectObject(u, key);
    onlyKeys(o, ['username', 'id', 'admin'], key);
    return { id: optInt(o.id, `${key}.id`, i + 1, 1), username: reqString(o.username, `${key}.username`), admin: optBool(o.admin, `${key}.admin`, false) };
  });
  unique(users.map((u) => u.username), 'gitlab.users', 'username');
  unique(users.map((u) => String(u.id)), 'gitlab.users', 'id');
  const userNames = new Set(users.map((u) => u.username));

  const projectsRaw = r.projects === undefined ? [{}] : expectArray(r.projects, 'gitlab.projects');
  if (projectsRaw.length === 0) throw new ConfigError('gitlab.projects', 'needs at least one project');
  const projects: GitlabProject[] = projectsRaw.map((p, i) => {
    const key = `gitlab.projects[${i}]`;
    const o = expectObject(p, key);
    onlyKeys(o, ['id', 'path', 'visibility', 'duplicatesAllowed', 'duplicateExceptionRegex', 'maxFileSize', 'members', 'tags', 'branches'], key);
    const path = optString(o.path, `${key}.path`, i === 0 ? 'demo/app' : `demo/app${i + 1}`);
    if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/.test(path)) {
      throw new ConfigError(`${key}.path`, `must look like group/project, got ${JSON.stringify(path)}`);
    }
    const regex = optString(o.duplicateExceptionRegex, `${key}.duplicateExceptionRegex`, '');
    if (regex.length > 255) throw new ConfigError(`${key}.duplicateExceptionRegex`, 'is limited to 255 characters');
    try {
      new RegExp(regex);
    } catch (e) {
      throw new ConfigError(`${key}.duplicateExceptionRegex`, `is not a valid regular expression: ${(e as Error).message}`);
    }
    const membersRaw = o.members === undefined ? defaultMembers(userNames) : expectObject(o.members, `${key}.members`);
    const members: Record<string, Role> = {};
    for (const [user, role] of Object.entries(membersRaw)) {
      if (!userNames.has(user)) throw new ConfigError(`${key}.members.${user}`, `unknown user (declared users: ${[...userNames].join(', ')})`);
      members[user] = optEnum(role, `${key}.members.${user}`, ROLES, 'guest');
    }
    return {
      id: optInt(o.id, `${key}.id`, i + 1, 1),
      path,
      visibility: optEnum(o.visibility, `${key}.visibility`, ['private', 'internal', 'public'] as const, 'private'),
      duplicatesAllowed: optBool(o.duplicatesAllowed, `${key}.duplicatesAllowed`, true),
      duplicateExceptionRegex: regex,
      maxFileSize: optSize(o.maxFileSize, `${key}.maxFileSize`, DEFAULT_MAX_FILE_SIZE),
      members,
      tags: refNames(o.tags, `${key}.tags`, []),
      branches: refNames(o.branches, `${key}.branches`, ['main']),
    };
  });
  unique(projects.map((p) => String(p.id)), 'gitlab.projects', 'id');
  unique(projects.map((p) => p.path.toLowerCase()), 'gitlab.projects', 'path');
  const projectIds = new Set(projects.map((p) => p.id));

  const tokensRaw = r.tokens === undefined ? defaultTokens(users, projects[0]!.id) : expectObject(r.tokens, 'gitlab.tokens');
  const tokens: GitlabToken[] = Object.entries(tokensRaw).map(([name, t]) => {
    const key = `gitlab.tokens.${name}`;
    if (!isObject(t)) throw new ConfigError(key, 'a token must be a mapping with at least `type`');
    const o: Raw = t;
    const type = optEnum(o.type, `${key}.type`, ['personal', 'job', 'deploy'] as const, 'personal');
    const expired = optBool(o.expired, `${key}.expired`, false);
    const needUser = () => {
      const u = reqString(o.user, `${key}.user`);
      if (!userNames.has(u)) throw new ConfigError(`${key}.user`, `unknown user ${JSON.stringify(u)}`);
      return u;
    };
    const needProject = () => {
      const p = optInt(o.project, `${key}.project`, projects[0]!.id, 1);
      if (!projectIds.has(p)) throw new ConfigError(`${key}.project`, `unknown project id ${p}`);
      return p;
    };
    const scopes = (allowed: string[], dflt: string[]) => {
      const s = optStringList(o.scopes, `${key}.scopes`, dflt);
      s.forEach((x, i) => {
        if (!allowed.includes(x)) throw new ConfigError(`${key}.scopes[${i}]`, `unknown scope ${JSON.stringify(x)} (allowed: ${allowed.join(', ')})`);
      });
      return s;
    };
    if (type === 'personal') {
      onlyKeys(o, ['type', 'value', 'user', 'scopes', 'expired'], key);
      return { name, type, value: optString(o.value, `${key}.value`, `glpat-dev-${name}`), user: needUser(), scopes: scopes(PAT_SCOPES, ['api']), expired };
    }
    if (type === 'job') {
      onlyKeys(o, ['type', 'value', 'user', 'project', 'expired'], key);
      return { name, type, value: optString(o.value, `${key}.value`, `glcbt-dev-${name}`), user: needUser(), project: needProject(), expired };
    }
    onlyKeys(o, ['type', 'value', 'project', 'scopes', 'username', 'expired'], key);
    return {
      name, type,
      value: optString(o.value, `${key}.value`, `gldt-dev-${name}`),
      project: needProject(),
      scopes: scopes(DEPLOY_SCOPES, ['read_package_registry', 'write_package_registry']),
      username: optString(o.username, `${key}.username`, `gitlab+deploy-token-${name}`),
      expired,
    };
  });
  unique(tokens.map((t) => t.value), 'gitlab.tokens', 'value');
  const externalUrl = r.externalUrl === undefined || r.externalUrl === null ? undefined : optString(r.externalUrl, 'gitlab.externalUrl', '');
  if (externalUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(externalUrl)) {
    throw new ConfigError('gitlab.externalUrl', `expected an http(s) URL with a host and no path, got ${JSON.stringify(externalUrl)}`);
  }
  return { version: optString(r.version, 'gitlab.version', '18.6.0'), ...(externalUrl ? { externalUrl } : {}), users, projects, tokens };
}

/** A list of git ref names, each valid as `git check-ref-format` would have it (git-refs.ts). */
function refNames(v: unknown, key: string, dflt: string[]): string[] {
  const names = optStringList(v, key, dflt);
  names.forEach((n, i) => {
    if (!validRefName(n)) throw new ConfigError(`${key}[${i}]`, `not a valid git ref name: ${JSON.stringify(n)}`);
  });
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) throw new ConfigError(`${key}[${i}]`, `duplicate ${JSON.stringify(n)}`);
  });
  return names;
}

function defaultMembers(users: Set<string>): Record<string, Role> {
  const m: Record<string, Role> = {};
  for (const role of ['maintainer', 'developer', 'reporter', 'guest'] as const) if (users.has(role)) m[role] = role;
  return m;
}

function defaultTokens(users: GitlabUser[], project: number): Raw {
  const t: Raw = {};
  for (const u of users) t[u.username] = { type: 'personal', value: `glpat-dev-${u.username}`, user: u.username, scopes: ['api'] };
  const trigger = users.find((u) => u.username === 'maintainer') ?? users[0];
  if (trigger) t.job = { type: 'job', value: 'glcbt-dev-job', user: trigger.username, project };
  t.deployRw = { type: 'deploy', value: 'gldt-dev-rw', project, scopes: ['read_package_registry', 'write_package_registry'] };
  t.deployRo = { type: 'deploy', value: 'gldt-dev-ro', project, scopes: ['read_package_registry'] };
  t.deployWo = { type: 'deploy', value: 'gldt-dev-wo', project, scopes: ['write_package_registry'] };
  return t;
}

function unique(values: string[], key: string, field: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new ConfigError(`${key}[${i}].${field}`, `duplicate ${field} ${JSON.stringify(v)}`);
    seen.add(v);
  });
}
