// Generic package upload, download, HEAD and delete (Gitea `routers/api/packages/generic/generic.go`,
// `routers/api/packages/api.go`; docs/gitea-behaviour.md, cases 1–11 and 17, cited below).
import type { OutgoingHttpHeaders } from 'node:http';
import type { StagedBlob } from '../blobs.js';
import { BodyAbortedError, bodyChunks, dropAfterCommit } from '../request-body.js';
import { sendEmpty } from '../reply.js';
import type { RequestContext, Router } from '../router.js';
import { attachmentDisposition, sendBlob } from '../send-blob.js';
import { Access, hasScope, publicOnlyRefused, principalUserId, publicOnly, type Owner, type Principal } from './auth.js';
import { decodeSegment, nowIsoMs, type GiteaContext } from './context.js';
import { packageUnauthorized, plain } from './errors.js';
import { boundaryOf, firstFilePart, isFormContentType, MultipartError } from './multipart.js';
import { validFileName, validPackageName, validVersion } from './names.js';
import type { FileRow, PackageRow, VersionRow } from './store.js';

const BASE = '/api/packages/:owner/generic/:name/:version';

export function registerPackageRoutes(router: Router, g: GiteaContext): void {
  // HEAD first: GET routes also answer HEAD, and HEAD differs by server and version (case 9).
  router.add({ id: 'gitea.head', method: 'HEAD', pattern: `${BASE}/:filename`, handler: (c) => head(g, c) });
  router.add({ id: 'gitea.download', method: 'GET', pattern: `${BASE}/:filename`, handler: (c) => download(g, c) });
  router.add({ id: 'gitea.upload', method: 'PUT', pattern: `${BASE}/:filename`, handler: (c) => upload(g, c) });
  router.add({ id: 'gitea.delete', method: 'DELETE', pattern: `${BASE}/:filename`, handler: (c) => deleteFile(g, c) });
  router.add({ id: 'gitea.version.delete', method: 'DELETE', pattern: BASE, handler: (c) => deleteVersion(g, c) });
  // Other methods on these paths: chi's 405 with an empty body (not the framework's JSON one).
  const notAllowed = (c: RequestContext) => sendEmpty(c, 405);
  router.add({ id: 'gitea.method-not-allowed', method: ['POST', 'PATCH', 'OPTIONS'], pattern: `${BASE}/:filename`, handler: notAllowed });
  router.add({ id: 'gitea.method-not-allowed', method: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'OPTIONS'], pattern: BASE, handler: notAllowed });
}

interface PackageRequest {
  principal: Principal;
  owner: Owner;
}

/**
 * The package API's middleware chain: verifyAuth (bad credentials → 401), owner lookup (404),
 * reqPackageAccess (PAT scope, public-only, access mode → 401 with the Basic challenge).
 */
async function packageRequest(g: GiteaContext, ctx: RequestContext, need: Access.Read | Access.Write): Promise<PackageRequest | null> {
  const a = g.auth.authenticate(ctx);
  if (!a.ok) {
    await packageUnauthorized(ctx, 'Failed to authenticate user');
    return null;
  }
  const ownerName = decodeSegment(ctx.params.owner);
  const owner = ownerName === null ? undefined : g.auth.owner(ownerName);
  if (!owner) {
    await plain(ctx, 404, 'user does not exist');
    return null;
  }
  const p = a.principal;
  if (!hasScope(p, 'package', need === Access.Write)) {
    await packageUnauthorized(ctx);
    return null;
  }
  if (publicOnly(p) && publicOnlyRefused(owner, g.cfg.features)) {
    await plain(ctx, 403, 'token scope is limited to public packages');
    return null;
  }
  if (g.auth.packageAccess(p, owner) < need) {
    await packageUnauthorized(ctx);
    return null;
  }
  return { principal: p, owner };
}

interface FileParams {
  name: string;
  version: string;
  filename: string;
}

/** sanitizeParameters: name, then filename, then version; each 400 plain text (case 3). */
async function fileParams(g: GiteaContext, ctx: RequestContext): Promise<FileParams | null> {
  const f = g.cfg.features;
  const name = decodeSegment(ctx.params.name);
  if (name === null || !validPackageName(name, f)) {
    await plain(ctx, 400, 'invalid package name');
    return null;
  }
  const filename = decodeSegment(ctx.params.filename);
  if (filename === null || !validFileName(filename, f)) {
    await plain(ctx, 400, 'invalid filename');
    return null;
  }
  const version = decodeSegment(ctx.params.version);
  if (version === null || !validVersion(version)) {
    await plain(ctx, 400, 'invalid package version');
    return null;
  }
  return { name, version, filename };
}

/**
 * Only UploadPackage calls sanitizeParameters: DownloadPackageFile, DeletePackageFile and
 * DeletePackage (Gitea `routers/api/packages/generic/generic.go`) look the path parameters up as
 * they are, so a name, file name or version the upload rules refuse is simply not found (404).
 */
