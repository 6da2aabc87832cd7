// Fault injection: declared in YAML (`faults:`), added at run time (`server.faults.add`) or over
// HTTP (`/-/relpack/faults`). A fault matches by route id + method + optional path substring, and
// fires on the nth matching request(s) it has seen since it was added. Every firing is logged in
// `fired()` at the moment it takes effect, so tests can assert it really happened.
//
// A `hold` fault is the barrier that orders a race without timers: the request waits until the
// test calls `release(id)`, and `reached(id)` tells the test when it is waiting. "Relpack lists the
// version, another writer stores the file, then relpack's listing continues" becomes three steps in
// that order, whatever the machine's load.
import { ConfigError, expectObject, isObject, onlyKeys, optInt, optString, type Raw } from './config-values.js';

export const FAULT_KINDS = [
  'status', // answer `status` (any code) instead of running the handler
  'rate-limit', // 429 + Retry-After (+ RateLimit-* headers), like GitLab's throttle (`lib/gitlab/rack_attack.rb`)
  'delay', // wait `ms` before handling
  'hold', // wait until release(id) (or the fault's removal), then handle normally
  'reset-request', // TCP reset after `afterBytes` of the request body were received
  'slow-request', // read the request body at `bytesPerSecond`
  'reset-response', // TCP reset after `afterBytes` of the response body were sent
  'slow-response', // send the response body at `bytesPerSecond`
  'truncate', // promise the full Content-Length, send `afterBytes`, then close the connection (FIN)
  'corrupt', // flip `bytes` bytes at `offset` of the response body; headers (X-Checksum-SHA256) stay true
  'drop-after-commit', // the upload is stored and committed, then the socket is destroyed with no response
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  /** Stable id; generated when omitted. */
  id?: string;
  /** Route id (`gitlab.upload`), a prefix glob (`gitlab.*`, `storage.*`) or `*`. */
  route: string;
  /** HTTP method to match; any when omitted. */
  method?: string;
  /** Substring the raw request path must contain. */
  path?: string;
  /** Fire on exactly these matching requests (1-based). Overrides after/count. */
  times?: number[];
  /** Let this many matching requests through first (default 0). */
  after?: number;
  /** Fire on this many matching requests after `after` (default: every one). */
  count?: number;
  kind: FaultKind | 'slow';
  /** status: the code (default 500); body (default a GitLab-style JSON message); extra headers. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** status: read the whole request body before answering (the bytes are discarded). */
  afterBody?: boolean;
  /** rate-limit: seconds for Retry-After (default 1). */
  retryAfter?: number;
  /** delay: milliseconds. */
  ms?: number;
  /** reset-request / reset-response / truncate: byte position of the cut (default: half the body). */
  afterBytes?: number;
  /** slow-request / slow-response: throughput in bytes per second. */
  bytesPerSecond?: number;
  /** corrupt: first byte to flip (default: middle of the body) and how many bytes (default 1). */
  offset?: number;
  bytes?: number;
}

export interface FiredFault {
  id: string;
  kind: FaultKind;
  route: string;
  method: string;
  path: string;
  /** Which matching request (1-based) this was for the fault. */
  n: number;
  at: string;
  detail?: string;
}

interface Waiter {
  id: string;
  n: number;
  resolve: (fired: FiredFault) => void;
}

interface LiveFault {
  spec: Required<Pick<FaultSpec, 'id' | 'route' | 'kind'>> & FaultSpec & { kind: FaultKind };
  seen: number;
}

/** A fault chosen for one request, with the request's match number. */
export interface SelectedFault {
  spec: LiveFault['spec'];
  n: number;
}

let nextId = 1;

export class FaultController {
  #faults: LiveFault[] = [];
  #fired: FiredFault[] = [];
  /** Fault id -> the resumers of the requests its `hold` keeps waiting. */
  #held = new Map<string, (() => void)[]>();
  #waiters: Waiter[] = [];

