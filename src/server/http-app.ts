// One node:http server per origin (the API, and the object-storage origin when enabled).
// Dispatch: match route → select faults (status/429/delay/hold answered here) → handler. Keep-alive is
// on with a long idle timeout so clients reuse connections, and nothing on this path does sync I/O.
//
// Bounded against clients that open and hold connections (docs/serve.md, "Limits"): at most
// `maxConnections` are open (net.Server closes any more as soon as it accepts them); headers must
// arrive within `headersTimeout`; a connection silent in both directions for `idleTimeout` is
// destroyed, mid-body too (a stalled upload), which aborts its request and lets go of its body.
// Every path that gives up on a connection destroys it: `end()` alone would leave a client that
// never closes its side holding the socket forever (the server is allowHalfOpen).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerClock } from './clock.js';
import type { FaultController } from './faults.js';
import { drainBody } from './request-body.js';
import { sendJson, writeBody } from './reply.js';
import { splitUrl, type RequestContext, type Router } from './router.js';

export interface HttpAppOptions {
  router: Router;
  faults: FaultController;
  clock: ServerClock;
  /** Answers unmatched paths (flavour-specific 404 body). */
  notFound: (ctx: RequestContext) => Promise<void>;
  /** Answers a known path with the wrong method. */
  methodNotAllowed: (ctx: RequestContext, allow: string[]) => Promise<void>;
  /** Body for an unexpected handler error. */
  internalError: (ctx: RequestContext) => Promise<void>;
  log: (line: string) => void;
}

/** `limits:` in the server config; defaults in config.ts (DEFAULT_LIMITS), docs/serve.md "Limits". */
export interface ServerLimits {
  /** Open connections per origin; more are closed as soon as they are accepted. */
  maxConnections: number;
  /** Milliseconds for the request line and headers to arrive (0 = no limit). */
  headersTimeout: number;
  /** Milliseconds a connection may stay silent in both directions, mid-body included (0 = no limit). */
  idleTimeout: number;
  /** Bytes of request bodies held in memory, all uploads together; past it bodies go to disk at once. */
  bodyMemory: number;
}

export interface HttpApp {
  server: Server;
  url: string;
  /** Connections open now. */
  connections(): Promise<number>;
  /** Connections closed at accept because `maxConnections` were open, since start. */
  refused(): number;
  close(graceMs?: number): Promise<void>;
}

/** How long a refused or timed-out client gets to read its error answer before its socket is destroyed. */
const LINGER_MS = 1000;

export async function startHttpApp(opts: HttpAppOptions, host: string, port: number, limits: ServerLimits): Promise<HttpApp> {
  let origin = '';
  const server = createServer(
    {
      keepAlive: true,
      // GitLab/Gitea sit behind proxies with long idle timeouts; ≥ 5 s so clients' pools stay warm.
      keepAliveTimeout: 65_000,
      headersTimeout: limits.headersTimeout,
      // Multi-GiB uploads may take minutes; the default 300 s request timeout would cut them.
      // A stalled one is ended by the idle timeout below instead.
      requestTimeout: 0,
      // Node checks headersTimeout only this often (30 s by default, which let a connection live
      // up to twice the timeout); check a few times per timeout, at most every second.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(limits.headersTimeout / 4) || 1000)),
    } as Parameters<typeof createServer>[0],
    (req, res) => {
      void dispatch(opts, req, res, origin);
    },
  );
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = limits.headersTimeout;
  server.requestTimeout = 0;
  // Node's socket idle timeout: no 'timeout' listener is added anywhere, so node destroys the
  // socket (`socketOnTimeout` in node's lib/_http_server.js); reads and writes both reset it.
  server.timeout = limits.idleTimeout;
  server.maxConnections = limits.maxConnections;
  let refused = 0;
  let refusing = false;
  server.on('connection', () => {
    refusing = false;
  });
  server.on('drop', () => {
    refused++;
    // One line per episode, not one per refused connection: a flood would flood the log too.
    if (!refusing) opts.log(`connection refused: ${limits.maxConnections} connections are open (limits.maxConnections)`);
    refusing = true;
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed request lines, oversized headers, headers too slow: answer like a front proxy
    // would, then close. Never crash, and never leave the socket to the client.
    if (!socket.writable) return socket.destroy();
    const [status, text] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout']
      : [400, 'Bad Request'];
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    // end() sends FIN; a client that never answers it (half-open) would keep the socket forever.
    // The short linger lets a well-behaved client read the answer before the close.
    const t = setTimeout(() => socket.destroy(), LINGER_MS);
    t.unref();
    socket.once('close', () => clearTimeout(t));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  origin = `http://${h}:${addr.port}`;
  return {
    server,
    url: origin,
    connections: () => new Promise((resolve) => server.getConnections((e, n) => resolve(e ? 0 : n))),
    refused: () => refused,
    close: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a short grace period to finish, then their sockets are cut.
        const t = setTimeout(() => server.closeAllConnections(), graceMs);
        t.unref();
      }),
  };
}

