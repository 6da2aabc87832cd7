// Generic package upload/download and the Packages API (GitLab `lib/api/generic_packages.rb`,
// `lib/api/project_packages.rb`, `lib/api/package_files.rb`; docs/gitlab-behaviour.md has the
// summary and the numbered cases cited below).
import type { OutgoingHttpHeaders } from 'node:http';
import type { StagedBlob } from '../blobs.js';
import { BodyAbortedError, bodyChunks, dropAfterCommit } from '../request-body.js';
import { sendEmpty, sendJson, sendText } from '../reply.js';
import type { RequestContext, Router } from '../router.js';
import { sendBlob } from '../send-blob.js';
import { gitlabAttachmentDisposition } from './disposition.js';
import { findProject, missingScope, projectAccess, creatorId, type Principal, type AuthRules } from './auth.js';
import type { GitlabProject } from './config.js';
import { nowIso, type GitlabContext } from './context.js';
import { badRequest, forbidden, insufficientScope, notFound, paramError, unauthorized } from './errors.js';
import { versionAllowedBy, versionAtLeast } from './version.js';
import { paginate, pageParams } from './pagination.js';
import { decodeSegment, encodeUriComponentGitlab, FILE_NAME, isAbsolutePath, isTraversal, PACKAGE_NAME, PACKAGE_VERSION } from './regex.js';
import { DISPLAYABLE, INSTALLABLE, LISTED_BY_DEFAULT, PACKAGE_STATUSES, type FileRow, type PackageRow, type PackageStatus } from './store.js';

const API = '/api/v4/projects/:id';

export function registerPackageRoutes(router: Router, g: GitlabContext): void {
  router.add({ id: 'gitlab.upload', method: 'PUT', pattern: `${API}/packages/generic/:name/*rest`, handler: (c) => upload(g, c) });
  router.add({ id: 'gitlab.download', method: 'GET', pattern: `${API}/packages/generic/:name/*rest`, handler: (c) => download(g, c) });
  router.add({ id: 'gitlab.packages.list', method: 'GET', pattern: `${API}/packages`, handler: (c) => listPackages(g, c) });
  router.add({ id: 'gitlab.packages.get', method: 'GET', pattern: `${API}/packages/:package_id`, handler: (c) => getPackage(g, c) });
  router.add({ id: 'gitlab.packages.delete', method: 'DELETE', pattern: `${API}/packages/:package_id`, handler: (c) => deletePackage(g, c) });
  router.add({ id: 'gitlab.package_files.list', method: 'GET', pattern: `${API}/packages/:package_id/package_files`, handler: (c) => listFiles(g, c) });
  router.add({ id: 'gitlab.package_files.delete', method: 'DELETE', pattern: `${API}/packages/:package_id/package_files/:file_id`, handler: (c) => deleteFile(g, c) });
  router.add({ id: 'gitlab.package_files.download', method: 'GET', pattern: `${API}/packages/:package_id/package_files/:file_id/download`, handler: (c) => downloadById(g, c) });
}

const GENERIC_PUT: AuthRules = { jobToken: true, deployToken: true, basic: true, jobBasic: false };
const GENERIC_GET: AuthRules = { jobToken: true, deployToken: true, basic: true, jobBasic: true };
// The Packages API (`lib/api/project_packages.rb`, `lib/api/package_files.rb`) sets
// `route_setting :authentication, job_token_allowed: true` only: a DEPLOY-TOKEN header or HTTP Basic
// is not looked at (`deploy_token_from_request` and Basic need `deploy_token_allowed` /
// `basic_auth_personal_access_token`, set only in `lib/api/generic_packages.rb`), so the caller is
// anonymous: 404 Project Not Found on a private project, a read or 403 on a public one.
const PACKAGES_API: AuthRules = { jobToken: true, deployToken: false, basic: false, jobBasic: false };

interface GenericPath {
  name: string;
  version: string;
  /** Stored file name: raw at the root, encoded with the sub-path otherwise (`encoded_file_name`). */
  storedName: string;
}

/**
 * Splits `:package_name/*package_version/(*path/):file_name` (the route of `lib/api/generic_packages.rb`):
 * the version is the first segment after the name, the last is the file name, anything between
 * is the sub-path. Validates in Grape's declaration order and joins every error like Grape does.
 */
