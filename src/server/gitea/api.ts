// The v1 package API and /api/v1/version (Gitea `routers/api/v1/packages/package.go`,
// `routers/api/v1/misc/version.go`; docs/gitea-behaviour.md, cases 12–14).
import { sendEmpty, sendJson } from '../reply.js';
import type { RequestContext, Router } from '../router.js';
import { Access, hasScope, publicOnlyRefused, publicOnly, type Owner, type Principal } from './auth.js';
import type { GiteaUser } from './config.js';
import { decodeSegment, rfc3339, type GiteaContext } from './context.js';
import { apiError, apiNotFound } from './errors.js';
import { removePackage, removeVersion } from './packages.js';
import { listOptions, paginate } from './pagination.js';
import { newestFirst, type FileRow, type PackageRow, type VersionRow } from './store.js';

const BASE = '/api/v1/packages/:owner';

export function registerApiRoutes(router: Router, g: GiteaContext): void {
  const f = g.cfg.features;
  router.add({ id: 'gitea.version', method: 'GET', pattern: '/api/v1/version', handler: (c) => sendJson(c, 200, { version: f.versionString }) });
  router.add({ id: 'gitea.packages.list', method: 'GET', pattern: BASE, handler: (c) => listPackages(g, c) });
  if (f.perPackageApi) {
    // G ≥1.24 (#34173); Forgejo has none of these: the paths fall through to 404.
    router.add({ id: 'gitea.packages.latest', method: 'GET', pattern: `${BASE}/:type/:name/-/latest`, handler: (c) => latest(g, c) });
    router.add({ id: 'gitea.packages.versions', method: 'GET', pattern: `${BASE}/:type/:name`, handler: (c) => listVersions(g, c) });
    router.add({ id: 'gitea.packages.delete', method: 'DELETE', pattern: `${BASE}/:type/:name`, handler: (c) => deletePackage(g, c) });
  }
  // Link/unlink a package to a repository of the same owner (G ≥1.24; Forgejo has them too).
  if (f.perPackageApi || g.cfg.server === 'forgejo') {
    router.add({ id: 'gitea.packages.link', method: 'POST', pattern: `${BASE}/:type/:name/-/link/:repo`, handler: (c) => link(g, c, true) });
    router.add({ id: 'gitea.packages.unlink', method: 'POST', pattern: `${BASE}/:type/:name/-/unlink`, handler: (c) => link(g, c, false) });
  }
  router.add({ id: 'gitea.packages.get', method: 'GET', pattern: `${BASE}/:type/:name/:version`, handler: (c) => getVersion(g, c) });
  router.add({ id: 'gitea.packages.version.delete', method: 'DELETE', pattern: `${BASE}/:type/:name/:version`, handler: (c) => deleteVersion(g, c) });
  router.add({ id: 'gitea.files.list', method: 'GET', pattern: `${BASE}/:type/:name/:version/files`, handler: (c) => listFiles(g, c) });
}

interface V1Access {
  principal: Principal;
  owner: Owner;
}

/**
 * The `/api/v1/packages/{owner}` group: reqToken (Gitea: anonymous → 401; Forgejo ≥v12 lets
 * anonymous through to the access check), owner lookup, token scope `package`, public-only,
 * then package access (403 JSON here, not 401).
 */
async function v1Access(g: GiteaContext, ctx: RequestContext, write: boolean): Promise<V1Access | null> {
  const a = g.auth.authenticate(ctx);
  if (!a.ok) {
    await apiError(ctx, 401, 'Failed to authenticate user');
    return null;
  }
  const p = a.principal;
  if (p.kind === 'anonymous' && (!g.cfg.features.anonymousV1 || write)) {
    await apiError(ctx, 401, 'token is required');
    return null;
  }
  const name = decodeSegment(ctx.params.owner);
  const owner = name === null ? undefined : g.auth.owner(name);
  if (!owner) {
    await apiNotFound(ctx, 'user redirect does not exist');
    return null;
  }
  if (!hasScope(p, 'package', write)) {
    const scopes = p.kind === 'user' && p.token ? p.token.scopes.join(',') : '';
    await apiError(ctx, 403, `token does not have at least one of required scope(s), required=[${write ? 'write' : 'read'}:package], token scope=${scopes}`);
    return null;
  }
  if (publicOnly(p) && publicOnlyRefused(owner, g.cfg.features)) {
    await apiError(ctx, 403, 'token scope is limited to public packages');
    return null;
  }
  if (g.auth.packageAccess(p, owner) < (write ? Access.Write : Access.Read)) {
    await apiError(ctx, 403, 'user should have specific permission or be a site admin');
    return null;
  }
  return { principal: p, owner };
}

