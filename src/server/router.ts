// Route table and request dispatch for every origin relpack serve runs (API and object storage).
// Paths are matched on the *raw* (still percent-encoded) segments: GitLab's routing depends on
// whether a slash was sent raw or as %2F (GitLab `lib/api/generic_packages.rb`), and `new URL()`
// would also collapse `..` and `%2e%2e`, which the traversal checks must see.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultController, SelectedFault } from './faults.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path without query, exactly as sent. */
  rawPath: string;
  /** Raw path segments (leading empty segment removed). */
  segments: string[];
  query: URLSearchParams;
  /** `:name` captures, raw (not percent-decoded). */
  params: Record<string, string>;
  /** Segments captured by a trailing `*name`, raw. */
  rest: string[];
  routeId: string;
  /** Faults selected for this request (already counted). */
  faults: SelectedFault[];
  controller: FaultController;
  /** Origin the client used, e.g. http://127.0.0.1:8929 (from Host, else the listen URL). */
  origin: string;
  /** Set when a fault has taken over the connection; handlers must stop writing. */
  hijacked: boolean;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  /** Stable id used by faults and logs, e.g. `gitlab.upload`. */
  id: string;
  method: string | string[];
  /** `/api/v4/projects/:id/packages/:package_id`, `*rest` captures one or more trailing segments. */
  pattern: string;
  handler: Handler;
  /** Exempt from fault injection (admin endpoints). */
  noFaults?: boolean;
}

interface CompiledRoute extends Route {
  methods: string[];
  parts: string[];
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string>; rest: string[] }
  | { kind: 'method'; allow: string[] }
  | { kind: 'none' };

export class Router {
  #routes: CompiledRoute[] = [];

  add(route: Route): void {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
    // Grape answers HEAD for every GET route.
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    this.#routes.push({ ...route, methods, parts: route.pattern.split('/').filter(Boolean) });
  }

  routes(): Route[] {
    return [...this.#routes];
  }

  match(method: string, segments: string[]): RouteMatch {
    const allow = new Set<string>();
    for (const r of this.#routes) {
      const m = matchParts(r.parts, segments);
      if (!m) continue;
      if (r.methods.includes(method)) return { kind: 'found', route: r, params: m.params, rest: m.rest };
      for (const x of r.methods) allow.add(x);
    }
    return allow.size ? { kind: 'method', allow: [...allow] } : { kind: 'none' };
  }
}

function matchParts(parts: string[], segs: string[]): { params: Record<string, string>; rest: string[] } | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith('*')) {
      if (i !== parts.length - 1) throw new Error(`route pattern: *${p} must be last`);
      if (segs.length <= i) return null;
      return { params, rest: segs.slice(i) };
    }
    const s = segs[i];
    if (s === undefined || s === '') return null;
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p !== s) return null;
  }
  return segs.length === parts.length ? { params, rest: [] } : null;
}

/** Splits `req.url` without normalising it. */
export function splitUrl(url: string): { rawPath: string; segments: string[]; query: URLSearchParams } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const segments = rawPath.split('/');
  if (segments[0] === '') segments.shift();
  if (segments.length && segments[segments.length - 1] === '' && segments.length > 1) {
    // keep a trailing empty segment: `/generic/pkg/1.0/` must not match a file route
  }
  return { rawPath, segments, query };
}
