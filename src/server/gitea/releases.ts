// Releases API and release assets (Gitea `routers/api/v1/repo/release.go`, `release_tags.go`,
// `release_attachment.go`, `services/release/release.go`; Forgejo ≥ v9 for external-URL assets;
// docs/gitea-behaviour.md, "Releases API and release assets").
import { randomUUID } from 'node:crypto';
import { commitOf, isCommitSha, validRefName } from '../git-refs.js';
import { sendEmpty, sendJson } from '../reply.js';
import { BodyAbortedError, readSmallBody } from '../request-body.js';
import type { RequestContext, Router } from '../router.js';
import { userJson } from './api.js';
import { Access, ACTIONS_USER, hasScope, type Principal, principalUserId, publicOnly } from './auth.js';
import type { GiteaRepo } from './config.js';
import { decodeSegment, nowIsoMs, rfc3339, type GiteaContext } from './context.js';
import { apiError, apiNotFound, requiredError } from './errors.js';
import { listOptions, paginate } from './pagination.js';
import type { AttachmentRow, ReleaseRow } from './store.js';

const BASE = '/api/v1/repos/:owner/:repo/releases';
/** serve reads attachment bodies into memory; larger uploads are refused (docs/serve-gitea.md). */
const ATTACHMENT_BODY_LIMIT = 8 << 20;

export function registerReleaseRoutes(router: Router, g: GiteaContext): void {
  router.add({ id: 'gitea.releases.list', method: 'GET', pattern: BASE, handler: (c) => list(g, c) });
  router.add({ id: 'gitea.release.create', method: 'POST', pattern: BASE, handler: (c) => create(g, c) });
  router.add({ id: 'gitea.release.latest', method: 'GET', pattern: `${BASE}/latest`, handler: (c) => latest(g, c) });
  router.add({ id: 'gitea.release.tag', method: 'GET', pattern: `${BASE}/tags/:tag`, handler: (c) => byTag(g, c) });
  router.add({ id: 'gitea.release.get', method: 'GET', pattern: `${BASE}/:id`, handler: (c) => getOne(g, c) });
  router.add({ id: 'gitea.release.edit', method: 'PATCH', pattern: `${BASE}/:id`, handler: (c) => edit(g, c) });
  router.add({ id: 'gitea.release.delete', method: 'DELETE', pattern: `${BASE}/:id`, handler: (c) => remove(g, c) });
  const ASSETS = `${BASE}/:id/assets`;
  router.add({ id: 'gitea.release.assets.list', method: 'GET', pattern: ASSETS, handler: (c) => listAssets(g, c) });
  router.add({ id: 'gitea.release.asset.create', method: 'POST', pattern: ASSETS, handler: (c) => createAsset(g, c) });
  router.add({ id: 'gitea.release.asset.get', method: 'GET', pattern: `${ASSETS}/:asset`, handler: (c) => getAsset(g, c) });
  router.add({ id: 'gitea.release.asset.edit', method: 'PATCH', pattern: `${ASSETS}/:asset`, handler: (c) => editAsset(g, c) });
  router.add({ id: 'gitea.release.asset.delete', method: 'DELETE', pattern: `${ASSETS}/:asset`, handler: (c) => deleteAsset(g, c) });
}

interface Caller {
  principal: Principal;
  repo: GiteaRepo;
  access: Access;
}

/**
 * The middleware in `routers/api/v1/api.go`, in its order: authentication (401), the token's
 * `repository` scope (tokenRequiresScopes, 403), repoAssignment (404), checkTokenPublicOnly (403),
 * and for writes reqToken (401) then reqRepoWriter(unit.TypeReleases) (403). Bodies are bound
 * only after all of them, so a write with a bad body tells a writer (422) from a reader (403).
 */
async function caller(g: GiteaContext, ctx: RequestContext, write: boolean): Promise<Caller | null> {
  const a = g.auth.authenticate(ctx);
  if (!a.ok) {
    await apiError(ctx, 401, 'Failed to authenticate user');
    return null;
  }
  const p = a.principal;
  if (!hasScope(p, 'repository', write)) {
    const scopes = p.kind === 'user' && p.token ? p.token.scopes.join(',') : '';
    await apiError(ctx, 403, `token does not have at least one of required scope(s), required=[${write ? 'write' : 'read'}:repository], token scope=${scopes}`);
    return null;
  }
  const owner = decodeSegment(ctx.params.owner);
  const name = decodeSegment(ctx.params.repo);
  const repo = owner === null || name === null ? undefined : g.auth.repo(owner, name);
  const access = repo ? g.auth.repoAccess(p, repo) : Access.None;
  if (!repo || access === Access.None) {
    await apiNotFound(ctx);
    return null;
  }
  if (publicOnly(p) && g.auth.owner(repo.owner)?.visibility !== 'public') {
    await apiError(ctx, 403, 'token scope is limited to public repos');
    return null;
  }
  if (write && p.kind === 'anonymous') {
    await apiError(ctx, 401, 'token is required');
    return null;
  }
  if (write && access < Access.Write) {
    await apiError(ctx, 403, 'user should have a permission to write to a repo');
    return null;
  }
  return { principal: p, repo, access };
}

