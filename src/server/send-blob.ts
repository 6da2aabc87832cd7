// Serves a stored blob the way Go's http.ServeContent does for Workhorse's X-Sendfile
// (gitlab-api.md §2 "Range") and Gitea's direct serving: single byte ranges → 206, unsatisfiable →
// 416 with `Content-Range: bytes */size`, If-Range (date form) and If-Modified-Since → 304.
// Multiple ranges are answered with the whole file (RFC 9110 lets a server ignore Range).
import type { OutgoingHttpHeaders } from 'node:http';
import type { BlobStore } from './blobs.js';
import { writeBody, sendEmpty } from './reply.js';
import type { RequestContext } from './router.js';

export interface BlobInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export async function sendBlob(
  ctx: RequestContext,
  blobs: BlobStore,
  blob: BlobInfo,
  headers: OutgoingHttpHeaders,
  opts: { notFound: () => Promise<void> },
): Promise<void> {
  const actual = await blobs.size(blob.key);
  if (actual === null) return opts.notFound();
  const size = actual;
  const lastModified = new Date(Math.floor(blob.lastModified.getTime() / 1000) * 1000);
  const base: OutgoingHttpHeaders = {
    'accept-ranges': 'bytes',
    'last-modified': lastModified.toUTCString(),
    ...headers,
  };
  const ims = ctx.req.headers['if-modified-since'];
  if (ims && !ctx.req.headers.range) {
    const t = Date.parse(ims);
    if (!Number.isNaN(t) && lastModified.getTime() <= t) return sendEmpty(ctx, 304, base);
  }
  let range = parseRange(ctx.req.headers.range, size);
  const ifRange = ctx.req.headers['if-range'] as string | undefined;
  if (range && ifRange) {
    const t = Date.parse(ifRange);
    if (Number.isNaN(t) || t !== lastModified.getTime()) range = null; // entity changed or ETag form: full body
  }
  if (range === 'unsatisfiable') {
    return writeBody(ctx, 416, { ...base, 'content-range': `bytes */${size}`, 'content-type': 'text/plain; charset=utf-8' }, Buffer.from('invalid range: failed to overlap\n'));
  }
  if (range) {
    const { start, end } = range;
    return writeBody(ctx, 206, { ...base, 'content-range': `bytes ${start}-${end}/${size}` }, {
      length: end - start + 1,
      open: () => blobs.read(blob.key, start, end),
    });
  }
  return writeBody(ctx, 200, base, { length: size, open: () => blobs.read(blob.key) });
}

/** null = no usable Range (serve everything). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m) return null; // multi-range or another unit
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return null;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

/** `attachment; filename="f"; filename*=UTF-8''f` as Rails' send_data builds it (gitlab-api.md §2). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

function encodeRfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
