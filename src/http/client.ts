/**
 * The one HTTP client. One undici dispatcher with keep-alive for the whole run (proxies from
 * HTTP_PROXY/HTTPS_PROXY/NO_PROXY), a custom CA from CI_SERVER_TLS_CA_FILE or NODE_EXTRA_CA_CERTS,
 * retries on transient failures, and redirects followed by hand so that credentials never reach
 * another origin (GitLab's object-storage redirect, `present_carrierwave_file!` in `lib/api/helpers.rb`;
 * Gitea's SERVE_DIRECT redirect, `routers/api/packages/helper/helper.go`).
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { EnvHttpProxyAgent, type Dispatcher } from './undici.js';
import { RelpackError } from '../base/errors.js';
import { describeLocalFailure } from '../base/local-errors.js';
import { MAX_ERROR_TEXT_BYTES, MAX_JSON_BYTES, readJson, readText } from './body.js';
import { Deadline, formatSeconds, secondsFromEnv } from './deadline.js';
import { DEFAULT_RETRY_POLICY, MAX_RETRY_AFTER_MS, RetryableFailure, parseRetryAfter, withRetries, type RetryHooks, type RetryPolicy, type Sleep } from './retry.js';
import { redactUrl } from './redact.js';

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: Method;
  url: string | URL;
  headers?: Record<string, string>;
  /**
   * Called once per attempt, so that a file can be reopened for a retry. An async iterable is
   * asked for its next chunk only once the socket has taken the previous one (undici's
   * writeIterable waits for 'drain' after a short write), so it may reuse its buffers.
   */
  body?: () => Readable | AsyncIterable<Buffer> | string | Buffer;
  /** Send the client's credentials (only ever to the origin they were given for). Default true. */
  authenticate?: boolean;
  /** Retry 429/5xx answers and network errors. Default: true for GET, HEAD, DELETE. */
  retry?: boolean;
  /** Give up after this many redirects. Default 5. */
  maxRedirects?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The URL that answered, after redirects. */
  url: URL;
  /** True when a redirect took the request to another origin. */
  crossOrigin: boolean;
  body: Dispatcher.ResponseData['body'];
  /** The start of the body as text, at most `maxBytes` (64 KiB): for error answers. */
  text(maxBytes?: number): Promise<string>;
  /**
   * The body as JSON, at most `maxBytes` (32 MiB). Too large or not JSON: a PROTOCOL RelpackError.
   * The type is the caller's expectation, not a check: registry answers go through registry/answers.ts.
   */
  json<T = unknown>(maxBytes?: number): Promise<T>;
  /** Reads and discards the rest of the body so the connection can be reused. */
  drain(): Promise<void>;
  header(name: string): string | undefined;
}

export interface HttpClientOptions {
  /** Headers that carry credentials, sent only to `credentialOrigin`. */
  credentials?: Record<string, string>;
  /** The origin the credentials belong to; defaults to the first request's origin. */
  credentialOrigin?: string;
  userAgent?: string;
  retry?: RetryPolicy;
  /** Waits between retries (backoff, Retry-After); default a real timer. Tests pass their own. */
  sleep?: Sleep;
  log?: (line: string) => void;
  /** Environment to read proxy and CA settings from. */
  env?: NodeJS.ProcessEnv;
  /** Connections per origin; parallel transfers beyond this wait for a free connection. */
  connections?: number;
  /**
   * How long a server may stay silent: before the headers of its answer, and between two pieces of
   * its body (undici's `headersTimeout` and `bodyTimeout`). A silence that long fails the attempt
   * as a network error, which is retried. Default: RELPACK_IDLE_TIMEOUT seconds, else 300 s
   * (undici's own default).
   */
  idleTimeoutMs?: number;
  /**
   * The command's deadline: every request, body and retry wait ends when it aborts, with its
   * reason. Default: a deadline of RELPACK_TIMEOUT seconds from now, when that is set.
   */
  signal?: AbortSignal;
}