function parseGenericPath(ctx: RequestContext, gitlabVersion: string): GenericPath | { error: string } | 'no-route' {
  const rest = ctx.rest;
  if (rest.length < 2 || rest[rest.length - 1] === '') return 'no-route';
  const errors: string[] = [];
  const name = decodeSegment(ctx.params.name!);
  const version = decodeSegment(rest[0]!);
  const pathSegs = rest.slice(1, -1).map(decodeSegment);
  const fileName = decodeSegment(rest[rest.length - 1]!);
  if (name === null || !PACKAGE_NAME.test(name)) errors.push('package_name is invalid');
  else if (isTraversal(name)) errors.push('package_name should be a valid file path');
  if (version === null || !PACKAGE_VERSION.test(version) || !versionAllowedBy(gitlabVersion, version)) errors.push('package_version is invalid');
  else if (isTraversal(version)) errors.push('package_version should be a valid file path');
  let path: string | null = null;
  if (pathSegs.length) {
    if (pathSegs.some((s) => s === null || s === '')) errors.push('path should be a valid file path');
    else {
      path = pathSegs.join('/');
      if (isTraversal(path) || isAbsolutePath(path)) errors.push('path should be a valid file path');
    }
  }
  // %2F in the last segment decodes to `/`, which the file-name regex rejects (case 4).
  if (fileName === null || !FILE_NAME.test(fileName)) errors.push('file_name is invalid');
  else if (isTraversal(fileName)) errors.push('file_name should be a valid file path');
  if (errors.length) return { error: errors.join(', ') };
  return { name: name!, version: version!, storedName: path ? encodeUriComponentGitlab(`${path}/${fileName}`) : fileName! };
}

/**
 * Looks up `:id` and checks visibility; answers 404 itself and returns null on failure. The generic
 * routes find the project through `authorized_project_find!` (`lib/api/helpers/packages/basic_auth_helpers.rb`),
 * whose bare `not_found!` says `404 Not Found`; the Packages API's `user_project` says `404 Project Not Found`.
 */
async function projectFor(g: GitlabContext, ctx: RequestContext, p: Principal, generic = false): Promise<GitlabProject | null> {
  const project = findProject(g.cfg, ctx.params.id!);
  if (!project || !projectAccess(p, project).visible) {
    await notFound(ctx, generic ? '' : 'Project');
    return null;
  }
  return project;
}

// ---------------------------------------------------------------- upload

