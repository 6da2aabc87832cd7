// Object-storage mode: a second origin (another port) standing in for S3/MinIO. The API answers
// downloads with a redirect (GitLab 302, Gitea 303) to a presigned, expiring URL whose query
// carries response-content-disposition / response-content-type (GitLab's direct download from
// object storage, `present_carrierwave_file!` in `lib/api/helpers.rb`). Like S3, this origin refuses a request that also carries another
// auth mechanism (an `Authorization` header next to the presigned query) and bad or expired
// signatures, and ignores headers it does not know (`PRIVATE-TOKEN`, `JOB-TOKEN`, `DEPLOY-TOKEN`), so
// the docs' `curl --location --header "PRIVATE-TOKEN: …"` works as it does against GitLab. Every
// credential that reaches this origin is recorded (`credentialsSeen()`) and logged, so tests can
// still assert that a client forwards none.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BlobStore } from './blobs.js';
import type { ServerClock } from './clock.js';
import type { FaultController } from './faults.js';
import { startHttpApp, type HttpApp, type ServerLimits } from './http-app.js';
import { writeBody } from './reply.js';
import { Router, type RequestContext } from './router.js';
import { sendBlob } from './send-blob.js';

export interface ObjectStorageConfig {
  enabled: boolean;
  /** Port of the storage origin (0 = free port). */
  port: number;
  /** Lifetime of presigned URLs, seconds (GitLab's default direct-download expiry is short). */
  expiresSeconds: number;
  bucket: string;
  /** HMAC key; random per run when omitted. */
  secret: string;
}

export interface PresignOptions {
  size: number;
  lastModified: Date;
  contentType?: string;
  contentDisposition?: string;
  /** Override the lifetime, seconds. */
  expiresSeconds?: number;
  /**
   * The API origin the client used (ctx.origin). When the server listens on a wildcard address
   * (0.0.0.0, ::) its hostname is used for the storage URL, so remote clients can follow it.
   */
  clientOrigin?: string;
}

const FORWARDED_AUTH = ['authorization', 'private-token', 'job-token', 'deploy-token'];

/** A registry credential header that reached the storage origin (the value is not kept). */
export interface StorageCredential {
  header: string;
  path: string;
}

export class ObjectStorage {
  #app: HttpApp | null = null;
  readonly #cfg: ObjectStorageConfig;
  readonly #secret: Buffer;
  readonly #blobs: BlobStore;
  readonly #clock: ServerClock;
  readonly #seen: StorageCredential[] = [];
  #log: (l: string) => void = () => {};

  constructor(cfg: ObjectStorageConfig, blobs: BlobStore, clock: ServerClock) {
    this.#cfg = cfg;
    this.#secret = cfg.secret ? Buffer.from(cfg.secret) : randomBytes(32);
    this.#blobs = blobs;
    this.#clock = clock;
  }