export function userJson(g: GiteaContext, ctx: RequestContext, u: { id: number; name: string; visibility?: string; admin?: boolean } | undefined): Record<string, unknown> {
  const user = u ?? { id: -1, name: 'Ghost' };
  return {
    id: user.id,
    login: user.name,
    login_name: '',
    source_id: 0,
    full_name: '',
    email: `${user.name.toLowerCase()}@noreply.localhost`,
    avatar_url: `${ctx.origin}/avatars/${user.id}`,
    html_url: `${ctx.origin}/${user.name}`,
    language: '',
    is_admin: g.auth.cfg.users.some((x) => x.id === user.id && x.admin),
    visibility: user.visibility ?? 'public',
    username: user.name,
  };
}

function creator(g: GiteaContext, id: number): GiteaUser | undefined {
  return g.cfg.users.find((u) => u.id === id);
}

/** structs.Package; `id` is the version's id (case 13). */
function packageJson(g: GiteaContext, ctx: RequestContext, owner: Owner, pkg: PackageRow, v: VersionRow): Record<string, unknown> {
  return {
    id: v.id,
    owner: userJson(g, ctx, owner),
    repository: repoJson(g, ctx, owner, pkg.repoId),
    creator: userJson(g, ctx, creator(g, v.creatorId)),
    type: pkg.type,
    name: pkg.name,
    version: v.version,
    html_url: `${ctx.origin}/${owner.name}/-/packages/${pkg.type}/${encodeURIComponent(pkg.name)}/${encodeURIComponent(v.version)}`,
    created_at: rfc3339(v.createdAt),
  };
}

/** structs.Repository, the fields a client may look at. */
function repoJson(g: GiteaContext, ctx: RequestContext, owner: Owner, repoId: number | null | undefined): Record<string, unknown> | null {
  const repo = repoId ? g.cfg.repos.find((r) => r.id === repoId) : undefined;
  if (!repo) return null;
  return {
    id: repo.id,
    owner: userJson(g, ctx, owner),
    name: repo.name,
    full_name: repo.fullName,
    private: owner.visibility === 'private',
    html_url: `${ctx.origin}/${repo.fullName}`,
    clone_url: `${ctx.origin}/${repo.fullName}.git`,
  };
}

function fileJson(f: FileRow): Record<string, unknown> {
  return { id: f.id, size: f.size, name: f.name, md5: f.md5, sha1: f.sha1, sha256: f.sha256, sha512: f.sha512 };
}

/** GET /api/v1/packages/{owner}?type=&q=&page=&limit=: one entry per version, newest first (case 12). */
async function listPackages(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, false);
  if (!r) return;
  const type = (ctx.query.get('type') ?? '').trim();
  const q = (ctx.query.get('q') ?? '').trim().toLowerCase();
  const rows: [PackageRow, VersionRow][] = [];
  for (const pkg of g.store.ownerPackages(r.owner.name)) {
    if (type !== '' && type !== 'all' && type !== pkg.type) continue;
    if (q && !pkg.name.toLowerCase().includes(q)) continue;
    for (const v of g.store.packageVersions(pkg.id)) rows.push([pkg, v]);
  }
  rows.sort((a, b) => newestFirst(a[1], b[1]));
  const out = paginate(ctx, rows, listOptions(ctx.query));
  return sendJson(ctx, 200, out.items.map(([p, v]) => packageJson(g, ctx, r.owner, p, v)), out.headers);
}