/** APIErrorInternal in production: 500 with the message hidden. */
function internal(ctx: RequestContext): Promise<void> {
  return apiError(ctx, 500, '');
}

// ---- refs ----------------------------------------------------------------------------------

function tagSha(g: GiteaContext, repo: GiteaRepo, tag: string): string | undefined {
  if (repo.tags.includes(tag)) return commitOf(repo.fullName, `tag:${tag}`);
  return g.store.createdTags(repo.id).find((t) => t.name === tag)?.sha;
}

function resolveTarget(g: GiteaContext, repo: GiteaRepo, target: string): string | undefined {
  if (isCommitSha(target)) return target;
  if (repo.branches.includes(target)) return commitOf(repo.fullName, `branch:${target}`);
  return tagSha(g, repo, target);
}

function defaultBranch(repo: GiteaRepo): string {
  return repo.branches.includes('main') ? 'main' : (repo.branches[0] ?? 'main');
}

/**
 * createTag in `services/release/release.go`: nothing for a draft; an existing tag gives its
 * commit; else the tag is created from the target. Errors are the caller's to map.
 */
async function ensureTag(g: GiteaContext, repo: GiteaRepo, rel: { tag: string; target: string; draft: boolean }): Promise<{ sha: string } | { error: 'target' | 'name' }> {
  if (rel.draft) return { sha: tagSha(g, repo, rel.tag) ?? '' };
  const existing = tagSha(g, repo, rel.tag);
  if (existing) return { sha: existing };
  if (!validRefName(rel.tag)) return { error: 'name' };
  const sha = resolveTarget(g, repo, rel.target);
  if (!sha) return { error: 'target' };
  await g.commit({ op: 'tag.create', row: { repoId: repo.id, name: rel.tag, sha } });
  return { sha };
}

// ---- entities ------------------------------------------------------------------------------

function repoUrl(ctx: RequestContext, repo: GiteaRepo): string {
  return `${ctx.origin}/${repo.fullName}`;
}

function pathEscape(s: string): string {
  return s.split('/').map(encodeURIComponent).join('/');
}

/** structs.Attachment (`modules/structs/attachment.go`); F ≥9 adds `type`. */
function attachmentJson(g: GiteaContext, ctx: RequestContext, repo: GiteaRepo, rel: ReleaseRow, a: AttachmentRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    size: a.size,
    download_count: 0,
    created_at: rfc3339(a.createdAt),
    uuid: a.uuid,
    browser_download_url: a.externalUrl || `${repoUrl(ctx, repo)}/releases/download/${pathEscape(rel.tag)}/${pathEscape(a.name)}`,
  };
  if (g.cfg.features.externalAssets) out.type = a.externalUrl ? 'external' : 'attachment';
  return out;
}

function publisher(g: GiteaContext, ctx: RequestContext, id: number): Record<string, unknown> {
  if (id === ACTIONS_USER.id) return userJson(g, ctx, ACTIONS_USER);
  return userJson(g, ctx, g.cfg.users.find((u) => u.id === id));
}

/** structs.Release (`modules/structs/release.go`, convert.ToAPIRelease). */
function releaseJson(g: GiteaContext, ctx: RequestContext, repo: GiteaRepo, r: ReleaseRow): Record<string, unknown> {
  const web = repoUrl(ctx, repo);
  const api = `${ctx.origin}/api/v1/repos/${repo.fullName}/releases/${r.id}`;
  return {
    id: r.id,
    tag_name: r.tag,
    target_commitish: r.target,
    name: r.title,
    body: r.note,
    url: api,
    html_url: `${web}/releases/tag/${pathEscape(r.tag)}`,
    tarball_url: `${web}/archive/${pathEscape(r.tag)}.tar.gz`,
    zipball_url: `${web}/archive/${pathEscape(r.tag)}.zip`,
    upload_url: `${api}/assets`,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: rfc3339(r.createdAt),
    published_at: rfc3339(r.createdAt),
    author: publisher(g, ctx, r.publisherId),
    assets: g.store.releaseAttachments(r.id).map((a) => attachmentJson(g, ctx, repo, r, a)),
  };
}