async function upload(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const a = g.auth.authenticate(ctx, GENERIC_PUT);
  if (!a.ok || a.principal.kind === 'anonymous') return unauthorized(ctx, { realm: true });
  const principal = a.principal;
  const parsed = parseGenericPath(ctx, g.cfg.version);
  if (parsed === 'no-route') return routeNotFound(ctx);
  const errors: string[] = 'error' in parsed ? [parsed.error] : [];
  const status = ctx.query.get('status');
  if (status !== null && status !== 'default' && status !== 'hidden') errors.push('status does not have a valid value');
  const select = ctx.query.get('select');
  if (select !== null && select !== 'package_file') errors.push('select does not have a valid value');
  if (errors.length) return paramError(ctx, errors.join(', '));
  const { name, version, storedName } = parsed as GenericPath;

  const project = await projectFor(g, ctx, principal, true);
  if (!project) return;
  const scope = missingScope(principal, true);
  if (scope) return insufficientScope(ctx, scope);
  if (!projectAccess(principal, project).writePackages) return forbidden(ctx);

  // The body is read whole before size and duplicates are checked: Workhorse stores it first and
  // Rails decides afterwards (`max_file_size_exceeded?` in `lib/api/generic_packages.rb`,
  // `app/services/packages/generic/create_package_file_service.rb`).
  let staged: StagedBlob;
  try {
    staged = await g.env.blobs.stage(bodyChunks(ctx), { hashes: ['sha256'], maxBytes: project.maxFileSize });
  } catch (e) {
    if (e instanceof BodyAbortedError) {
      if (!ctx.hijacked) ctx.req.socket.destroy();
      return;
    }
    throw e;
  }
  if (staged.tooLarge) {
    await g.env.blobs.discard(staged);
    return badRequest(ctx, 'File is too large');
  }

  const dupKey = `${project.id}\0${name}\0${version}\0${storedName}`;
  const existing = g.store.findForUpload(project.id, name, version);
  if (!duplicateAllowed(project, name, version)) {
    const taken = g.pendingFiles.has(dupKey) || (existing && g.store.packageFiles(existing.id).some((f) => f.fileName === storedName));
    if (taken) {
      await g.env.blobs.discard(staged);
      return badRequest(ctx, 'Duplicate package is not allowed');
    }
  }
  g.pendingFiles.add(dupKey);
  let fileRow: FileRow;
  let pkg: PackageRow;
  try {
    const blob = await g.env.blobs.commit(staged);
    const now = nowIso();
    // Re-resolve after the await: a concurrent first upload may have created the package meanwhile.
    const found = g.store.findForUpload(project.id, name, version);
    const writes: Promise<void>[] = [];
    if (found) {
      pkg = found;
      if (status && pkg.status !== status) writes.push(g.applyThenCommit({ op: 'package.update', id: pkg.id, status: status as PackageStatus, updatedAt: now }));
    } else {
      pkg = {
        id: g.store.allocPackageId(), projectId: project.id, name, version,
        status: (status as PackageStatus | null) ?? 'default',
        createdAt: now, updatedAt: now, lastDownloadedAt: null, creatorId: creatorId(principal),
      };
      writes.push(g.applyThenCommit({ op: 'package.create', row: pkg }));
      pkg = g.store.packages.get(pkg.id)!;
    }
    fileRow = {
      id: g.store.allocFileId(), packageId: pkg.id, fileName: storedName, size: staged.size,
      sha256: staged.digests.sha256!, blob, createdAt: now, status: 'default',
    };
    writes.push(g.commit({ op: 'file.create', row: fileRow }));
    await Promise.all(writes);
  } finally {
    g.pendingFiles.delete(dupKey);
  }
  if (dropAfterCommit(ctx)) return;
  if (select === 'package_file') return sendJson(ctx, 200, packageFileRecord(fileRow, project));
  return sendJson(ctx, 201, { message: '201 Created' });
}

/**
 * generic_duplicates_allowed × generic_duplicate_exception_regex, as the newest
 * `spec/requests/api/generic_packages_spec.rb` expects (`app/models/namespace/package_setting.rb`).
 */
function duplicateAllowed(project: GitlabProject, name: string, version: string): boolean {
  const re = project.duplicateExceptionRegex;
  const matches = re !== '' && (new RegExp(re).test(name) || new RegExp(re).test(version));
  return project.duplicatesAllowed ? !matches : matches;
}

/** The raw Packages::PackageFile record `select=package_file` returns (`present package_file`). */
function packageFileRecord(f: FileRow, project: GitlabProject): Record<string, unknown> {
  return {
    id: f.id,
    package_id: f.packageId,
    created_at: f.createdAt,
    updated_at: f.createdAt,
    size: f.size,
    file_store: 1,
    file_md5: null,
    file_sha1: null,
    file_name: f.fileName,
    file: { url: `/${f.blob}` },
    file_sha256: f.sha256,
    verification_retry_at: null,
    verified_at: null,
    verification_failure: null,
    verification_retry_count: null,
    verification_checksum: null,
    verification_state: 0,
    verification_started_at: null,
    new_file_path: null,
    status: 'default',
    file_final_path: null,
    project_id: project.id,
  };
}

// ---------------------------------------------------------------- download

