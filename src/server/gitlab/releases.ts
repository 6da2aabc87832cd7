// Releases API and release links (GitLab `lib/api/releases.rb`, `lib/api/release/links.rb`,
// `app/services/releases/*`, `app/models/releases/link.rb`; docs/gitlab-behaviour.md, "Releases
// API and release links", and the release cases there).
import { commitOf, isCommitSha, validRefName } from '../git-refs.js';
import { sendEmpty, sendJson } from '../reply.js';
import type { RequestContext, Router } from '../router.js';
import { type AuthRules, findProject, missingScope, type Principal, projectAccess } from './auth.js';
import { ROLE_LEVEL, type GitlabProject } from './config.js';
import { nowIso, type GitlabContext } from './context.js';
import { forbidden, insufficientScope, notFound, paramError, unauthorized } from './errors.js';
import { linkOrigin, pageParams, paginate } from './pagination.js';
import { isPlainObject, type Params, readGrapeParams, stringParam } from './params.js';
import type { LinkRow, ReleaseRow } from './store.js';

/** Every route here sets `job_token_allowed: true`; deploy tokens and Basic are not credentials. */
const RELEASE_RULES: AuthRules = { jobToken: true, deployToken: false, basic: false, jobBasic: false };
const BASE = '/api/v4/projects/:id/releases';
const LINK_TYPES = ['other', 'runbook', 'image', 'package'] as const;
type LinkType = (typeof LINK_TYPES)[number];
/** `Releases::Link::FILEPATH_REGEX` and FILEPATH_MAX_LENGTH (`app/models/releases/link.rb`). */
const FILEPATH_REGEX = /^\/[^/](?!.*\/\/.*)[-.\w/]+[\da-zA-Z]+$/;
const FILEPATH_MAX_LENGTH = 128;
const URL_SCHEMES = ['http', 'https', 'ftp'];

export function registerReleaseRoutes(router: Router, g: GitlabContext): void {
  router.add({ id: 'gitlab.releases.list', method: 'GET', pattern: BASE, handler: (c) => list(g, c) });
  router.add({ id: 'gitlab.release.create', method: 'POST', pattern: BASE, handler: (c) => create(g, c) });
  router.add({ id: 'gitlab.release.get', method: 'GET', pattern: `${BASE}/:tag`, handler: (c) => getOne(g, c) });
  router.add({ id: 'gitlab.release.update', method: 'PUT', pattern: `${BASE}/:tag`, handler: (c) => update(g, c) });
  router.add({ id: 'gitlab.release.download', method: 'GET', pattern: `${BASE}/:tag/downloads/*path`, handler: (c) => download(g, c) });
  const LINKS = `${BASE}/:tag/assets/links`;
  router.add({ id: 'gitlab.release.links.list', method: 'GET', pattern: LINKS, handler: (c) => listLinks(g, c) });
  router.add({ id: 'gitlab.release.link.create', method: 'POST', pattern: LINKS, handler: (c) => createLink(g, c) });
  router.add({ id: 'gitlab.release.link.get', method: 'GET', pattern: `${LINKS}/:link`, handler: (c) => getLink(g, c) });
  router.add({ id: 'gitlab.release.link.update', method: 'PUT', pattern: `${LINKS}/:link`, handler: (c) => updateLink(g, c) });
  router.add({ id: 'gitlab.release.link.delete', method: 'DELETE', pattern: `${LINKS}/:link`, handler: (c) => deleteLink(g, c) });
  // The web route direct_asset_url points at (`config/routes/project.rb`, releases/downloads).
  for (const p of g.cfg.projects) {
    router.add({ id: 'gitlab.release.web.download', method: 'GET', pattern: `/${p.path}/-/releases/:tag/downloads/*path`, handler: (c) => webDownload(g, c, p) });
  }
}

interface Caller {
  principal: Principal;
  project: GitlabProject;
  level: number;
}

/**
 * Authentication and the access token's scope, which GitLab checks while finding the user
 * (401; 403 insufficient_scope: `api`, or `read_api` for reads), before anything else.
 */