// ---- binding -------------------------------------------------------------------------------

type Fields = Record<string, unknown>;

/**
 * web.Bind: a form for form Content-Types, JSON otherwise; an empty body binds nothing (io.EOF
 * is not an error); a body that is not JSON is 422 DeserializationError.
 */
async function bind(ctx: RequestContext): Promise<Fields | null> {
  let body: Buffer | null;
  try {
    body = await readSmallBody(ctx);
  } catch (e) {
    if (e instanceof BodyAbortedError) return null;
    throw e;
  }
  if (body === null) {
    await apiError(ctx, 413, 'request body is too large');
    return null;
  }
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (type.includes('form-urlencoded')) return Object.fromEntries(new URLSearchParams(text).entries());
  if (text.trim() === '') return {};
  try {
    const j = JSON.parse(text) as unknown;
    if (typeof j === 'object' && j !== null && !Array.isArray(j)) return j as Fields;
    await sendJson(ctx, 422, [{ fieldNames: [], classification: 'DeserializationError', message: 'json: cannot unmarshal into Go value of type struct' }]);
  } catch (e) {
    await sendJson(ctx, 422, [{ fieldNames: [], classification: 'DeserializationError', message: (e as Error).message }]);
  }
  return null;
}

function str(f: Fields, k: string): string {
  const v = f[k];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function bool(f: Fields, k: string): boolean | undefined {
  const v = f[k];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v === 'true' || v === '1' || v === 'on';
  return undefined;
}

function idParam(raw: string | undefined): number {
  const s = decodeSegment(raw) ?? '';
  return /^\d+$/.test(s) ? Number(s) : 0;
}

function releaseOf(g: GiteaContext, c: Caller, ctx: RequestContext): ReleaseRow | undefined {
  const r = g.store.releases.get(idParam(ctx.params.id));
  return r && r.repoId === c.repo.id ? r : undefined;
}

// ---- releases ------------------------------------------------------------------------------

async function list(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const includeDrafts = c.access >= Access.Write;
  const draft = ctx.query.get('draft');
  const pre = ctx.query.get('pre-release');
  const all = g.store
    .repoReleases(c.repo.id)
    .filter((r) => (includeDrafts || !r.draft) && (draft === null || r.draft === (draft === 'true')) && (pre === null || r.prerelease === (pre === 'true')))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
  const out = paginate(ctx, all, listOptions(ctx.query));
  return sendJson(ctx, 200, out.items.map((r) => releaseJson(g, ctx, c.repo, r)), out.headers);
}

async function getOne(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const r = releaseOf(g, c, ctx);
  if (!r) return apiNotFound(ctx);
  return sendJson(ctx, 200, releaseJson(g, ctx, c.repo, r));
}

/** `GET …/releases/tags/{tag}` (`release_tags.go`): 404 when the tag has no release. */
async function byTag(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const r = g.store.releaseByTag(c.repo.id, decodeSegment(ctx.params.tag) ?? '');
  if (!r) return apiNotFound(ctx);
  return sendJson(ctx, 200, releaseJson(g, ctx, c.repo, r));
}

async function latest(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const r = g.store
    .repoReleases(c.repo.id)
    .filter((x) => !x.draft && !x.prerelease)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id))[0];
  if (!r) return apiNotFound(ctx);
  return sendJson(ctx, 200, releaseJson(g, ctx, c.repo, r));
}

/** CreateRelease in `routers/api/v1/repo/release.go` and `services/release/release.go`. */
async function create(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const f = await bind(ctx);
  if (!f) return;
  const tag = str(f, 'tag_name');
  if (tag === '') return requiredError(ctx, 'TagName');
  const existing = g.store.releaseByTag(c.repo.id, tag);
  // GetRelease finds the row; a real release (not a plain tag) is the sic'd 409.
  if (existing) return apiError(ctx, 409, 'Release is has no Tag');
  const draft = bool(f, 'draft') ?? false;
  const given = str(f, 'target_commitish');
  const taggedAlready = tagSha(g, c.repo, tag) !== undefined;
  // A tag without a release is turned into one (UpdateRelease, Target = form.Target as sent);
  // otherwise the target defaults to the default branch.
  const target = taggedAlready ? given : given || defaultBranch(c.repo);
  const made = await ensureTag(g, c.repo, { tag, target, draft });
  if ('error' in made) {
    if (made.error === 'target') return apiError(ctx, 404, `target "${target}" not found: object does not exist [id: ${target}, rel_path: ]`);
    return internal(ctx);
  }
  const row: ReleaseRow = {
    id: g.store.allocRelease(),
    repoId: c.repo.id,
    tag,
    target,
    title: str(f, 'name'),
    note: str(f, 'body'),
    draft,
    prerelease: bool(f, 'prerelease') ?? false,
    sha: made.sha,
    publisherId: principalUserId(c.principal),
    createdAt: nowIsoMs(),
  };
  await g.commit({ op: 'release.put', row });
  return sendJson(ctx, 201, releaseJson(g, ctx, c.repo, row));
}