/** undici's default for both headersTimeout and bodyTimeout (undici `docs/docs/api/Client.md`). */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** Headers that carry credentials in any registry relpack speaks to; stripped across origins. */
export const CREDENTIAL_HEADERS = ['authorization', 'private-token', 'job-token', 'deploy-token', 'cookie'];

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly credentials: Record<string, string>;
  private credentialOrigin?: string;
  private readonly userAgent: string;
  readonly retryPolicy: RetryPolicy;
  private readonly sleep?: Sleep;
  private readonly log: (line: string) => void;
  /** Where the idle timeout came from and how long it is, for messages. */
  private readonly idle: { ms: number; setting: string };
  private readonly signal?: AbortSignal;
  /** A deadline this client started itself (from RELPACK_TIMEOUT), stopped by close(). */
  private readonly ownDeadline?: Deadline;

  constructor(options: HttpClientOptions = {}) {
    const env = options.env ?? process.env;
    const ca = customCa(env);
    const tls = ca ? { ca } : undefined;
    const idleSeconds = options.idleTimeoutMs === undefined ? secondsFromEnv(env, 'RELPACK_IDLE_TIMEOUT') : undefined;
    this.idle =
      options.idleTimeoutMs !== undefined
        ? { ms: options.idleTimeoutMs, setting: 'the idle timeout' }
        : { ms: idleSeconds !== undefined ? Math.round(idleSeconds * 1000) : DEFAULT_IDLE_TIMEOUT_MS, setting: 'RELPACK_IDLE_TIMEOUT' };
    if (options.signal) this.signal = options.signal;
    else {
      const seconds = secondsFromEnv(env, 'RELPACK_TIMEOUT');
      if (seconds !== undefined) {
        this.ownDeadline = new Deadline(seconds, 'RELPACK_TIMEOUT');
        this.signal = this.ownDeadline.signal;
      }
    }
    this.dispatcher = new EnvHttpProxyAgent({
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connections: options.connections ?? null,
      headersTimeout: this.idle.ms,
      bodyTimeout: this.idle.ms,
      ...(tls ? { connect: tls, requestTls: tls } : {}),
    });
    this.credentials = Object.fromEntries(Object.entries(options.credentials ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.credentialOrigin = options.credentialOrigin;
    this.userAgent = options.userAgent ?? 'relpack';
    this.retryPolicy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep;
    this.log = options.log ?? (() => {});
  }

  /** The secret values this client holds, for masking in logs. */
  secrets(): string[] {
    return Object.values(this.credentials).flatMap((value) => {
      const basic = /^basic\s+(.+)$/i.exec(value);
      const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : undefined;
      const token = /^(?:token|bearer)\s+(.+)$/i.exec(value)?.[1];
      return [value, token, basic?.[1], decoded, decoded?.split(':').slice(1).join(':')].filter(
        (s): s is string => typeof s === 'string' && s.length >= 4,
      );
    });
  }

  async close(): Promise<void> {
    this.ownDeadline?.dispose();
    // After the deadline, requests may still hang on a silent server: close() would wait for them.
    if (this.signal?.aborted) await this.dispatcher.destroy(this.signal.reason);
    else await this.dispatcher.close();
  }

  /**
   * One request, retried on transient failures when `retry` allows. A final 429/5xx answer is
   * returned to the caller (who knows what it means); a final network error is thrown.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const retry = req.retry ?? (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE');
    if (!retry) return this.send(req);
    return this.retrying(req, async (attempt) => {
      const response = await this.send(req);
      if (!RETRYABLE_STATUS.has(response.status) || attempt >= this.retryPolicy.attempts) return response;
      const failure = retryableStatus(response);
      if ((failure.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS) return response;
      await response.drain();
      throw failure;
    });
  }

  /**
   * Runs `attempt` under this client's retry policy, each retry logged against `req`, the final
   * failure turned into a RelpackError naming it. For work that spans more than one request (a
   * body that breaks half-way, a listing page, an upload checked before it is sent again).
   */
  async retrying<T>(req: Pick<HttpRequest, 'method' | 'url'>, attempt: (attemptNumber: number) => Promise<T>, beforeRetry?: RetryHooks<T>['beforeRetry']): Promise<T> {
    try {
      return await withRetries(this.retryPolicy, attempt, { onRetry: (info) => this.logRetry(req, info), beforeRetry }, { sleep: this.sleep, signal: this.signal });
    } catch (error) {
      throw this.networkError(req, error);
    }
  }

  logRetry(req: Pick<HttpRequest, 'method' | 'url'>, info: { attempt: number; delayMs: number; reason: string }): void {
    this.log(
      `retrying ${req.method} ${redactUrl(req.url)} in ${(info.delayMs / 1000).toFixed(1)}s (attempt ${info.attempt + 1} of ${this.retryPolicy.attempts}: ${info.reason})`,
    );
  }

  networkError(req: Pick<HttpRequest, 'method' | 'url'>, error: unknown): unknown {
    // Whatever broke after the deadline broke because of it.
    if (this.signal?.aborted) return this.signal.reason;
    if (error instanceof RetryableFailure) {
      const status = error.status;
      const idle = idleTimeoutCode(error);
      return new RelpackError(status ? 'HTTP' : 'NETWORK', `${req.method} ${redactUrl(req.url)} failed: ${error.message}${status ? '' : ` (${idle ? this.describeIdle(idle) : describeCause(error)})`}`, {
        request: { method: req.method, url: redactUrl(req.url), status },
        hint:
          status === 429
            ? 'the registry is rate-limiting this client; retry later, or lower --concurrency'
            : `gave up after the retries allowed (RELPACK_RETRIES=${this.retryPolicy.attempts}); the registry or the network is failing, try again later${idle ? this.idleHint() : ''}`,
        cause: error,
      });
    }
    if (error instanceof RelpackError || !(error instanceof Error)) return error;
    // A file relpack reads or writes inside the attempt (a download's part file): the disk, not the network.
    if (describeLocalFailure(error)) return error;
    const idle = idleTimeoutCode(error);
    if (idle) {
      return new RelpackError('NETWORK', `${req.method} ${redactUrl(req.url)} failed: ${this.describeIdle(idle)}, ${this.retryPolicy.attempts === 1 ? 'and retries are off' : `${this.retryPolicy.attempts} times`}`, {
        request: { method: req.method, url: redactUrl(req.url) },
        hint: `the registry, or a proxy in between, holds the connection open without answering${this.idleHint()}`,
        cause: error,
      });
    }
    return new RelpackError('NETWORK', `${req.method} ${redactUrl(req.url)} failed: ${error.message}`, {
      request: { method: req.method, url: redactUrl(req.url) },
      hint: 'check that the URL is right and the server is reachable (proxy: HTTPS_PROXY/NO_PROXY; custom CA: NODE_EXTRA_CA_CERTS or CI_SERVER_TLS_CA_FILE)',
      cause: error,
    });
  }

  private describeIdle(code: string): string {
    const limit = `${formatSeconds(this.idle.ms / 1000)} (${this.idle.setting})`;
    return code === 'UND_ERR_HEADERS_TIMEOUT' ? `the server sent no answer within ${limit}` : `the server sent nothing more for ${limit}`;
  }

  private idleHint(): string {
    return this.idle.setting === 'RELPACK_IDLE_TIMEOUT' ? '; if it is only slow, raise RELPACK_IDLE_TIMEOUT (seconds)' : '';
  }

  /** One attempt, following redirects; no retries. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    let url = new URL(req.url);
    const method: Method = req.method;
    const body = req.body;
    this.credentialOrigin ??= url.origin;
    const maxRedirects = req.maxRedirects ?? 5;
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === this.credentialOrigin;
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...lowerKeys(req.headers ?? {}) };
      if (req.authenticate !== false && sameOrigin) Object.assign(headers, this.credentials);
      if (!sameOrigin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
      const payload = body?.();
      const response = await this.dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        // undici sends an async iterable as it does a stream (lib/dispatcher/client-h1.js,
        // writeIterable); its types list only streams.
        body: payload as Readable | string | Buffer | undefined,
        signal: this.signal,
      });
      const rawLocation = response.headers.location;
      const location = (Array.isArray(rawLocation) ? rawLocation[0] : rawLocation)?.trim();
      // Only reads follow redirects (object storage answers a download with 302/303). A write that
      // is redirected is returned as it is and fails as unexpected: replaying a PUT or DELETE as a
      // GET, as browsers do for POST, would report a write that never happened. A redirect without
      // a Location is returned too, and its caller says so (registry/messages.ts).
      const followable = method === 'GET' || method === 'HEAD';
      if (followable && response.statusCode >= 300 && response.statusCode < 400 && response.statusCode !== 304 && location) {
        await response.body.dump().catch(() => {});
        const failed = { method: req.method, url: redactUrl(url), status: response.statusCode };
        if (hop >= maxRedirects) throw new RelpackError('HTTP', `too many redirects for ${req.method} ${redactUrl(req.url)}`, { request: failed, fromRegistry: true });
        const next = URL.canParse(location, url) ? new URL(location, url) : undefined;
        if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
          throw new RelpackError('HTTP', `${req.method} ${redactUrl(req.url)} was redirected (HTTP ${response.statusCode}) to ${JSON.stringify(redactUrl(location).slice(0, 200))}, which is not an http or https URL`, {
            request: failed,
            hint: 'the registry (or a proxy in front of it) sent a Location relpack cannot follow; check --url, and the object-storage settings of the instance',
            fromRegistry: true,
          });
        }
        url = next;
        continue;
      }
      return wrapResponse(response, method, url, url.origin !== this.credentialOrigin);
    }
  }
}

export function retryableStatus(response: HttpResponse): RetryableFailure {
  return new RetryableFailure(`HTTP ${response.status}`, parseRetryAfter(response.headers['retry-after']), response.status);
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** A 429/5xx answer, drained, as the RetryableFailure a retry loop expects; any other answer as it is. */
export async function throwIfRetryable(response: HttpResponse): Promise<HttpResponse> {
  if (!isRetryableStatus(response.status)) return response;
  await response.drain();
  throw retryableStatus(response);
}

function wrapResponse(response: Dispatcher.ResponseData, method: Method, url: URL, crossOrigin: boolean): HttpResponse {
  const headers = response.headers as Record<string, string | string[] | undefined>;
  return {
    status: response.statusCode,
    headers,
    url,
    crossOrigin,
    body: response.body,
    text: (maxBytes = MAX_ERROR_TEXT_BYTES) => readText(response.body, maxBytes),
    json: async <T>(maxBytes = MAX_JSON_BYTES) => (await readJson(response.body, { method, url }, maxBytes)) as T,
    drain: async () => {
      try {
        await response.body.dump();
      } catch {
        // a body that breaks while being discarded changes nothing
      }
    },
    header: (name: string) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Node adds NODE_EXTRA_CA_CERTS to its default store by itself; an explicit `ca` replaces that
 * store, so when GitLab's CI_SERVER_TLS_CA_FILE is set we rebuild it: roots + both files.
 */
function customCa(env: NodeJS.ProcessEnv): string[] | undefined {
  const file = env.CI_SERVER_TLS_CA_FILE;
  if (!file) return undefined;
  const extra = env.NODE_EXTRA_CA_CERTS;
  try {
    return [...rootCertificates, readFileSync(file, 'utf8'), ...(extra ? [readFileSync(extra, 'utf8')] : [])];
  } catch (error) {
    throw new RelpackError('INVALID_INPUT', `cannot read the CA file ${file}: ${(error as Error).message}`, {
      hint: 'CI_SERVER_TLS_CA_FILE must name a readable PEM file',
    });
  }
}

/** undici's code when a server stayed silent too long (headersTimeout, bodyTimeout), if that is what `error` is. */
function idleTimeoutCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return code;
  }
  return undefined;
}

function describeCause(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? (cause.code ?? cause.message ?? String(cause)) : 'no answer';
}