async function download(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const parsed = parseGenericPath(ctx, g.cfg.version);
  if (parsed === 'no-route') return routeNotFound(ctx);
  let a = g.auth.authenticate(ctx, GENERIC_GET);
  if (!a.ok) {
    // Invalid Basic on a public project is anonymous (case 13); invalid headers are 401.
    const project = findProject(g.cfg, ctx.params.id!);
    if (a.viaBasic && project?.visibility === 'public') a = { ok: true, principal: { kind: 'anonymous' } };
    else return unauthorized(ctx, { realm: true });
  }
  const principal = a.principal;
  if ('error' in parsed) return paramError(ctx, parsed.error);
  const project = findProject(g.cfg, ctx.params.id!);
  if (principal.kind === 'anonymous' && (!project || !projectAccess(principal, project).visible)) {
    return unauthorized(ctx, { realm: true });
  }
  if (!project || !projectAccess(principal, project).visible) return notFound(ctx, '');
  const scope = missingScope(principal, false);
  if (scope) return insufficientScope(ctx, scope);
  if (!projectAccess(principal, project).readPackages) return forbidden(ctx);

  const pkg = g.store.findGeneric(project.id, parsed.name, parsed.version);
  // PackageFileFinder: installable files with this name, `.last!` = highest id
  // (`app/finders/packages/package_file_finder.rb`).
  const file = pkg && g.store.packageFiles(pkg.id).filter((f) => f.fileName === parsed.storedName).pop();
  if (!pkg || !file) return notFound(ctx);
  touchDownload(g, pkg);
  const disposition = gitlabAttachmentDisposition(file.fileName);
  if (g.env.objectStorage) return redirectToStorage(g, ctx, file, disposition);
  return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, {
    'content-type': 'application/octet-stream',
    'content-disposition': disposition,
    'content-transfer-encoding': 'binary',
    // Newest servers only (MR !210599); never on a redirect.
    'x-checksum-sha256': file.sha256,
  }, { notFound: () => notFound(ctx) });
}

/** Direct download from object storage: 302 to a presigned URL, no checksum header (cases 9, 10). */
function redirectToStorage(g: GitlabContext, ctx: RequestContext, file: FileRow, disposition?: string): Promise<void> {
  const location = g.env.objectStorage!.presign(file.blob, {
    size: file.size,
    lastModified: new Date(file.createdAt),
    contentType: 'application/octet-stream',
    clientOrigin: ctx.origin,
    ...(disposition ? { contentDisposition: disposition } : {}),
  });
  // Grape's `redirect` (grape `lib/grape/dsl/inside_route.rb`): 302, text/plain, and its sentence,
  // which GitLab's `format :json` (`lib/api/api.rb`) serialises as a JSON string.
  return sendText(ctx, 302, JSON.stringify(`This resource has been moved temporarily to ${location}.`), { location, 'cache-control': 'no-cache', 'content-type': 'text/plain' });
}

function touchDownload(g: GitlabContext, pkg: PackageRow): void {
  // last_downloaded_at (SPEC): visible at once, journaled lazily (coalesced, no fsync of its own)
  // so a burst of downloads never queues behind metadata fsyncs.
  g.touchDownloaded(pkg.id, nowIso());
}

/** GET …/packages/:package_id/package_files/:package_file_id/download (18.4, `lib/api/package_files.rb`). */
async function downloadById(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const r = await packagesApiAccess(g, ctx, 'read');
  if (!r) return;
  const pkg = numericLookup(ctx.params.package_id!, (id) => g.store.packages.get(id));
  if (!pkg || pkg.projectId !== r.project.id || !INSTALLABLE.includes(pkg.status)) return notFound(ctx, 'Package');
  const file = numericLookup(ctx.params.file_id!, (id) => g.store.files.get(id));
  if (!file || file.packageId !== pkg.id || file.status !== 'default') return notFound(ctx, 'Package file');
  touchDownload(g, pkg);
  if (g.env.objectStorage) return redirectToStorage(g, ctx, file);
  return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, {
    'content-type': 'application/octet-stream',
    'content-transfer-encoding': 'binary',
  }, { notFound: () => notFound(ctx) });
}

// ---------------------------------------------------------------- Packages API

async function packagesApiAccess(g: GitlabContext, ctx: RequestContext, need: 'read' | 'destroy'): Promise<{ project: GitlabProject; principal: Principal } | null> {
  const a = g.auth.authenticate(ctx, PACKAGES_API);
  if (!a.ok) {
    await unauthorized(ctx);
    return null;
  }
  // 18.0 and later answer a job token whose user cannot see the project with 403, not 404
  // (`spec/requests/api/project_packages_spec.rb`, `spec/requests/api/package_files_spec.rb`).
  const target = findProject(g.cfg, ctx.params.id!);
  if (target && a.principal.kind === 'job' && !projectAccess(a.principal, target).visible && versionAtLeast(g.cfg.version, 18)) {
    await forbidden(ctx);
    return null;
  }
  const project = await projectFor(g, ctx, a.principal);
  if (!project) return null;
  const scope = missingScope(a.principal, need === 'destroy');
  if (scope) {
    await insufficientScope(ctx, scope);
    return null;
  }
  const acc = projectAccess(a.principal, project);
  if (need === 'read' ? !acc.readPackages : !acc.destroyPackages) {
    await forbidden(ctx);
    return null;
  }
  return { project, principal: a.principal };
}