async function authenticate(g: GitlabContext, ctx: RequestContext, write: boolean): Promise<Principal | null> {
  const a = g.auth.authenticate(ctx, RELEASE_RULES);
  if (!a.ok) {
    await unauthorized(ctx);
    return null;
  }
  const scope = missingScope(a.principal, write);
  if (scope) {
    await insufficientScope(ctx, scope);
    return null;
  }
  return a.principal;
}

/** `user_project` (404 Project Not Found), which the `before`/`after_validation` blocks call. */
async function projectOf(g: GitlabContext, ctx: RequestContext, principal: Principal): Promise<Caller | null> {
  const project = findProject(g.cfg, ctx.params.id!);
  if (!project || !projectAccess(principal, project).visible) {
    await notFound(ctx, 'Project');
    return null;
  }
  return { principal, project, level: projectAccess(principal, project).level };
}

/** Authentication, then the project: `lib/api/releases.rb` checks it in a `before` block, ahead of its params. */
async function caller(g: GitlabContext, ctx: RequestContext, write: boolean): Promise<Caller | null> {
  const p = await authenticate(g, ctx, write);
  return p && projectOf(g, ctx, p);
}

/** create_release / update_release: Developer and above (ProjectPolicy, ReleasePolicy). */
function canWrite(c: Caller): boolean {
  return c.principal.kind !== 'anonymous' && c.level >= ROLE_LEVEL.developer;
}