async function lookupParams(ctx: RequestContext): Promise<FileParams | null> {
  const name = decodeSegment(ctx.params.name);
  const version = decodeSegment(ctx.params.version);
  const filename = decodeSegment(ctx.params.filename);
  if (name === null || version === null || filename === null) {
    await notFound(ctx, 'no-version');
    return null;
  }
  return { name, version, filename };
}

function lookup(g: GiteaContext, owner: Owner, p: { name: string; version: string; filename?: string }): { pkg: PackageRow; version: VersionRow; file?: FileRow } | 'no-version' | 'no-file' {
  const pkg = g.store.findPackage(owner.name, p.name);
  const version = pkg && g.store.findVersion(pkg.id, p.version);
  if (!pkg || !version) return 'no-version';
  if (p.filename === undefined) return { pkg, version };
  const file = g.store.findFile(version.id, p.filename);
  return file ? { pkg, version, file } : 'no-file';
}

async function notFound(ctx: RequestContext, what: 'no-version' | 'no-file'): Promise<void> {
  return plain(ctx, 404, what === 'no-version' ? 'package does not exist' : 'package file does not exist');
}

// ---------------------------------------------------------------- upload

async function upload(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await packageRequest(g, ctx, Access.Write);
  if (!r) return;
  const f = g.cfg.features;
  const admin = r.principal.kind === 'user' && r.principal.user.admin;
  // Forgejo's enforcePackagesQuota() runs before the body is read (Forgejo `routers/api/packages/api.go`).
  if (g.cfg.quota >= 0 && !admin && g.store.ownerBytes(r.owner.name) >= g.cfg.quota) return plain(ctx, 413, 'quota exceeded');
  const params = await fileParams(g, ctx);
  if (!params) return;

  let body: AsyncIterable<Buffer> = bodyChunks(ctx);
  const multipartFailed = (e: MultipartError) =>
    f.multipartErrorStatus === 500 ? plain(ctx, 500, 'internal server error') : plain(ctx, 400, e.message);
  if (isFormContentType(ctx.req.headers['content-type'])) {
    try {
      body = firstFilePart(body, boundaryOf(ctx.req.headers['content-type']!));
    } catch (e) {
      if (e instanceof MultipartError) return multipartFailed(e);
      throw e;
    }
  }
  const limit = admin ? -1 : g.cfg.limitSizeGeneric;
  let staged: StagedBlob;
  try {
    staged = await g.env.blobs.stage(body, { hashes: ['md5', 'sha1', 'sha256', 'sha512'], ...(limit > 0 ? { maxBytes: limit } : {}) });
  } catch (e) {
    if (e instanceof MultipartError) return multipartFailed(e);
    if (e instanceof BodyAbortedError) {
      if (!ctx.hijacked) ctx.req.socket.destroy();
      return;
    }
    throw e;
  }
  // Quotas are checked after the body was hashed (CreatePackageOrAddFileToExisting); admins are exempt.
  if (staged.tooLarge || (limit >= 0 && staged.size > limit)) {
    await g.env.blobs.discard(staged);
    return plain(ctx, 403, 'maximum allowed package type size exceeded');
  }
  if (!admin && g.cfg.limitTotalOwnerSize >= 0 && g.store.ownerBytes(r.owner.name) + staged.size > g.cfg.limitTotalOwnerSize) {
    await g.env.blobs.discard(staged);
    return plain(ctx, 403, 'maximum allowed package storage quota exceeded');
  }

  const creatorId = principalUserId(r.principal);
  const outcome = await g.lock(`${r.owner.name.toLowerCase()}\0${params.name.toLowerCase()}`, async () => {
    const existing = g.store.findPackage(r.owner.name, params.name);
    const version = existing && g.store.findVersion(existing.id, params.version);
    // Same file name (case-insensitive) in the version: no overwrite (case 2).
    if (version && g.store.findFile(version.id, params.filename)) return 'conflict' as const;
    const blob = await g.env.blobs.commit(staged);
    const now = nowIsoMs();
    let pkg = existing;
    if (!pkg) {
      pkg = { id: g.store.alloc('package'), owner: r.owner.name.toLowerCase(), type: 'generic', name: params.name, createdAt: now };
      await g.commit({ op: 'package.create', row: pkg });
    }
    let ver = version;
    if (!ver) {
      ver = { id: g.store.alloc('version'), packageId: pkg.id, version: params.version, creatorId, createdAt: now };
      await g.commit({ op: 'version.create', row: ver });
    }
    const d = staged.digests;
    await g.commit({
      op: 'file.create',
      row: { id: g.store.alloc('file'), versionId: ver.id, name: params.filename, size: staged.size, md5: d.md5!, sha1: d.sha1!, sha256: d.sha256!, sha512: d.sha512!, blob, createdAt: now },
    });
    return 'created' as const;
  });
  if (outcome === 'conflict') {
    await g.env.blobs.discard(staged);
    return plain(ctx, 409, 'package file already exists');
  }
  if (dropAfterCommit(ctx)) return;
  // 201, empty body, no Location (case 1).
  return sendEmpty(ctx, 201);
}

// ---------------------------------------------------------------- download, HEAD