const PACKAGE_TYPES = ['maven', 'npm', 'conan', 'nuget', 'pypi', 'composer', 'generic', 'golang', 'debian', 'rubygems', 'helm', 'terraform_module', 'rpm', 'ml_model', 'cargo'];

async function listPackages(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const r = await packagesApiAccess(g, ctx, 'read');
  if (!r) return;
  const q = ctx.query;
  const errors: string[] = [];
  const page = pageParams(q);
  if ('error' in page) errors.push(page.error);
  const orderBy = q.get('order_by') ?? 'created_at';
  if (!['created_at', 'name', 'version', 'type'].includes(orderBy)) errors.push('order_by does not have a valid value');
  const sort = q.get('sort') ?? 'asc';
  if (!['asc', 'desc'].includes(sort)) errors.push('sort does not have a valid value');
  const type = q.get('package_type');
  if (type !== null && !PACKAGE_TYPES.includes(type)) errors.push('package_type does not have a valid value');
  const status = q.get('status');
  if (status !== null && !(PACKAGE_STATUSES as readonly string[]).includes(status)) errors.push('status does not have a valid value');
  if (errors.length || 'error' in page) return paramError(ctx, errors.join(', '));

  const nameQ = q.get('package_name')?.toLowerCase();
  const versionQ = q.get('package_version');
  let rows = g.store.projectPackages(r.project.id).filter((p) => {
    if (status !== null ? p.status !== status : !LISTED_BY_DEFAULT.includes(p.status)) return false;
    if (type !== null && type !== 'generic') return false;
    if (nameQ && !p.name.toLowerCase().includes(nameQ)) return false; // fuzzy, case-insensitive
    if (versionQ !== null && versionQ !== undefined && p.version !== versionQ) return false;
    return true;
  });
  const key: (p: PackageRow) => string = orderBy === 'name' ? (p) => p.name : orderBy === 'version' ? (p) => p.version : orderBy === 'type' ? () => 'generic' : (p) => p.createdAt;
  rows = rows.sort((a, b) => cmp(key(a), key(b)) || a.id - b.id);
  if (sort === 'desc') rows.reverse();
  const out = paginate(ctx, rows, page, g.cfg.externalUrl);
  const canDelete = projectAccess(r.principal, r.project).destroyPackages;
  return sendJson(ctx, 200, out.items.map((p) => packageEntity(ctx, r.project, p, canDelete)), out.headers);
}

async function getPackage(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const r = await packagesApiAccess(g, ctx, 'read');
  if (!r) return;
  // Single GET shows default/deprecated only (`lib/api/project_packages.rb`).
  const pkg = displayablePackage(g, ctx, r.project);
  if (!pkg || (pkg.status !== 'default' && pkg.status !== 'deprecated')) return notFound(ctx, 'Package');
  const canDelete = projectAccess(r.principal, r.project).destroyPackages;
  const versions = g.store
    .projectPackages(r.project.id)
    .filter((p) => p.name === pkg.name && p.id !== pkg.id && DISPLAYABLE.includes(p.status))
    .sort((a, b) => a.id - b.id)
    .map((p) => ({ id: p.id, version: p.version, created_at: p.createdAt, tags: [] }));
  return sendJson(ctx, 200, { ...packageEntity(ctx, r.project, pkg, canDelete), versions });
}

async function deletePackage(g: GitlabContext, ctx: RequestContext): Promise<void> {
  // authorize_destroy_package! runs before the package is looked up: 403 wins over 404.
  const r = await packagesApiAccess(g, ctx, 'destroy');
  if (!r) return;
  const pkg = displayablePackage(g, ctx, r.project);
  if (!pkg) return notFound(ctx, 'Package');
  // destroy_conditionally!: If-Unmodified-Since older than the package's last change → 412.
  const ius = ctx.req.headers['if-unmodified-since'];
  if (ius && !Number.isNaN(Date.parse(ius)) && Date.parse(pkg.updatedAt) > Date.parse(ius) + 999) {
    return sendJson(ctx, 412, { message: '412 Precondition Failed' });
  }
  await g.commit({ op: 'package.update', id: pkg.id, status: 'pending_destruction', updatedAt: nowIso() });
  // "Removed asynchronously": the row stays pending_destruction, the bytes go now.
  for (const f of g.store.packageFiles(pkg.id)) void g.env.blobs.remove(f.blob);
  return sendEmpty(ctx, 204);
}