/** download_code: anyone who sees a public project, signed-in users on internal ones, Reporter+. */
function canReadCode(c: Caller): boolean {
  if (c.project.visibility === 'public') return true;
  if (c.project.visibility === 'internal' && c.principal.kind !== 'anonymous') return true;
  return c.level >= ROLE_LEVEL.reporter;
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function params(ctx: RequestContext): Promise<Params | null> {
  const r = await readGrapeParams(ctx);
  if ('aborted' in r) return null;
  if ('error' in r) {
    await paramError(ctx, r.error);
    return null;
  }
  return r.params;
}

// ---- refs -----------------------------------------------------------------------------------

function tagSha(g: GitlabContext, project: GitlabProject, tag: string): string | undefined {
  if (project.tags.includes(tag)) return commitOf(project.path, `tag:${tag}`);
  return g.store.createdTags(project.id).find((t) => t.name === tag)?.sha;
}

/** What `ref` names: a commit SHA, a branch or a tag (Gitaly resolves it; unknown → undefined). */
function resolveRef(g: GitlabContext, project: GitlabProject, ref: string): string | undefined {
  if (isCommitSha(ref)) return ref;
  if (project.branches.includes(ref)) return commitOf(project.path, `branch:${ref}`);
  return tagSha(g, project, ref);
}

// ---- entities ---------------------------------------------------------------------------------

/** GitLab's external_url (`gitlab.externalUrl`), else the origin the client called. */
function webOrigin(g: GitlabContext, ctx: RequestContext): string {
  return g.cfg.externalUrl ? g.cfg.externalUrl.replace(/\/$/, '') : linkOrigin(ctx);
}

function webBase(g: GitlabContext, ctx: RequestContext, project: GitlabProject): string {
  return `${webOrigin(g, ctx)}/${project.path}`;
}

/** `Releases::LinkPresenter#direct_asset_url`: the url, or `<project>/-/releases/<tag>/downloads<filepath>`. */
function linkEntity(g: GitlabContext, ctx: RequestContext, project: GitlabProject, release: ReleaseRow, l: LinkRow): Record<string, unknown> {
  const direct = l.filepath ? `${webBase(g, ctx, project)}/-/releases/${encodeURIComponent(release.tag)}/downloads${l.filepath}` : l.url;
  return { id: l.id, name: l.name, url: l.url, direct_asset_url: direct, link_type: l.linkType };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function userBasic(g: GitlabContext, ctx: RequestContext, id: number | null): Record<string, unknown> | undefined {
  const u = g.cfg.users.find((x) => x.id === id);
  if (!u) return undefined;
  return { id: u.id, username: u.username, public_email: null, name: u.username, state: 'active', locked: false, avatar_url: null, web_url: `${webOrigin(g, ctx)}/${u.username}` };
}

/** `API::Entities::Release` (`lib/api/entities/release.rb`). */
function releaseEntity(g: GitlabContext, ctx: RequestContext, c: Caller, r: ReleaseRow): Record<string, unknown> {
  const web = webBase(g, ctx, c.project);
  const code = canReadCode(c);
  const links = g.store.releaseLinks(r.id).map((l) => linkEntity(g, ctx, c.project, r, l));
  const projectName = c.project.path.split('/').pop()!;
  const sources = ['zip', 'tar.gz', 'tar.bz2', 'tar'].map((f) => ({ format: f, url: `${web}/-/archive/${encodeURIComponent(r.tag)}/${projectName}-${r.tag}.${f}` }));
  const self = `${web}/-/releases/${encodeURIComponent(r.tag)}`;
  // ReleasePresenter#name: callers who may not download code see `Release-<id>`.
  const out: Record<string, unknown> = { name: code ? (r.name ?? r.tag) : `Release-${r.id}` };
  if (code) out.tag_name = r.tag;
  out.description = r.description;
  out.description_html = r.description === null ? null : `<p dir="auto">${escapeHtml(r.description)}</p>`;
  out.created_at = r.createdAt;
  out.released_at = r.releasedAt;
  const author = userBasic(g, ctx, r.authorId);
  if (author) out.author = author;
  if (code) {
    out.commit = {
      id: r.sha, short_id: r.sha.slice(0, 8), created_at: r.createdAt, parent_ids: [], title: 'relpack serve commit', message: 'relpack serve commit',
      author_name: 'relpack', author_email: 'relpack@example.invalid', authored_date: r.createdAt,
      committer_name: 'relpack', committer_email: 'relpack@example.invalid', committed_date: r.createdAt,
      trailers: {}, extended_trailers: {}, web_url: `${web}/-/commit/${r.sha}`,
    };
  }
  out.upcoming_release = Date.parse(r.releasedAt) > Date.now();
  if (code) {
    out.commit_path = `/${c.project.path}/-/commit/${r.sha}`;
    out.tag_path = `/${c.project.path}/-/tags/${encodeURIComponent(r.tag)}`;
  }
  out.assets = code ? { count: links.length + sources.length, sources, links } : { count: links.length, links };
  if (code) out.evidences = [];
  out._links = canWrite(c) ? { self, edit_url: `${self}/edit` } : { self };
  return out;
}

// ---- links: validation (app/models/releases/link.rb) --------------------------------------------

interface LinkInput {
  name: string;
  url: string;
  filepath: string | null;
  linkType: string;
}

/**
 * `addressable_url: { schemes: %w[http https ftp] }` through Gitlab::UrlBlocker (localhost and the
 * local network allowed): a missing or other scheme, or a URL that does not parse, is blocked.
 */
function urlProblem(url: string): string | null {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (!scheme || !URL_SCHEMES.includes(scheme)) return `is blocked: Only allowed schemes are ${URL_SCHEMES.join(', ')}`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is blocked: URI is invalid';
  }
  if (!u.hostname || /\s/.test(url)) return 'is blocked: URI is invalid';
  if (u.username && !/^[\p{L}\p{N}]/u.test(decoded(u.username))) return 'is blocked: Username needs to start with an alphanumeric character';
  return null;
}

/** The model's errors as [attribute, message], in validation order. */
function linkErrors(l: LinkInput, others: LinkRow[]): [string, string][] {
  const e: [string, string][] = [];
  if (l.url.trim() === '') e.push(['url', "can't be blank"]);
  else {
    const bad = urlProblem(l.url);
    if (bad) e.push(['url', bad]);
  }
  if (others.some((o) => o.url === l.url)) e.push(['url', 'has already been taken']);
  if (l.name.trim() === '') e.push(['name', "can't be blank"]);
  if (others.some((o) => o.name === l.name)) e.push(['name', 'has already been taken']);
  if (l.filepath !== null) {
    if (l.filepath !== '' && others.some((o) => o.filepath === l.filepath)) e.push(['filepath', 'has already been taken']);
    // The length is checked before the regex, which never runs on a long string (gitlab-org/gitlab#273771).
    if (l.filepath.length > FILEPATH_MAX_LENGTH) e.push(['filepath', `is too long (maximum is ${FILEPATH_MAX_LENGTH} characters)`]);
    else if (!FILEPATH_REGEX.test(l.filepath)) e.push(['filepath', 'is in an invalid format']);
  }
  return e;
}

function capitalise(attr: string): string {
  return attr.charAt(0).toUpperCase() + attr.slice(1);
}

/** Link params: name, url, link_type, and direct_asset_path (or the deprecated filepath). */
function linkFields(p: Params, errors: string[], prefix: string): { name?: string; url?: string; filepath?: string | null; linkType?: string } {
  const label = (k: string) => (prefix ? `${prefix}[${k}]` : k);
  const name = stringParam(p, 'name', errors, label('name'));
  const url = stringParam(p, 'url', errors, label('url'));
  const dap = stringParam(p, 'direct_asset_path', errors, label('direct_asset_path'));
  const fp = stringParam(p, 'filepath', errors, label('filepath'));
  const linkType = stringParam(p, 'link_type', errors, label('link_type'));
  const provided = 'direct_asset_path' in p || 'filepath' in p;
  return {
    ...(name !== undefined ? { name } : {}),
    ...(url !== undefined ? { url: url.trim() } : {}),
    ...(provided ? { filepath: dap ?? fp ?? null } : {}),
    ...(linkType !== undefined ? { linkType } : {}),
  };
}

// ---- releases -----------------------------------------------------------------------------------

async function list(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const page = pageParams(ctx.query);
  if ('error' in page) return paramError(ctx, page.error);
  const orderBy = ctx.query.get('order_by') ?? 'released_at';
  const sort = ctx.query.get('sort') ?? 'desc';
  if (orderBy !== 'released_at' && orderBy !== 'created_at') return paramError(ctx, 'order_by does not have a valid value');
  if (sort !== 'asc' && sort !== 'desc') return paramError(ctx, 'sort does not have a valid value');
  const key = orderBy === 'created_at' ? 'createdAt' : 'releasedAt';
  const all = g.store.projectReleases(c.project.id).sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id - b.id));
  if (sort === 'desc') all.reverse();
  const out = paginate(ctx, all, page, g.cfg.externalUrl);
  return sendJson(ctx, 200, out.items.map((r) => releaseEntity(g, ctx, c, r)), out.headers);
}