  get url(): string {
    if (!this.#app) throw new Error('object storage not started');
    return this.#app.url;
  }

  async start(host: string, faults: FaultController, log: (l: string) => void, limits: ServerLimits): Promise<void> {
    this.#log = (l) => log(`[storage] ${l}`);
    const router = new Router();
    router.add({ id: 'storage.download', method: 'GET', pattern: `/${this.#cfg.bucket}/:key`, handler: (ctx) => this.#serve(ctx) });
    this.#app = await startHttpApp(
      {
        router,
        faults,
        clock: this.#clock,
        log: (l) => log(`[storage] ${l}`),
        notFound: (ctx) => s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.'),
        methodNotAllowed: (ctx) => s3Error(ctx, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.'),
        internalError: (ctx) => s3Error(ctx, 500, 'InternalError', 'We encountered an internal error. Please try again.'),
      },
      host,
      this.#cfg.port,
      limits,
    );
  }

  async close(): Promise<void> {
    await this.#app?.close();
  }

  connections(): Promise<number> {
    return this.#app?.connections() ?? Promise.resolve(0);
  }

  /** Registry credentials clients sent to this origin, oldest first. */
  credentialsSeen(): StorageCredential[] {
    return [...this.#seen];
  }

  refused(): number {
    return this.#app?.refused() ?? 0;
  }

  /** A URL on the storage origin that serves `blobKey` until it expires. */
  presign(blobKey: string, opts: PresignOptions): string {
    const now = new Date(this.#clock.now());
    const q = new URLSearchParams();
    if (opts.contentDisposition) q.set('response-content-disposition', opts.contentDisposition);
    q.set('response-content-type', opts.contentType ?? 'application/octet-stream');
    q.set('X-Amz-Algorithm', 'RELPACK-HMAC-SHA256');
    q.set('X-Amz-Date', amzDate(now));
    q.set('X-Amz-Expires', String(opts.expiresSeconds ?? this.#cfg.expiresSeconds));
    q.set('X-Relpack-Size', String(opts.size));
    q.set('X-Relpack-Modified', String(opts.lastModified.getTime()));
    const path = `/${this.#cfg.bucket}/${blobKey}`;
    q.set('X-Amz-Signature', this.#sign(path, q));
    return `${this.#originFor(opts.clientOrigin)}${path}?${s3Query(q)}`;
  }

  #originFor(clientOrigin: string | undefined): string {
    const own = new URL(this.url);
    if (!clientOrigin || !['0.0.0.0', '[::]'].includes(own.hostname)) return this.url;
    try {
      return `http://${new URL(clientOrigin).hostname}:${own.port}`;
    } catch {
      return this.url;
    }
  }

  #sign(path: string, q: URLSearchParams): string {
    const canonical = [...q.entries()]
      .filter(([k]) => k !== 'X-Amz-Signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    return createHmac('sha256', this.#secret).update(`GET\n${path}\n${canonical}`).digest('hex');
  }

  async #serve(ctx: RequestContext): Promise<void> {
    for (const header of FORWARDED_AUTH.filter((h) => ctx.req.headers[h] !== undefined)) {
      this.#seen.push({ header, path: ctx.rawPath });
      this.#log(`credential header ${header} reached the storage origin`);
    }
    if (ctx.req.headers.authorization !== undefined) {
      // What S3 says when a presigned URL is requested with an Authorization header as well; it
      // ignores other headers it does not know.
      return s3Error(ctx, 400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', '<ArgumentName>Authorization</ArgumentName>');
    }
    const q = ctx.query;
    const sig = q.get('X-Amz-Signature') ?? '';
    const expected = this.#sign(`/${this.#cfg.bucket}/${ctx.params.key}`, q);
    const a = Buffer.from(sig);
    const b = Buffer.from(expected);
    if (!sig || a.length !== b.length || !timingSafeEqual(a, b)) {
      return s3Error(ctx, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    const issued = parseAmzDate(q.get('X-Amz-Date') ?? '');
    const expires = Number(q.get('X-Amz-Expires'));
    if (issued === null || !Number.isFinite(expires) || this.#clock.now() > issued + expires * 1000) {
      return s3Error(ctx, 403, 'AccessDenied', 'Request has expired');
    }
    const key = ctx.params.key!;
    const headers: Record<string, string> = { 'content-type': q.get('response-content-type') ?? 'application/octet-stream' };
    const disp = q.get('response-content-disposition');
    if (disp) headers['content-disposition'] = disp;
    await sendBlob(
      ctx,
      this.#blobs,
      { key, size: Number(q.get('X-Relpack-Size')), lastModified: new Date(Number(q.get('X-Relpack-Modified')) || this.#clock.now()) },
      headers,
      { notFound: () => s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.') },
    );
  }
}

/**
 * The query as S3 SDKs write presigned URLs (fog's `Fog::AWS.escape`, minio-go's query encoding):
 * every byte outside `A-Za-z0-9-_.~` percent-escaped with upper-case hex, a space as `%20`.
 */
function s3Query(q: URLSearchParams): string {
  const s3Escape = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...q.entries()].map(([k, v]) => `${s3Escape(k)}=${s3Escape(v)}`).join('&');
}

function s3Error(ctx: RequestContext, status: number, code: string, message: string, extra = ''): Promise<void> {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<Resource>${escapeXml(ctx.rawPath)}</Resource><RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
  return writeBody(ctx, status, { 'content-type': 'application/xml' }, Buffer.from(body));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
