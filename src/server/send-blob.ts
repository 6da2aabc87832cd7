// Serves a stored blob the way Go's http.ServeContent does for Workhorse's X-Sendfile (GitLab
// `workhorse/internal/sendfile/sendfile.go`) and Gitea's direct serving: single byte ranges → 206,
// unsatisfiable → 416 with `Content-Range: bytes */size`, If-Range (date form) and
// If-Modified-Since → 304.
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
  // One open() per download (blobs are immutable, so the recorded size is the file's size):
  // no stat, and small bodies go out as one buffer instead of a stream.
  const fh = await blobs.openForRead(blob.key);
  if (!fh) return opts.notFound();
  let handedOff = false;
  try {
    const size = Number.isFinite(blob.size) && blob.size >= 0 ? blob.size : (await fh.stat()).size;
    const lastModified = new Date(Math.floor(blob.lastModified.getTime() / 1000) * 1000);
    const base: OutgoingHttpHeaders = {
      'accept-ranges': 'bytes',
      'last-modified': lastModified.toUTCString(),
      ...headers,
    };
    const ims = ctx.req.headers['if-modified-since'];
    if (ims && !ctx.req.headers.range) {
      const t = Date.parse(ims);
      if (!Number.isNaN(t) && lastModified.getTime() <= t) return await sendEmpty(ctx, 304, base);
    }
    let range = parseRange(ctx.req.headers.range, size);
    const ifRange = ctx.req.headers['if-range'] as string | undefined;
    if (range && ifRange) {
      const t = Date.parse(ifRange);
      if (Number.isNaN(t) || t !== lastModified.getTime()) range = null; // entity changed or ETag form: full body
    }
    if (range === 'unsatisfiable') {
      return await writeBody(ctx, 416, { ...base, 'content-range': `bytes */${size}`, 'content-type': 'text/plain; charset=utf-8' }, Buffer.from('invalid range: failed to overlap\n'));
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : size - 1;
    const length = Math.max(0, end - start + 1);
    const status = range ? 206 : 200;
    const all = range ? { ...base, 'content-range': `bytes ${start}-${end}/${size}` } : base;
    if (ctx.method === 'HEAD' || length <= SMALL_BODY) {
      const buf = Buffer.allocUnsafe(ctx.method === 'HEAD' ? 0 : length);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (ctx.method === 'HEAD') return await writeBody(ctx, status, { ...all, 'content-length': String(length) }, { length, open: () => { throw new Error('HEAD has no body'); } });
      return await writeBody(ctx, status, all, buf.subarray(0, got));
    }
    return await writeBody(ctx, status, all, {
      length,
      open: () => {
        handedOff = true;
        return blobs.readHandle(fh, start, end);
      },
    });
  } finally {
    if (!handedOff) await fh.close().catch(() => {});
  }
}

/** Bodies up to this size are read in one call and sent as one buffer. */
const SMALL_BODY = 256 * 1024;

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

/** `attachment; filename="f"; filename*=UTF-8''f` as Rails' send_data builds it (GitLab `lib/api/helpers.rb`). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

function encodeRfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
