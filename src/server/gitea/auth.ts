// Who is calling, and what may they do with an owner's packages, a repo's variables
// (Gitea `services/auth/basic.go`, `services/auth/oauth2.go`, `services/context/package.go`, and
// `reqOwner` in `routers/api/v1/api.go`; docs/gitea-behaviour.md).
import { timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../router.js';
import type { GiteaConfig, GiteaFeatures, GiteaOrg, GiteaRepo, GiteaToken, GiteaUser, Visibility } from './config.js';

/** The pseudo-user an Actions task token logs in as (id -2). */
export const ACTIONS_USER = { id: -2, name: 'gitea-actions' } as const;

export type Principal =
  | { kind: 'anonymous' }
  /** `token` is absent for password logins (no scope limits then). */
  | { kind: 'user'; user: GiteaUser; token?: Extract<GiteaToken, { type: 'personal' }> }
  | { kind: 'actions'; repo: string };

/** ok:false = credentials were sent but are not valid → 401 "Failed to authenticate user". */
export type AuthResult = { ok: true; principal: Principal } | { ok: false };

export type Owner = { kind: 'user'; id: number; name: string; visibility: Visibility; user: GiteaUser } | { kind: 'org'; id: number; name: string; visibility: Visibility; org: GiteaOrg };

/** perm.AccessMode */
export enum Access {
  None = 0,
  Read = 1,
  Write = 2,
  Admin = 3,
  Owner = 4,
}

export class GiteaAuth {
  readonly #tokens = new Map<string, GiteaToken>();
  readonly #users = new Map<string, GiteaUser>();

  constructor(readonly cfg: GiteaConfig) {
    for (const t of cfg.tokens) this.#tokens.set(t.value, t);
    for (const u of cfg.users) this.#users.set(u.name.toLowerCase(), u);
  }

  user(name: string): GiteaUser | undefined {
    return this.#users.get(name.toLowerCase());
  }

  /**
   * `Authorization: token|Bearer X` (exactly two fields, scheme case-insensitive) or Basic
   * `user:pat`, `user:password`, `pat:`, `pat:x-oauth-basic`. Other schemes are ignored.
   */
  authenticate(ctx: RequestContext): AuthResult {
    const header = ctx.req.headers.authorization;
    if (!header) return { ok: true, principal: { kind: 'anonymous' } };
    const fields = header.trim().split(/\s+/);
    if (fields.length !== 2) return { ok: true, principal: { kind: 'anonymous' } };
    const [scheme, cred] = [fields[0]!.toLowerCase(), fields[1]!];
    if (scheme === 'token' || scheme === 'bearer') return this.#token(cred);
    if (scheme !== 'basic') return { ok: true, principal: { kind: 'anonymous' } };
    const decoded = Buffer.from(cred, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const pass = colon < 0 ? '' : decoded.slice(colon + 1);
    // `pat:` / `pat:x-oauth-basic`: the username is the token.
    if (pass === '' || pass === 'x-oauth-basic') return this.#token(user);
    // The password is tried as a token first, then as a password.
    if (this.#tokens.has(pass)) return this.#token(pass);
    const u = this.user(user);
    if (u && safeEqual(u.password, pass)) return { ok: true, principal: { kind: 'user', user: u } };
    return { ok: false };
  }

  #token(value: string): AuthResult {
    const t = this.#tokens.get(value);
    if (!t) return { ok: false };
    if (t.type === 'actions') return { ok: true, principal: { kind: 'actions', repo: t.repo } };
    return { ok: true, principal: { kind: 'user', user: this.user(t.user)!, token: t } };
  }

  owner(rawName: string): Owner | undefined {
    const name = rawName.toLowerCase();
    const u = this.#users.get(name);
    if (u) return { kind: 'user', id: u.id, name: u.name, visibility: u.visibility, user: u };
    const o = this.cfg.orgs.find((x) => x.name.toLowerCase() === name);
    if (o) return { kind: 'org', id: o.id, name: o.name, visibility: o.visibility, org: o };
    return undefined;
  }

  repo(owner: string, name: string): GiteaRepo | undefined {
    const full = `${owner}/${name}`.toLowerCase();
    return this.cfg.repos.find((r) => r.fullName.toLowerCase() === full);
  }

  /**
   * services/context/package.go determineAccessMode: site admins own everything; user owners:
   * the user themself is Owner, other signed-in users (the Actions user included) Read on
   * public/limited, anonymous Read on public; orgs: the member's team level, else Read when the
   * org is visible to the caller. The Actions user never gets write (the "TODO: ActionUser").
   */
  packageAccess(p: Principal, owner: Owner): Access {
    if (this.cfg.requireSigninView && p.kind === 'anonymous') return Access.None;
    if (p.kind === 'user' && p.user.admin) return Access.Owner;
    const signedIn = p.kind !== 'anonymous';
    if (owner.kind === 'user') {
      if (p.kind === 'user' && p.user.id === owner.id) return Access.Owner;
      if (signedIn) return owner.visibility === 'private' ? Access.None : Access.Read;
      return owner.visibility === 'public' ? Access.Read : Access.None;
    }
    let mode = Access.None;
    if (p.kind === 'user') {
      const role = owner.org.members[p.user.name.toLowerCase()];
      if (role) mode = role === 'owner' ? Access.Owner : role === 'write' ? Access.Write : Access.Read;
    }
    if (mode === Access.None && visibleTo(owner.visibility, signedIn)) mode = Access.Read;
    return mode;
  }

  /**
   * A principal's access to a repository's units (models/perm/access/repo_permission.go), as far
   * as serve models it: site admins and the owning user own it; org members have their team's
   * level; the Actions job token writes to its own repository (GetActionsUserRepoPermission; serve
   * has no fork pull requests) and reads others like any signed-in user; everyone else reads what
   * the owner's visibility shows them. None = the repository is not found for this caller.
   */
  repoAccess(p: Principal, repo: GiteaRepo): Access {
    if (this.cfg.requireSigninView && p.kind === 'anonymous') return Access.None;
    if (p.kind === 'user' && p.user.admin) return Access.Owner;
    if (p.kind === 'actions' && p.repo.toLowerCase() === repo.fullName.toLowerCase()) return Access.Write;
    const owner = this.owner(repo.owner);
    if (!owner) return Access.None;
    const signedIn = p.kind !== 'anonymous';
    if (owner.kind === 'user') {
      if (p.kind === 'user' && p.user.id === owner.id) return Access.Owner;
      return visibleTo(owner.visibility, signedIn) ? Access.Read : Access.None;
    }
    if (p.kind === 'user') {
      const role = owner.org.members[p.user.name.toLowerCase()];
      if (role) return role === 'owner' ? Access.Owner : role === 'write' ? Access.Write : Access.Read;
    }
    return visibleTo(owner.visibility, signedIn) ? Access.Read : Access.None;
  }

  /** reqOwner on repo routes: the user owner, an org owner, or a site admin (`routers/api/v1/api.go`). */
  isRepoOwner(p: Principal, repo: GiteaRepo): boolean {
    if (p.kind !== 'user') return false;
    if (p.user.admin) return true;
    const owner = this.owner(repo.owner);
    if (!owner) return false;
    if (owner.kind === 'user') return owner.id === p.user.id;
    return owner.org.members[p.user.name.toLowerCase()] === 'owner';
  }

  isOrgOwner(p: Principal, org: GiteaOrg): boolean {
    if (p.kind !== 'user') return false;
    return p.user.admin || org.members[p.user.name.toLowerCase()] === 'owner';
  }
}

function visibleTo(v: Visibility, signedIn: boolean): boolean {
  return v === 'public' || (v === 'limited' && signedIn);
}

/**
 * A PAT's scope check (models/auth/access_token_scope.go): `all` grants everything, `write:X`
 * implies `read:X`. Password logins and Actions tokens have no scopes to check.
 */
export function hasScope(p: Principal, category: string, write: boolean): boolean {
  if (p.kind !== 'user' || !p.token) return true;
  const s = p.token.scopes;
  if (s.includes('all') || s.includes(`write:${category}`)) return true;
  return !write && s.includes(`read:${category}`);
}

/** Does a `public-only` token stop at this owner (`reqPackageAccess` in `routers/api/packages/api.go`)? */
export function publicOnlyRefused(owner: Owner, f: GiteaFeatures): boolean {
  return f.publicOnlyRefusesLimited ? owner.visibility !== 'public' : owner.visibility === 'private';
}

export function publicOnly(p: Principal): boolean {
  return p.kind === 'user' && !!p.token?.scopes.includes('public-only');
}

export function principalUserId(p: Principal): number {
  return p.kind === 'user' ? p.user.id : p.kind === 'actions' ? ACTIONS_USER.id : -1;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