/** EditRelease: empty strings and absent fields keep the value; publishing a draft creates its tag. */
async function edit(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const f = await bind(ctx);
  if (!f) return;
  const current = releaseOf(g, c, ctx);
  if (!current) return apiNotFound(ctx);
  const row: ReleaseRow = { ...current };
  if (str(f, 'tag_name')) row.tag = str(f, 'tag_name');
  if (str(f, 'target_commitish')) row.target = str(f, 'target_commitish');
  if (str(f, 'name')) row.title = str(f, 'name');
  if (str(f, 'body')) row.note = str(f, 'body');
  const draft = bool(f, 'draft');
  if (draft !== undefined) row.draft = draft;
  const pre = bool(f, 'prerelease');
  if (pre !== undefined) row.prerelease = pre;
  const clash = g.store.releaseByTag(c.repo.id, row.tag);
  if (clash && clash.id !== row.id) return internal(ctx); // the unique (repo, lower_tag_name) index
  const made = await ensureTag(g, c.repo, row);
  if ('error' in made) return internal(ctx); // UpdateRelease's errors are APIErrorInternal here
  row.sha = made.sha;
  await g.commit({ op: 'release.put', row });
  return sendJson(ctx, 200, releaseJson(g, ctx, c.repo, row));
}

/** DeleteRelease: the release and its assets go, the tag stays (delTag=false). */
async function remove(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const r = releaseOf(g, c, ctx);
  if (!r) return apiNotFound(ctx);
  await g.commit({ op: 'release.delete', id: r.id });
  return sendEmpty(ctx, 204);
}

// ---- assets --------------------------------------------------------------------------------

async function listAssets(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const r = releaseOf(g, c, ctx);
  if (!r) return apiNotFound(ctx);
  return sendJson(ctx, 200, g.store.releaseAttachments(r.id).map((a) => attachmentJson(g, ctx, c.repo, r, a)));
}

function assetOf(g: GiteaContext, ctx: RequestContext, r: ReleaseRow): AttachmentRow | undefined {
  const a = g.store.attachments.get(idParam(ctx.params.asset));
  return a && a.releaseId === r.id ? a : undefined;
}

async function getAsset(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, false);
  if (!c) return;
  const r = releaseOf(g, c, ctx);
  const a = r && assetOf(g, ctx, r);
  if (!r || !a) return apiNotFound(ctx);
  return sendJson(ctx, 200, attachmentJson(g, ctx, c.repo, r, a));
}

/** The request as Go's FormFile/FormString see it: query + urlencoded or multipart fields, and the file part. */
interface AssetForm {
  isMultipart: boolean;
  /** Unparsable multipart body. */
  broken: boolean;
  fields: Map<string, string>;
  file: { name: string; size: number } | null;
  bodySize: number;
}

async function readAssetForm(ctx: RequestContext): Promise<AssetForm | 'aborted' | 'too-large'> {
  let body: Buffer | null;
  try {
    body = await readSmallBody(ctx, ATTACHMENT_BODY_LIMIT);
  } catch (e) {
    if (e instanceof BodyAbortedError) return 'aborted';
    throw e;
  }
  if (body === null) return 'too-large';
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  const fields = new Map<string, string>(ctx.query.entries());
  const out: AssetForm = { isMultipart: type.startsWith('multipart/form-data'), broken: false, fields, file: null, bodySize: body.length };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    // ParseForm consumes the body: the handler then reads an empty stream as the file.
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) if (!fields.has(k)) fields.set(k, v);
    out.bodySize = 0;
  } else if (out.isMultipart) {
    try {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': ctx.req.headers['content-type']! } }).formData();
      for (const [k, v] of form.entries()) {
        if (typeof v === 'string') {
          if (!fields.has(k)) fields.set(k, v);
        } else if (k === 'attachment' && !out.file) out.file = { name: v.name, size: v.size };
      }
    } catch {
      out.broken = true;
    }
  }
  return out;
}

