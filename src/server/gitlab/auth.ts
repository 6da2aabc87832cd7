// Who is calling, and what may they do on a project (GitLab `route_setting :authentication` in
// `lib/api/generic_packages.rb`, `lib/api/project_packages.rb`, `lib/api/ci/variables.rb`;
// docs/gitlab-behaviour.md, case 13). Credential lookup follows lib/gitlab/auth/auth_finders.rb:
// the first credential found decides; an invalid one is a 401 (except invalid Basic on a public
// package GET, which counts as anonymous).
import type { GitlabConfig, GitlabProject, GitlabToken, GitlabUser } from './config.js';
import { ROLE_LEVEL } from './config.js';
import type { RequestContext } from '../router.js';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: GitlabUser; scopes: string[] }
  | { kind: 'job'; user: GitlabUser; project: number }
  | { kind: 'deploy'; token: Extract<GitlabToken, { type: 'deploy' }> };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; viaBasic: boolean };

export interface AuthRules {
  /** JOB-TOKEN header / job_token param (packages routes; not variables). */
  jobToken: boolean;
  /** DEPLOY-TOKEN header. */
  deployToken: boolean;
  /** HTTP Basic (generic package routes only). */
  basic: boolean;
  /** Basic `gitlab-ci-token:<job token>` (generic GET only: `job_token_allowed: %i[request basic_auth]`). */
  jobBasic: boolean;
}

export const API_RULES: AuthRules = { jobToken: false, deployToken: false, basic: false, jobBasic: false };

export class GitlabAuth {
  readonly #byValue = new Map<string, GitlabToken>();
  readonly #users = new Map<string, GitlabUser>();

  constructor(cfg: GitlabConfig) {
    for (const t of cfg.tokens) this.#byValue.set(t.value, t);
    for (const u of cfg.users) this.#users.set(u.username, u);
  }

  authenticate(ctx: RequestContext, rules: AuthRules): AuthResult {
    const h = ctx.req.headers;
    const pat = first(h['private-token']) ?? ctx.query.get('private_token') ?? undefined;
    if (pat !== undefined) return this.#pat(pat);
    if (rules.jobToken) {
      const job = first(h['job-token']) ?? ctx.query.get('job_token') ?? undefined;
      if (job !== undefined) return this.#job(job);
    }
    if (rules.deployToken) {
      const dt = first(h['deploy-token']);
      if (dt !== undefined) return this.#deploy(dt);
    }
    const authz = h.authorization;
    if (authz) {
      const [scheme, ...rest] = authz.trim().split(/\s+/);
      const cred = rest.join(' ');
      if (/^bearer$/i.test(scheme ?? '')) {
        // find_user_from_bearer_token tries the job first where `job_token_allowed` is set
        // (`lib/gitlab/auth/auth_finders.rb`, find_user_from_job_bearer_token), then an access token.
        if (rules.jobToken && this.#byValue.get(cred)?.type === 'job') return this.#job(cred);
        return this.#pat(cred);
      }
      if (/^basic$/i.test(scheme ?? '') && rules.basic) {
        const decoded = Buffer.from(cred, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) return { ok: false, viaBasic: true };
        const user = decoded.slice(0, colon);
        const pass = decoded.slice(colon + 1);
        if (user === 'gitlab-ci-token') {
          if (!rules.jobBasic) return { ok: false, viaBasic: true };
          const r = this.#job(pass);
          return r.ok ? r : { ok: false, viaBasic: true };
        }
        // The username is ignored for PATs and deploy tokens (`doc/user/packages/generic_packages/_index.md`).
        const t = this.#byValue.get(pass);
        if (t && !t.expired && t.type === 'personal') return this.#pat(pass);
        if (t && !t.expired && t.type === 'deploy' && rules.deployToken) return this.#deploy(pass);
        return { ok: false, viaBasic: true };
      }
    }
    return { ok: true, principal: { kind: 'anonymous' } };
  }

  #pat(value: string): AuthResult {
    const t = this.#byValue.get(value);
    if (!t || t.expired || t.type !== 'personal') return { ok: false, viaBasic: false };
    return { ok: true, principal: { kind: 'user', user: this.#users.get(t.user)!, scopes: t.scopes } };
  }

  #job(value: string): AuthResult {
    const t = this.#byValue.get(value);
    if (!t || t.expired || t.type !== 'job') return { ok: false, viaBasic: false };
    return { ok: true, principal: { kind: 'job', user: this.#users.get(t.user)!, project: t.project } };
  }

  #deploy(value: string): AuthResult {
    const t = this.#byValue.get(value);
    if (!t || t.expired || t.type !== 'deploy') return { ok: false, viaBasic: false };
    return { ok: true, principal: { kind: 'deploy', token: t } };
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export interface ProjectAccess {
  /** Can the caller see the project at all (else 404 Project Not Found). */
  visible: boolean;
  level: number;
  readPackages: boolean;
  writePackages: boolean;
  destroyPackages: boolean;
  adminVariables: boolean;
}

/** Project policy for one principal (ProjectPolicy + deploy-token policy, simplified to roles). */
export function projectAccess(p: Principal, project: GitlabProject): ProjectAccess {
  const publicish = project.visibility === 'public' || (project.visibility === 'internal' && p.kind !== 'anonymous');
  let level = 0;
  if (p.kind === 'user' || p.kind === 'job') {
    if (p.kind === 'user' && p.user.admin) level = ROLE_LEVEL.owner;
    const role = project.members[p.user.username];
    if (role) level = Math.max(level, ROLE_LEVEL[role]);
  }
  if (p.kind === 'deploy') {
    const own = p.token.project === project.id;
    const read = own && (p.token.scopes.includes('read_package_registry') || p.token.scopes.includes('write_package_registry'));
    const write = own && p.token.scopes.includes('write_package_registry');
    // SPEC: ro/wo/rw deploy tokens may all download; only write_package_registry uploads. The policy
    // would let it delete too, but the Packages API never authenticates a deploy token (packages.ts).
    return { visible: own || publicish, level: 0, readPackages: read || publicish, writePackages: write, destroyPackages: write, adminVariables: false };
  }
  const member = level > 0;
  return {
    visible: member || publicish,
    level,
    readPackages: member || publicish,
    writePackages: level >= ROLE_LEVEL.developer,
    destroyPackages: level >= ROLE_LEVEL.maintainer,
    adminVariables: level >= ROLE_LEVEL.maintainer,
  };
}

/** A PAT must carry `api` (or `read_api` for reads); job and deploy tokens have no PAT scopes. */
export function missingScope(p: Principal, write: boolean): string[] | null {
  if (p.kind !== 'user') return null;
  if (p.scopes.includes('api')) return null;
  if (!write && p.scopes.includes('read_api')) return null;
  return write ? ['api'] : ['api', 'read_api'];
}

/** Resolves `:id`: a numeric id or a URL-encoded full path (`demo%2Fapp`), case-insensitive. */
export function findProject(cfg: GitlabConfig, rawId: string): GitlabProject | undefined {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return undefined;
  }
  if (/^\d+$/.test(id)) return cfg.projects.find((p) => p.id === Number(id));
  return cfg.projects.find((p) => p.path.toLowerCase() === id.toLowerCase());
}

export function creatorId(p: Principal): number | null {
  // creator_id is null when a job token or deploy token created the package (`lib/api/entities/package.rb`).
  return p.kind === 'user' ? p.user.id : null;
}
