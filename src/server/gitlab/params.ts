// Request parameters as Grape sees them: the query merged with a JSON, form-urlencoded or
// multipart body, with Rack's nesting of form keys (`assets[links][][name]=…` becomes
// `{assets: {links: [{name: …}]}}`, `Rack::QueryParser#normalize_params`).
import { BodyAbortedError, readSmallBody } from '../request-body.js';
import type { RequestContext } from '../router.js';

export type Params = Record<string, unknown>;

export type ReadResult = { params: Params } | { error: string } | { aborted: true };

export async function readGrapeParams(ctx: RequestContext): Promise<ReadResult> {
  const pairs: [string, string][] = [...ctx.query.entries()];
  let body: Buffer | null;
  try {
    body = await readSmallBody(ctx);
  } catch (e) {
    if (e instanceof BodyAbortedError) return { aborted: true };
    throw e;
  }
  if (body === null) return { error: 'request body is too large' };
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (text.trim() !== '' && type.includes('json')) {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      return { error: 'There was a problem with the parsing of the request body' };
    }
    if (typeof j !== 'object' || j === null || Array.isArray(j)) return { error: 'The request body must be a JSON object' };
    return { params: { ...rackNest(pairs), ...(j as Params) } };
  }
  if (text.trim() !== '' && type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': ctx.req.headers['content-type']! } }).formData();
    } catch {
      return { error: 'There was a problem with the parsing of the request body' };
    }
    for (const [k, v] of form.entries()) pairs.push([k, typeof v === 'string' ? v : await v.text()]);
    return { params: rackNest(pairs) };
  }
  if (text.trim() !== '') pairs.push(...new URLSearchParams(text).entries());
  return { params: rackNest(pairs) };
}

/** Rack's nested form keys: `a[b]`, `a[]`, `a[][c]` (a new hash starts when its key repeats). */
export function rackNest(pairs: [string, string][]): Params {
  const out: Params = {};
  for (const [key, value] of pairs) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) {
      out[key] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    assign(out, path, value);
  }
  return out;
}

function assign(target: Params, path: string[], value: string): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (rest[0] === '') {
    const list = Array.isArray(target[head]) ? (target[head] as unknown[]) : (target[head] = []);
    const after = rest.slice(1);
    if (after.length === 0) {
      (list as unknown[]).push(value);
      return;
    }
    const last = list[list.length - 1] as Params | undefined;
    const child = last && typeof last === 'object' && !(after[0]! in last) ? last : ({} as Params);
    if (child !== last) list.push(child);
    assign(child, after, value);
    return;
  }
  const child = typeof target[head] === 'object' && target[head] !== null && !Array.isArray(target[head]) ? (target[head] as Params) : (target[head] = {});
  assign(child as Params, rest, value);
}

/**
 * A `type: String` param: absent or null → undefined; numbers and booleans are coerced as Grape
 * does; anything else is "<name> is invalid".
 */
export function stringParam(p: Params, key: string, errors: string[], label = key): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  errors.push(`${label} is invalid`);
  return undefined;
}

export function isPlainObject(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