async function dispatch(opts: HttpAppOptions, req: IncomingMessage, res: ServerResponse, listenOrigin: string): Promise<void> {
  const started = process.hrtime.bigint();
  const method = (req.method ?? 'GET').toUpperCase();
  const { rawPath, segments, query } = splitUrl(req.url ?? '/');
  const host = req.headers.host;
  const ctx: RequestContext = {
    req,
    res,
    method,
    rawPath,
    segments,
    query,
    params: {},
    rest: [],
    routeId: 'none',
    faults: [],
    controller: opts.faults,
    origin: host && /^[\w.[\]:-]+$/.test(host) ? `http://${host}` : listenOrigin,
    hijacked: false,
  };
  res.on('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const status = ctx.hijacked ? 'dropped' : res.headersSent ? String(res.statusCode) : 'aborted';
    opts.log(`${method} ${rawPath} ${status} ${ms.toFixed(1)}ms ${ctx.routeId}`);
  });
  try {
    const m = opts.router.match(method, segments);
    if (m.kind === 'none') return await opts.notFound(ctx);
    if (m.kind === 'method') {
      ctx.routeId = 'method-not-allowed';
      return await opts.methodNotAllowed(ctx, m.allow);
    }
    ctx.routeId = m.route.id;
    ctx.params = m.params;
    ctx.rest = m.rest;
    if (!m.route.noFaults) {
      ctx.faults = opts.faults.select(ctx.routeId, method, rawPath);
      if (await applyEarlyFaults(ctx, opts.clock)) return;
    }
    await m.route.handler(ctx);
  } catch (err) {
    opts.log(`error in ${ctx.routeId}: ${(err as Error).stack ?? err}`);
    if (!res.headersSent && !ctx.hijacked && !res.destroyed) await opts.internalError(ctx).catch(() => res.destroy());
    else if (!res.writableEnded) res.destroy();
  }
}

/** status, rate-limit, delay and hold faults. Returns true when the request was answered. */
async function applyEarlyFaults(ctx: RequestContext, clock: ServerClock): Promise<boolean> {
  const record = (f: RequestContext['faults'][number], d?: string) => ctx.controller.record(f, ctx.routeId, ctx.method, ctx.rawPath, d);
  for (const f of ctx.faults) {
    if (f.spec.kind === 'delay') {
      record(f, `${f.spec.ms} ms`);
      await clock.sleep(f.spec.ms!);
    } else if (f.spec.kind === 'hold') {
      // Held before the firing is recorded, so that whoever awaits reached() can release it at once.
      const released = ctx.controller.hold(f);
      record(f, 'held until released');
      await released;
    }
  }
  const status = ctx.faults.find((f) => f.spec.kind === 'status');
  if (status) {
    const code = status.spec.status ?? 500;
    if (status.spec.afterBody) await drainBody(ctx);
    record(status, `status ${code}`);
    const body = status.spec.body ?? JSON.stringify({ message: `${code} ${STATUS_TEXT[code] ?? 'Injected fault'}` });
    await writeBody(ctx, code, { 'content-type': status.spec.body ? 'text/plain; charset=utf-8' : 'application/json', ...status.spec.headers }, Buffer.from(body));
    return true;
  }
  const limit = ctx.faults.find((f) => f.spec.kind === 'rate-limit');
  if (limit) {
    const after = limit.spec.retryAfter ?? 1;
    record(limit, `Retry-After ${after}`);
    // GitLab's Rack::Attack throttle response (`lib/gitlab/rack_attack.rb`,
    // `doc/administration/settings/package_registry_rate_limits.md`).
    await sendJson(ctx, 429, { message: 'Retry later' }, {
      'retry-after': String(after),
      'ratelimit-name': 'throttle_authenticated_packages_api',
      'ratelimit-limit': '1000',
      'ratelimit-observed': '1001',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.floor(clock.now() / 1000) + after),
      ...limit.spec.headers,
    });
    return true;
  }
  return false;
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  429: 'Too Many Requests',
  408: 'Request Timeout',
};