  /** Adds one or more faults; returns their ids. Throws ConfigError on a bad spec. */
  add(spec: FaultSpec | FaultSpec[]): string[] {
    const specs = Array.isArray(spec) ? spec : [spec];
    const parsed = specs.map((s, i) => parseFaultSpec(s, Array.isArray(spec) ? `faults[${i}]` : 'fault'));
    for (const p of parsed) {
      this.#faults = this.#faults.filter((f) => f.spec.id !== p.id);
      this.#faults.push({ spec: p, seen: 0 });
    }
    return parsed.map((p) => p.id);
  }

  /** Removes a fault; requests it holds continue. */
  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.spec.id !== id);
    this.release(id);
    return this.#faults.length !== before;
  }

  /** Removes every fault (the fired log is kept; see clearFired); held requests continue. */
  clear(): void {
    this.#faults = [];
    this.releaseAll();
  }

  /**
   * Lets the requests that the `hold` fault `id` keeps waiting continue; returns how many. The fault
   * stays: a request it selects later waits for the next release.
   */
  release(id: string): number {
    const held = this.#held.get(id) ?? [];
    this.#held.delete(id);
    for (const resume of held) resume();
    return held.length;
  }

  releaseAll(): number {
    let n = 0;
    for (const id of [...this.#held.keys()]) n += this.release(id);
    return n;
  }

  /**
   * Resolves with the `n`th firing (1-based, default the first) of fault `id`: at once when it has
   * fired already, else when it does. For a `hold` fault, the request is waiting by then.
   */
  reached(id: string, n = 1): Promise<FiredFault> {
    const fired = this.fired(id);
    if (fired.length >= n) return Promise.resolve(fired[n - 1]!);
    return new Promise((resolve) => this.#waiters.push({ id, n, resolve }));
  }

  /** Called by the dispatcher for a selected `hold` fault: resolves on release. */
  hold(sel: SelectedFault): Promise<void> {
    return new Promise((resolve) => {
      const held = this.#held.get(sel.spec.id) ?? [];
      held.push(resolve);
      this.#held.set(sel.spec.id, held);
    });
  }

  clearFired(): void {
    this.#fired = [];
  }

  list(): FaultSpec[] {
    return this.#faults.map((f) => ({ ...f.spec }));
  }

  /** Every firing so far, oldest first. Optionally only those of one fault id. */
  fired(id?: string): FiredFault[] {
    return this.#fired.filter((f) => id === undefined || f.id === id).map((f) => ({ ...f }));
  }

  /** Called once per request by the dispatcher; counts the request against every matching fault. */
  select(route: string, method: string, path: string): SelectedFault[] {
    const out: SelectedFault[] = [];
    for (const f of this.#faults) {
      const s = f.spec;
      if (!routeMatches(s.route, route)) continue;
      if (s.method && s.method.toUpperCase() !== method) continue;
      if (s.path && !path.includes(s.path)) continue;
      f.seen += 1;
      const n = f.seen;
      let fire: boolean;
      if (s.times) fire = s.times.includes(n);
      else {
        const after = s.after ?? 0;
        fire = n > after && (s.count === undefined || n <= after + s.count);
      }
      if (fire) out.push({ spec: s, n });
    }
    return out;
  }

  record(sel: SelectedFault, route: string, method: string, path: string, detail?: string): void {
    const fired: FiredFault = {
      id: sel.spec.id,
      kind: sel.spec.kind,
      route,
      method,
      path,
      n: sel.n,
      at: new Date().toISOString(),
      ...(detail ? { detail } : {}),
    };
    this.#fired.push(fired);
    const count = this.#fired.filter((f) => f.id === fired.id).length;
    for (const w of this.#waiters.filter((w) => w.id === fired.id && w.n === count)) w.resolve({ ...fired });
    this.#waiters = this.#waiters.filter((w) => !(w.id === fired.id && w.n <= count));
  }
}

function routeMatches(pattern: string, route: string): boolean {
  if (pattern === '*' || pattern === route) return true;
  return pattern.endsWith('*') && route.startsWith(pattern.slice(0, -1));
}

const SPEC_KEYS = [
  'id', 'route', 'method', 'path', 'times', 'after', 'count', 'kind', 'status', 'body', 'headers',
  'afterBody', 'retryAfter', 'ms', 'afterBytes', 'bytesPerSecond', 'offset', 'bytes',
] as const;

/** Validates one fault spec (from YAML, JSON or code). `key` names it in error messages. */
export function parseFaultSpec(raw: unknown, key: string): LiveFault['spec'] {
  if (!isObject(raw)) throw new ConfigError(key, 'a fault must be a mapping');
  const r: Raw = raw;
  onlyKeys(r, SPEC_KEYS, key);
  const route = optString(r.route, `${key}.route`, '');
  if (!route) throw new ConfigError(`${key}.route`, 'is required (a route id such as gitlab.upload, a prefix like gitlab.*, or *)');
  let kind = optString(r.kind, `${key}.kind`, '');
  if (kind === 'slow') kind = 'slow-response';
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError(`${key}.kind`, `must be one of ${FAULT_KINDS.join(', ')}, slow; got ${JSON.stringify(r.kind)}`);
  }
  const spec: LiveFault['spec'] = {
    id: optString(r.id, `${key}.id`, '') || `fault-${nextId++}`,
    route,
    kind: kind as FaultKind,
  };
  if (r.method !== undefined) spec.method = optString(r.method, `${key}.method`, '').toUpperCase();
  if (r.path !== undefined) spec.path = optString(r.path, `${key}.path`, '');
  if (r.times !== undefined) {
    if (!Array.isArray(r.times) || r.times.length === 0) throw new ConfigError(`${key}.times`, 'expected a non-empty list of request numbers (1-based)');
    spec.times = r.times.map((t, i) => optInt(t, `${key}.times[${i}]`, 1, 1));
  }
  if (r.after !== undefined) spec.after = optInt(r.after, `${key}.after`, 0, 0);
  if (r.count !== undefined) spec.count = optInt(r.count, `${key}.count`, 1, 1);
  if (r.status !== undefined) spec.status = optInt(r.status, `${key}.status`, 500, 100, 599);
  if (r.body !== undefined) spec.body = optString(r.body, `${key}.body`, '');
  if (r.headers !== undefined) {
    const h = expectObject(r.headers, `${key}.headers`);
    spec.headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, optString(v, `${key}.headers.${k}`, '')]));
  }
  if (r.afterBody !== undefined) {
    if (typeof r.afterBody !== 'boolean') throw new ConfigError(`${key}.afterBody`, 'expected true or false');
    spec.afterBody = r.afterBody;
  }
  if (r.retryAfter !== undefined) spec.retryAfter = optInt(r.retryAfter, `${key}.retryAfter`, 1, 0);
  if (r.ms !== undefined) spec.ms = optInt(r.ms, `${key}.ms`, 0, 0);
  if (r.afterBytes !== undefined) spec.afterBytes = optInt(r.afterBytes, `${key}.afterBytes`, 0, 0);
  if (r.bytesPerSecond !== undefined) spec.bytesPerSecond = optInt(r.bytesPerSecond, `${key}.bytesPerSecond`, 1, 1);
  if (r.offset !== undefined) spec.offset = optInt(r.offset, `${key}.offset`, 0, 0);
  if (r.bytes !== undefined) spec.bytes = optInt(r.bytes, `${key}.bytes`, 1, 1);
  if ((spec.kind === 'slow-request' || spec.kind === 'slow-response') && spec.bytesPerSecond === undefined) {
    throw new ConfigError(`${key}.bytesPerSecond`, `is required for kind ${spec.kind}`);
  }
  if (spec.kind === 'delay' && spec.ms === undefined) throw new ConfigError(`${key}.ms`, 'is required for kind delay');
  return spec;
}
