// The web route a package version's `html_url` leads to for its files:
// GET /{owner}/-/packages/{type}/{name}/{version}/files/{fileid} (Gitea `routers/web/web.go`,
// `DownloadPackageFile` in `routers/web/user/package.go`, served by `ServePackageFile` in
// `routers/api/packages/helper/helper.go`). Web routes take no API token and no Basic
// (`services/auth/basic.go` only runs on API, attachment, git and archive paths), so without a
// browser session the caller is anonymous: a package the anonymous user cannot read, an unknown
// version or a file id of another version is 404, as `PackageAssignment` and the handler answer.
import { sendEmpty, sendText } from '../reply.js';
import type { RequestContext, Router } from '../router.js';
import { attachmentDisposition, sendBlob } from '../send-blob.js';
import { Access } from './auth.js';
import { decodeSegment, type GiteaContext } from './context.js';

export function registerWebRoutes(router: Router, g: GiteaContext): void {
  router.add({ id: 'gitea.web.file', method: 'GET', pattern: '/:owner/-/packages/:type/:name/:version/files/:fileid', handler: (c) => webFile(g, c) });
}

async function webFile(g: GiteaContext, ctx: RequestContext): Promise<void> {
  const notFound = () => sendText(ctx, 404, 'Not Found', { 'content-type': 'text/html; charset=utf-8' });
  const ownerName = decodeSegment(ctx.params.owner);
  const name = decodeSegment(ctx.params.name);
  const version = decodeSegment(ctx.params.version);
  const owner = ownerName === null ? undefined : g.auth.owner(ownerName);
  if (!owner || name === null || version === null || ctx.params.type !== 'generic') return notFound();
  if (g.auth.packageAccess({ kind: 'anonymous' }, owner) < Access.Read) return notFound();
  const pkg = g.store.findPackage(owner.name, name);
  const v = pkg && g.store.findVersion(pkg.id, version);
  const id = /^\d+$/.test(ctx.params.fileid!) ? Number(ctx.params.fileid) : Number.NaN;
  const file = v && g.store.files.get(id);
  if (!v || !file || file.versionId !== v.id) return notFound();
  const disposition = attachmentDisposition(file.name);
  if (g.env.objectStorage) {
    const location = g.env.objectStorage.presign(file.blob, {
      size: file.size,
      lastModified: new Date(file.createdAt),
      contentType: 'application/octet-stream',
      contentDisposition: disposition,
      clientOrigin: ctx.origin,
    });
    return sendEmpty(ctx, 303, { location });
  }
  return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, {
    'content-type': 'application/octet-stream',
    'content-disposition': disposition,
    'access-control-expose-headers': 'Content-Disposition',
  }, { notFound });
}