/** Go's path.Base. */
function pathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** validation.IsValidURL (`modules/validation/helpers.go`): an absolute http(s) URL with a valid port. */
function isValidReleaseAssetUrl(raw: string): boolean {
  // Go's url.ParseRequestURI refuses control characters and spaces.
  if (!/^https?:\/\//i.test(raw) || /\s/.test(raw) || [...raw].some((ch) => ch.charCodeAt(0) < 0x20)) return false;
  try {
    const u = new URL(raw);
    return u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * CreateReleaseAttachment. With external assets (F ≥ v9): `attachment` file part xor an
 * `external_url` field, and for any body that is not multipart the body itself counts as the
 * file. Without (G, F ≤ v8): a multipart request must carry the file part, else FormFile fails
 * and the answer is 500.
 */
async function createAsset(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const r = releaseOf(g, c, ctx);
  if (!r) return apiNotFound(ctx);
  const form = await readAssetForm(ctx);
  if (form === 'aborted') return;
  if (form === 'too-large') return apiError(ctx, 413, 'request body is too large');
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  let name = form.fields.get('name') ?? '';
  const row = (over: Partial<AttachmentRow>): AttachmentRow => ({
    id: g.store.allocAttachment(), uuid: randomUUID(), releaseId: r.id, name, size: 0, externalUrl: '', uploaderId: principalUserId(c.principal), createdAt: nowIsoMs(), ...over,
  });
  if (g.cfg.features.externalAssets) {
    const externalUrl = form.fields.get('external_url') ?? '';
    const hasFile = form.isMultipart ? form.file !== null : true;
    if (hasFile && externalUrl) return apiError(ctx, 400, "'attachment' and 'external_url' are mutually exclusive");
    if (hasFile) {
      if (form.isMultipart && !name) name = form.file!.name;
      if (!name) return apiError(ctx, 400, "Missing 'name' parameter");
      const a = row({ size: form.isMultipart ? form.file!.size : form.bodySize });
      await g.commit({ op: 'attachment.put', row: a });
      return sendJson(ctx, 201, attachmentJson(g, ctx, c.repo, r, a));
    }
    if (!externalUrl) return apiError(ctx, 400, "One of 'attachment' or 'external_url' is required");
    if (!name) {
      // path.Base(url.Path), or url.Host when the path is empty ("https://host" has Path "").
      const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/.exec(externalUrl);
      const base = pathBase(decodeSegment(m?.[2] ?? externalUrl) ?? m?.[2] ?? externalUrl);
      name = base === '.' ? (m?.[1] ?? '') : base;
    }
    if (!isValidReleaseAssetUrl(externalUrl)) return apiError(ctx, 400, `invalid external URL: '${externalUrl}'`);
    const a = row({ externalUrl });
    await g.commit({ op: 'attachment.put', row: a });
    return sendJson(ctx, 201, attachmentJson(g, ctx, c.repo, r, a));
  }
  let size = form.bodySize;
  if (type.startsWith('multipart/form-data')) {
    if (form.broken || !form.file) return internal(ctx);
    name = form.fields.get('name') || form.file.name;
    size = form.file.size;
  } else if (type.startsWith('application/octet-stream')) {
    name = ctx.query.get('name') ?? '';
  }
  if (!name) return apiError(ctx, 400, 'Could not determine name of attachment.');
  const a = row({ size });
  await g.commit({ op: 'attachment.put', row: a });
  return sendJson(ctx, 201, attachmentJson(g, ctx, c.repo, r, a));
}

/** EditReleaseAttachment: 201 (sic); F ≥9 edits an external asset's URL with `browser_download_url`. */
async function editAsset(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const f = await bind(ctx);
  if (!f) return;
  const r = releaseOf(g, c, ctx);
  if (!r) return apiNotFound(ctx);
  const current = assetOf(g, ctx, r);
  if (!current) return apiNotFound(ctx);
  const next: AttachmentRow = { ...current };
  if (str(f, 'name')) next.name = str(f, 'name');
  const url = str(f, 'browser_download_url');
  if (g.cfg.features.externalAssets && url) {
    if (!current.externalUrl) return apiError(ctx, 400, 'existing attachment is not external');
    next.externalUrl = url;
    if (!isValidReleaseAssetUrl(url)) return apiError(ctx, 400, `invalid external URL: '${url}'`);
  }
  await g.commit({ op: 'attachment.put', row: next });
  return sendJson(ctx, 201, attachmentJson(g, ctx, c.repo, r, next));
}

async function deleteAsset(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const c = await caller(g, ctx, true);
  if (!c) return;
  const r = releaseOf(g, c, ctx);
  const a = r && assetOf(g, ctx, r);
  if (!r || !a) return apiNotFound(ctx);
  await g.commit({ op: 'attachment.delete', id: a.id });
  return sendEmpty(ctx, 204);
}