async function download(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await packageRequest(g, ctx, Access.Read);
  if (!r) return;
  const params = await lookupParams(ctx);
  if (!params) return;
  const found = lookup(g, r.owner, params);
  if (typeof found === 'string') return notFound(ctx, found);
  const file = found.file!;
  if (ctx.method === 'GET') g.store.downloads.set(found.version.id, (g.store.downloads.get(found.version.id) ?? 0) + 1);
  const disposition = g.cfg.features.attachment ? attachmentDisposition(file.name) : undefined;
  if (g.env.objectStorage) {
    // serve_direct: 303 to a presigned URL; the client must not forward Authorization
    // (`routers/api/packages/helper/helper.go`).
    const location = g.env.objectStorage.presign(file.blob, {
      size: file.size,
      lastModified: new Date(file.createdAt),
      contentType: 'application/octet-stream',
      ...(disposition ? { contentDisposition: disposition } : {}),
      clientOrigin: ctx.origin,
    });
    return sendEmpty(ctx, 303, { location });
  }
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, max-age=300',
  };
  if (disposition) headers['content-disposition'] = disposition;
  return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, headers, {
    notFound: () => notFound(ctx, 'no-file'),
  });
}

async function head(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const mode = g.cfg.features.head;
  // Not routed (G ≤1.24, F ≤v15.0.3): chi answers 405 with an empty body (case 9).
  if (mode === 'none') return sendEmpty(ctx, 405);
  if (mode === 'get') return download(g, ctx);
  // Forgejo's own HEAD handler: 200 with Content-Disposition and Last-Modified only, no
  // Content-Length, never a redirect (Forgejo `routers/api/packages/generic/generic.go`).
  const r = await packageRequest(g, ctx, Access.Read);
  if (!r) return;
  const params = await lookupParams(ctx);
  if (!params) return;
  const found = lookup(g, r.owner, params);
  if (typeof found === 'string') return notFound(ctx, found);
  if (ctx.hijacked || ctx.res.headersSent) return;
  const file = found.file!;
  ctx.res.writeHead(200, {
    'content-disposition': attachmentDisposition(file.name),
    'last-modified': new Date(Math.floor(new Date(file.createdAt).getTime() / 1000) * 1000).toUTCString(),
  });
  ctx.res.end();
}

// ---------------------------------------------------------------- delete

async function deleteFile(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await packageRequest(g, ctx, Access.Write);
  if (!r) return;
  const params = await lookupParams(ctx);
  if (!params) return;
  const removed = await g.lock(`${r.owner.name.toLowerCase()}\0${params.name.toLowerCase()}`, async () => {
    const found = lookup(g, r.owner, params);
    if (typeof found === 'string') return found;
    await g.commit({ op: 'file.delete', id: found.file!.id });
    // The last file takes its version with it (test `RemovesVersion` in
    // `tests/integration/api_packages_generic_test.go`, case 10).
    if (g.store.versionFiles(found.version.id).length === 0) await g.commit({ op: 'version.delete', id: found.version.id });
    return [found.file!.blob];
  });
  if (typeof removed === 'string') return notFound(ctx, removed);
  await removeBlobs(g, removed);
  return sendEmpty(ctx, 204);
}

async function deleteVersion(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const r = await packageRequest(g, ctx, Access.Write);
  if (!r) return;
  const name = decodeSegment(ctx.params.name);
  const version = decodeSegment(ctx.params.version);
  if (name === null || version === null) return plain(ctx, 404, 'package does not exist');
  const removed = await removeVersion(g, r.owner, name, version);
  if (!removed) return plain(ctx, 404, 'package does not exist');
  return sendEmpty(ctx, 204);
}

/** Deletes a version and its files; false when there is no such version. Shared with the v1 API. */
export async function removeVersion(g: GiteaContext, owner: Owner, name: string, version: string): Promise<boolean> {
  const blobs = await g.lock(`${owner.name.toLowerCase()}\0${name.toLowerCase()}`, async () => {
    const found = lookup(g, owner, { name, version });
    if (typeof found === 'string') return null;
    const keys = g.store.versionFiles(found.version.id).map((f) => f.blob);
    await g.commit({ op: 'version.delete', id: found.version.id });
    return keys;
  });
  if (!blobs) return false;
  await removeBlobs(g, blobs);
  return true;
}

/** Deletes a whole package (v1 API, G ≥1.24). */
export async function removePackage(g: GiteaContext, pkg: PackageRow): Promise<void> {
  const blobs = await g.lock(`${pkg.owner}\0${pkg.name.toLowerCase()}`, async () => {
    const keys = g.store.packageVersions(pkg.id).flatMap((v) => g.store.versionFiles(v.id).map((f) => f.blob));
    await g.commit({ op: 'package.delete', id: pkg.id });
    return keys;
  });
  await removeBlobs(g, blobs);
}

async function removeBlobs(g: GiteaContext, keys: string[]): Promise<void> {
  // Gitea purges blobs later (cleanup_packages); a blob no file points at is of no use here.
  for (const k of keys) if (!g.store.blobInUse(k)) await g.env.blobs.remove(k);
}