function findPackage(g: GiteaContext, ctx: RequestContext, owner: Owner): PackageRow | undefined {
  const type = decodeSegment(ctx.params.type);
  const name = decodeSegment(ctx.params.name);
  if (type === null || name === null || type !== 'generic') return undefined;
  return g.store.findPackage(owner.name, name);
}

function findVersion(g: GiteaContext, ctx: RequestContext, owner: Owner): { pkg: PackageRow; v: VersionRow } | undefined {
  const pkg = findPackage(g, ctx, owner);
  const version = decodeSegment(ctx.params.version);
  const v = pkg && version !== null ? g.store.findVersion(pkg.id, version) : undefined;
  return pkg && v ? { pkg, v } : undefined;
}

/** G ≥1.24: the versions of one package; `[]` while the emptied package row exists. */
async function listVersions(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, false);
  if (!r) return;
  const pkg = findPackage(g, ctx, r.owner);
  if (!pkg) return apiNotFound(ctx, 'package does not exist');
  const versions = g.store.packageVersions(pkg.id).sort(newestFirst);
  const out = paginate(ctx, versions, listOptions(ctx.query));
  return sendJson(ctx, 200, out.items.map((v) => packageJson(g, ctx, r.owner, pkg, v)), out.headers);
}

/** `-/latest`: the most recently created version (highest id), not the semver maximum (case 14). */
async function latest(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, false);
  if (!r) return;
  const pkg = findPackage(g, ctx, r.owner);
  const newest = pkg ? g.store.packageVersions(pkg.id).sort((a, b) => b.id - a.id)[0] : undefined;
  if (!pkg || !newest) return apiNotFound(ctx, 'package does not exist');
  return sendJson(ctx, 200, packageJson(g, ctx, r.owner, pkg, newest));
}

async function getVersion(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, false);
  if (!r) return;
  const found = findVersion(g, ctx, r.owner);
  if (!found) return apiNotFound(ctx, 'package does not exist');
  return sendJson(ctx, 200, packageJson(g, ctx, r.owner, found.pkg, found.v));
}

/** Unpaginated, no count headers (case 13). */
async function listFiles(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, false);
  if (!r) return;
  const found = findVersion(g, ctx, r.owner);
  if (!found) return apiNotFound(ctx, 'package does not exist');
  return sendJson(ctx, 200, g.store.versionFiles(found.v.id).map(fileJson));
}

async function deleteVersion(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, true);
  if (!r) return;
  const found = findVersion(g, ctx, r.owner);
  if (!found || !(await removeVersion(g, r.owner, found.pkg.name, found.v.version))) return apiNotFound(ctx, 'package does not exist');
  return sendEmpty(ctx, 204);
}

async function deletePackage(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await v1Access(g, ctx, true);
  if (!r) return;
  const pkg = findPackage(g, ctx, r.owner);
  if (!pkg) return apiNotFound(ctx, 'package does not exist');
  await removePackage(g, pkg);
  return sendEmpty(ctx, 204);
}

/** POST …/-/link/{repo} → 201, POST …/-/unlink → 204; the repo must belong to the package owner. */
async function link(g: GiteaContext, ctx: RequestContext, on: boolean): Promise<void> {
  const r = await v1Access(g, ctx, true);
  if (!r) return;
  const pkg = findPackage(g, ctx, r.owner);
  if (!pkg) return apiNotFound(ctx, 'package does not exist');
  let repoId: number | null = null;
  if (on) {
    const name = decodeSegment(ctx.params.repo);
    const repo = name === null ? undefined : g.auth.repo(r.owner.name, name);
    if (!repo) return apiNotFound(ctx, 'repository does not exist');
    if (!g.auth.isRepoOwner(r.principal, repo) && !(r.owner.kind === 'org' && g.auth.packageAccess(r.principal, r.owner) >= Access.Write)) {
      return apiError(ctx, 403, 'no permission to link this package and repository');
    }
    repoId = repo.id;
  }
  await g.commit({ op: 'package.link', id: pkg.id, repoId });
  return sendEmpty(ctx, on ? 201 : 204);
}