async function listFiles(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const r = await packagesApiAccess(g, ctx, 'read');
  if (!r) return;
  const q = ctx.query;
  const errors: string[] = [];
  const page = pageParams(q);
  if ('error' in page) errors.push(page.error);
  const orderBy = q.get('order_by') ?? 'id';
  if (!['id', 'created_at', 'file_name'].includes(orderBy)) errors.push('order_by does not have a valid value');
  const sort = q.get('sort') ?? 'asc';
  if (!['asc', 'desc'].includes(sort)) errors.push('sort does not have a valid value');
  if (errors.length || 'error' in page) return paramError(ctx, errors.join(', '));
  const pkg = displayablePackage(g, ctx, r.project);
  if (!pkg) return notFound(ctx, 'Package');
  const key: (f: FileRow) => string | number = orderBy === 'file_name' ? (f) => f.fileName : orderBy === 'created_at' ? (f) => f.createdAt : (f) => f.id;
  const files = [...g.store.packageFiles(pkg.id)].sort((a, b) => cmp(key(a), key(b)) || a.id - b.id);
  if (sort === 'desc') files.reverse();
  const out = paginate(ctx, files, page, g.cfg.externalUrl);
  return sendJson(ctx, 200, out.items.map(packageFileEntity), out.headers);
}

async function deleteFile(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const r = await packagesApiAccess(g, ctx, 'destroy');
  if (!r) return;
  const pkg = displayablePackage(g, ctx, r.project);
  if (!pkg) return notFound(ctx, 'Package');
  const file = numericLookup(ctx.params.file_id!, (id) => g.store.files.get(id));
  if (!file || file.packageId !== pkg.id || file.status !== 'default') return notFound(ctx, 'Package file');
  await g.commit({ op: 'file.update', id: file.id, status: 'pending_destruction' });
  void g.env.blobs.remove(file.blob);
  return sendEmpty(ctx, 204);
}

function displayablePackage(g: GitlabContext, ctx: RequestContext, project: GitlabProject): PackageRow | undefined {
  const pkg = numericLookup(ctx.params.package_id!, (id) => g.store.packages.get(id));
  if (!pkg || pkg.projectId !== project.id || !DISPLAYABLE.includes(pkg.status)) return undefined;
  return pkg;
}

function numericLookup<T>(raw: string, get: (id: number) => T | undefined): T | undefined {
  return /^\d+$/.test(raw) ? get(Number(raw)) : undefined;
}

/** API::Entities::Package, newest (`lib/api/entities/package.rb`). */
function packageEntity(ctx: RequestContext, project: GitlabProject, p: PackageRow, canDelete: boolean): Record<string, unknown> {
  const links: Record<string, string> = {};
  if (p.status === 'default' || p.status === 'deprecated') links.web_path = `/${project.path}/-/packages/${p.id}`;
  if (canDelete) links.delete_api_path = `${ctx.origin}/api/v4/projects/${project.id}/packages/${p.id}`;
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    package_type: 'generic',
    status: p.status,
    _links: links,
    created_at: p.createdAt,
    last_downloaded_at: p.lastDownloadedAt,
    creator_id: p.creatorId,
    tags: [],
  };
}

/** API::Entities::PackageFile (`lib/api/entities/package_file.rb`): file_name in stored (encoded) form, md5/sha1 null for generic. */
function packageFileEntity(f: FileRow): Record<string, unknown> {
  return {
    id: f.id,
    package_id: f.packageId,
    created_at: f.createdAt,
    file_name: f.fileName,
    size: f.size,
    file_md5: null,
    file_sha1: null,
    file_sha256: f.sha256,
  };
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Grape's catch-all for paths no route matches (case 20). */
export function routeNotFound(ctx: RequestContext, headers: OutgoingHttpHeaders = {}): Promise<void> {
  return sendJson(ctx, 404, { error: '404 Not Found' }, headers);
}