async function getOne(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  if (!canReadCode(c)) return forbidden(ctx);
  const r = g.store.findRelease(c.project.id, decoded(ctx.params.tag!));
  if (!r) return notFound(ctx, '');
  return sendJson(ctx, 200, releaseEntity(g, ctx, c, r));
}

/** `released_at`: Grape's DateTime coercion; an unparsable value is "released_at is invalid". */
function dateParam(p: Params, key: string, errors: string[]): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) {
    errors.push(`${key} is invalid`);
    return undefined;
  }
  return new Date(t).toISOString();
}

function listParam(p: Params, key: string, errors: string[]): string[] | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
  errors.push(`${key} is invalid`);
  return undefined;
}

/** Everything `post ':id/releases'` and Releases::CreateService check, in their order. */
async function create(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const p = await params(ctx);
  if (!p) return;
  const errors: string[] = [];
  const tag = stringParam(p, 'tag_name', errors);
  if (tag === undefined && !errors.length) errors.push('tag_name is missing');
  const name = stringParam(p, 'name', errors);
  const description = stringParam(p, 'description', errors);
  const ref = stringParam(p, 'ref', errors);
  stringParam(p, 'tag_message', errors);
  const releasedAt = dateParam(p, 'released_at', errors);
  const milestones = listParam(p, 'milestones', errors);
  const milestoneIds = listParam(p, 'milestone_ids', errors);
  const links: { name?: string; url?: string; filepath?: string | null; linkType?: string }[] = [];
  if (p.assets !== undefined && p.assets !== null) {
    if (!isPlainObject(p.assets)) errors.push('assets is invalid');
    else if (p.assets.links !== undefined && p.assets.links !== null) {
      if (!Array.isArray(p.assets.links)) errors.push('assets[links] is invalid');
      else {
        p.assets.links.forEach((raw, i) => {
          const prefix = `assets[links][${i}]`;
          if (!isPlainObject(raw)) {
            errors.push(`${prefix} is invalid`);
            return;
          }
          const f = linkFields(raw, errors, prefix);
          if (f.name === undefined && !('name' in raw && raw.name !== null)) errors.push(`${prefix}[name] is missing`);
          if (f.url === undefined && !('url' in raw && raw.url !== null)) errors.push(`${prefix}[url] is missing`);
          links.push(f);
        });
      }
    }
  }
  if (milestones !== undefined && milestoneIds !== undefined) errors.push('Cannot specify milestones and milestone_ids at the same time');
  if (errors.length) return paramError(ctx, errors.join(', '));
  // authorize_create_release! at the endpoint; the service's own "Access Denied" is never reached.
  if (!canWrite(c)) return forbidden(ctx);
  if (g.store.findRelease(c.project.id, tag!)) return sendJson(ctx, 409, { message: 'Release already exists' });
  if (milestones?.length) return sendJson(ctx, 400, { message: `Milestone(s) not found: ${milestones.join(', ')}` });
  if (milestoneIds?.length) return sendJson(ctx, 400, { message: `Milestone id(s) not found: ${milestoneIds.join(', ')}` });
  let sha = tagSha(g, c.project, tag!);
  if (sha === undefined) {
    // ensure_tag → create_tag (`Tags::CreateService`): the tag is written before the release is
    // validated, so a release that then fails validation leaves the new tag behind, as on GitLab.
    if (ref === undefined) return sendJson(ctx, 422, { message: 'Ref is not specified' });
    if (ref.trim() === '') return sendJson(ctx, 400, { message: 'Target is empty' });
    if (!validRefName(tag!)) return sendJson(ctx, 400, { message: 'Tag name invalid' });
    const target = resolveRef(g, c.project, ref);
    if (target === undefined) return sendJson(ctx, 400, { message: `Target ${ref} is invalid` });
    await g.commit({ op: 'tag.create', row: { projectId: c.project.id, name: tag!, sha: target } });
    sha = target;
  }
  // build_release + save! inside `rescue StandardError => e; error(e.message, 400)`.
  const bad = links.find((l) => l.linkType !== undefined && !(LINK_TYPES as readonly string[]).includes(l.linkType));
  if (bad) return sendJson(ctx, 400, { message: `'${bad.linkType}' is not a valid link_type` });
  const inputs: LinkInput[] = links.map((l) => ({ name: l.name ?? '', url: l.url ?? '', filepath: l.filepath ?? null, linkType: l.linkType ?? 'other' }));
  const failures: string[] = [];
  for (const l of inputs) for (const [attr, msg] of linkErrors(l, [])) failures.push(`Links ${attr} ${msg}`);
  if (!failures.length) {
    // NestedAttributesDuplicatesValidator over name, url, filepath (`app/models/release.rb`).
    for (const attr of ['name', 'url', 'filepath'] as const) {
      const values = inputs.map((l) => l[attr]).filter((v): v is string => v !== null);
      const dups = [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
      if (dups.length) failures.push(`Links have duplicate values (${dups.join(', ')}) for #<Release:0x00007f0000000000> scope`);
    }
  }
  if (failures.length) return sendJson(ctx, 400, { message: `Validation failed: ${failures.join(', ')}` });
  const now = nowIso();
  const row: ReleaseRow = {
    id: g.store.allocReleaseId(),
    projectId: c.project.id,
    tag: tag!,
    name: name ?? null,
    description: description ?? null,
    sha,
    authorId: c.principal.kind === 'user' || c.principal.kind === 'job' ? c.principal.user.id : null,
    createdAt: now,
    releasedAt: releasedAt ?? now,
  };
  await g.commit({ op: 'release.put', row });
  for (const l of inputs) {
    await g.commit({ op: 'link.put', row: { id: g.store.allocLinkId(), releaseId: row.id, name: l.name, url: l.url, filepath: l.filepath, linkType: l.linkType as LinkType, createdAt: now } });
  }
  return sendJson(ctx, 201, releaseEntity(g, ctx, c, row));
}

/** `put ':id/releases/:tag_name'` and Releases::UpdateService. */
async function update(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const p = await params(ctx);
  if (!p) return;
  const errors: string[] = [];
  const name = stringParam(p, 'name', errors);
  const description = stringParam(p, 'description', errors);
  const releasedAt = dateParam(p, 'released_at', errors);
  const milestones = listParam(p, 'milestones', errors);
  const milestoneIds = listParam(p, 'milestone_ids', errors);
  if (milestones !== undefined && milestoneIds !== undefined) errors.push('Cannot specify milestones and milestone_ids at the same time');
  if (errors.length) return paramError(ctx, errors.join(', '));
  const release = g.store.findRelease(c.project.id, decoded(ctx.params.tag!));
  // authorize_update_release! is `authorize! :update_release, release`: with no release the
  // subject is nil and no policy allows it, so a missing release is 403 even for a Maintainer.
  if (!release || !canWrite(c)) return forbidden(ctx);
  const given = ['name', 'description', 'released_at', 'milestones', 'milestone_ids'].filter((k) => p[k] !== undefined);
  if (!given.length) return sendJson(ctx, 400, { message: 'params is empty' });
  if (milestones?.length) return sendJson(ctx, 400, { message: `Milestone(s) not found: ${milestones.join(', ')}` });
  const row: ReleaseRow = {
    ...release,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(releasedAt !== undefined ? { releasedAt } : {}),
  };
  await g.commit({ op: 'release.put', row });
  return sendJson(ctx, 200, releaseEntity(g, ctx, c, row));
}

/** `get ':id/releases/:tag_name/downloads/*direct_asset_path'`: 302 to the link's url. */
async function download(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  if (!canReadCode(c)) return forbidden(ctx);
  const r = g.store.findRelease(c.project.id, decoded(ctx.params.tag!));
  if (!r) return notFound(ctx, '');
  const filepath = `/${ctx.rest.map(decoded).join('/')}`;
  const link = g.store.releaseLinks(r.id).find((l) => l.filepath === filepath);
  if (!link) return notFound(ctx);
  return sendEmpty(ctx, 302, { location: link.url });
}

/**
 * The web route direct_asset_url points at (`/-/releases/:tag/downloads/*filepath`, which
 * redirects to the link's url as the API route does). Web routes take no API tokens, so serve,
 * which has no sessions, redirects anyone to the link on a public project and to the sign-in
 * page on any other.
 */
async function webDownload(g: GitlabContext, ctx: RequestContext, project: GitlabProject): Promise<void> {
  if (project.visibility !== 'public') return sendEmpty(ctx, 302, { location: `${webOrigin(g, ctx)}/users/sign_in` });
  const r = g.store.findRelease(project.id, decoded(ctx.params.tag!));
  const filepath = `/${ctx.rest.map(decoded).join('/')}`;
  const link = r && g.store.releaseLinks(r.id).find((l) => l.filepath === filepath);
  if (!link) return sendEmpty(ctx, 404, { 'content-type': 'text/html; charset=utf-8' });
  return sendEmpty(ctx, 302, { location: link.url });
}

// ---- links ------------------------------------------------------------------------------------

/** `user_project.releases.find_by_tag!` and `release.links.find`: ActiveRecord's 404 Not found. */
function findReleaseOr404(g: GitlabContext, c: Caller, ctx: RequestContext): ReleaseRow | undefined {
  return g.store.findRelease(c.project.id, decoded(ctx.params.tag!));
}

function linkIdParam(ctx: RequestContext): number | null {
  const raw = decoded(ctx.params.link!);
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

async function listLinks(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const page = pageParams(ctx.query);
  if ('error' in page) return paramError(ctx, page.error);
  const r = findReleaseOr404(g, c, ctx);
  if (!r) return notFound(ctx);
  const out = paginate(ctx, g.store.releaseLinks(r.id), page, g.cfg.externalUrl);
  return sendJson(ctx, 200, out.items.map((l) => linkEntity(g, ctx, c.project, r, l)), out.headers);
}

async function getLink(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const id = linkIdParam(ctx);
  if (id === null) return paramError(ctx, 'link_id is invalid');
  const r = findReleaseOr404(g, c, ctx);
  const l = r && g.store.links.get(id);
  if (!r || !l || l.releaseId !== r.id) return notFound(ctx);
  return sendJson(ctx, 200, linkEntity(g, ctx, c.project, r, l));
}

/** Releases::Links::CreateService: 201, or 400 with the model's full messages. */
async function createLink(g: GitlabContext, ctx: RequestContext): Promise<void> {
  // `lib/api/release/links.rb` checks the project in `after_validation`: bad params answer first.
  const principal = await authenticate(g, ctx, true);
  if (!principal) return;
  const p = await params(ctx);
  if (!p) return;
  const errors: string[] = [];
  const f = linkFields(p, errors, '');
  if (p.name === undefined || p.name === null) errors.push('name is missing');
  if (p.url === undefined || p.url === null) errors.push('url is missing');
  if (f.linkType !== undefined && !(LINK_TYPES as readonly string[]).includes(f.linkType)) errors.push('link_type does not have a valid value');
  if (errors.length) return paramError(ctx, errors.join(', '));
  const c = await projectOf(g, ctx, principal);
  if (!c) return;
  const r = findReleaseOr404(g, c, ctx);
  if (!r) return notFound(ctx);
  if (!canWrite(c)) return forbidden(ctx);
  const input: LinkInput = { name: f.name!, url: f.url!, filepath: f.filepath ?? null, linkType: f.linkType ?? 'other' };
  const bad = linkErrors(input, g.store.releaseLinks(r.id));
  if (bad.length) return sendJson(ctx, 400, { message: bad.map(([a, m]) => `${capitalise(a)} ${m}`) });
  const row: LinkRow = { id: g.store.allocLinkId(), releaseId: r.id, name: input.name, url: input.url, filepath: input.filepath, linkType: input.linkType as LinkType, createdAt: nowIso() };
  await g.commit({ op: 'link.put', row });
  return sendJson(ctx, 201, linkEntity(g, ctx, c.project, r, row));
}

/**
 * Releases::Links::UpdateService. `link_type` has `default: 'other'` in the PUT's params, so an
 * update that does not send it resets the type to `other`, as on GitLab.
 */
async function updateLink(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const principal = await authenticate(g, ctx, true);
  if (!principal) return;
  const p = await params(ctx);
  if (!p) return;
  const errors: string[] = [];
  const id = linkIdParam(ctx);
  if (id === null) errors.push('link_id is invalid');
  const f = linkFields(p, errors, '');
  if (f.linkType !== undefined && !(LINK_TYPES as readonly string[]).includes(f.linkType)) errors.push('link_type does not have a valid value');
  if ((p.name === undefined || p.name === null) && (p.url === undefined || p.url === null)) errors.push('name, url are missing, at least one parameter must be provided');
  if (errors.length) return paramError(ctx, errors.join(', '));
  const c = await projectOf(g, ctx, principal);
  if (!c) return;
  const r = findReleaseOr404(g, c, ctx);
  const current = r && g.store.links.get(id!);
  if (!r || !current || current.releaseId !== r.id) return notFound(ctx);
  if (!canWrite(c)) return forbidden(ctx);
  const input: LinkInput = {
    name: f.name ?? current.name,
    url: f.url ?? current.url,
    filepath: f.filepath !== undefined ? f.filepath : current.filepath,
    linkType: f.linkType ?? 'other',
  };
  const others = g.store.releaseLinks(r.id).filter((l) => l.id !== current.id);
  const bad = linkErrors(input, others);
  if (bad.length) return sendJson(ctx, 400, { message: bad.map(([a, m]) => `${capitalise(a)} ${m}`) });
  const row: LinkRow = { ...current, name: input.name, url: input.url, filepath: input.filepath, linkType: input.linkType as LinkType };
  await g.commit({ op: 'link.put', row });
  return sendJson(ctx, 200, linkEntity(g, ctx, c.project, r, row));
}

/** Releases::Links::DestroyService: 200 with the deleted link (not 204). */
async function deleteLink(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const id = linkIdParam(ctx);
  if (id === null) return paramError(ctx, 'link_id is invalid');
  const r = findReleaseOr404(g, c, ctx);
  const current = r && g.store.links.get(id);
  if (!r || !current || current.releaseId !== r.id) return notFound(ctx);
  if (!canWrite(c)) return forbidden(ctx);
  await g.commit({ op: 'link.delete', id: current.id });
  return sendJson(ctx, 200, linkEntity(g, ctx, c.project, r, current));
}
