// GitHub's repository variables REST API (docs.github.com/rest/actions/variables;
// docs/gitea-behaviour.md, case 16): create with POST to the
// collection (name in the body) → 201, update with PATCH → 204, responses carry `value`.
import type { OutgoingHttpHeaders } from 'node:http';
import { sendEmpty, sendJson } from '../reply.js';
import { BodyAbortedError, readSmallBody } from '../request-body.js';
import type { RequestContext, Router } from '../router.js';
import type { GithubConfig, GithubToken } from './config.js';
import type { GithubStore, VariableRow } from './store.js';

const BASE = '/api/v3/repos/:owner/:repo/actions/variables';
const DOCS = 'https://docs.github.com/rest/actions/variables';

export interface GithubContext {
  cfg: GithubConfig;
  store: GithubStore;
  commit(r: { op: 'variable.put'; row: VariableRow; previousName?: string } | { op: 'variable.delete'; repo: string; name: string }): Promise<void>;
}

export function registerGithubRoutes(router: Router, g: GithubContext): void {
  router.add({ id: 'github.variables.list', method: 'GET', pattern: BASE, handler: (c) => list(g, c) });
  router.add({ id: 'github.variables.create', method: 'POST', pattern: BASE, handler: (c) => create(g, c) });
  router.add({ id: 'github.variables.get', method: 'GET', pattern: `${BASE}/:name`, handler: (c) => get(g, c) });
  router.add({ id: 'github.variables.update', method: 'PATCH', pattern: `${BASE}/:name`, handler: (c) => update(g, c) });
  router.add({ id: 'github.variables.delete', method: 'DELETE', pattern: `${BASE}/:name`, handler: (c) => remove(g, c) });
}

const API_HEADERS: OutgoingHttpHeaders = { 'x-github-api-version-selected': '2022-11-28', 'x-github-media-type': 'github.v3; format=json' };

export function githubError(ctx: RequestContext, status: number, message: string, doc = 'https://docs.github.com/rest'): Promise<void> {
  return sendJson(ctx, status, { message, documentation_url: doc, status: String(status) }, { 'content-type': 'application/json; charset=utf-8', ...API_HEADERS });
}

function ok(ctx: RequestContext, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Promise<void> {
  return sendJson(ctx, status, body, { 'content-type': 'application/json; charset=utf-8', ...API_HEADERS, ...headers });
}

/**
 * Bearer/token (or Basic with the token as password) → repo visible to the token (else 404, as
 * GitHub hides repos) → the Actions GITHUB_TOKEN has no variables permission at all (403
 * "Resource not accessible by integration"; GitHub's docs "Permissions for the GITHUB_TOKEN") → a PAT
 * needs variables read/write.
 */
async function access(g: GithubContext, ctx: RequestContext, write: boolean): Promise<string | null> {
  const header = ctx.req.headers.authorization;
  if (!header) {
    await githubError(ctx, 401, 'Requires authentication');
    return null;
  }
  const token = findToken(g.cfg, header);
  if (!token) {
    await githubError(ctx, 401, 'Bad credentials');
    return null;
  }
  const wanted = `${decode(ctx.params.owner)}/${decode(ctx.params.repo)}`.toLowerCase();
  const repo = g.cfg.repos.find((r) => r.toLowerCase() === wanted);
  const reachable = repo && (token.type === 'actions' ? token.repo.toLowerCase() === wanted : !token.repos || token.repos.some((r) => r.toLowerCase() === wanted));
  if (!repo || !reachable) {
    await githubError(ctx, 404, 'Not Found');
    return null;
  }
  if (token.type === 'actions') {
    await githubError(ctx, 403, 'Resource not accessible by integration', `${DOCS}#list-repository-variables`);
    return null;
  }
  if (token.variables === 'none' || (write && token.variables !== 'write')) {
    await githubError(ctx, 403, 'Resource not accessible by personal access token', `${DOCS}#list-repository-variables`);
    return null;
  }
  return repo.toLowerCase();
}

function findToken(cfg: GithubConfig, header: string): GithubToken | undefined {
  const [scheme = '', cred = ''] = header.trim().split(/\s+/);
  let value = cred;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(cred, 'base64').toString('utf8');
    value = decoded.slice(decoded.indexOf(':') + 1) || decoded.slice(0, decoded.indexOf(':'));
  } else if (!/^(bearer|token)$/i.test(scheme)) return undefined;
  return cfg.tokens.find((t) => t.value === value);
}

function decode(s: string | undefined): string {
  try {
    return decodeURIComponent(s ?? '');
  } catch {
    return s ?? '';
  }
}

/** Alphanumerics and `_`, not starting with a digit or `GITHUB_` (GitHub's naming rules for variables). */
function validName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.toUpperCase().startsWith('GITHUB_');
}

const INVALID_NAME = 'Failed to create variable. Variable names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Spaces are not allowed. Must start with a letter ([a-z], [A-Z]) or underscores (_). Must not start with GITHUB_.';

function entity(v: VariableRow): Record<string, unknown> {
  return { name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function intParam(v: string | null, dflt: number): number {
  if (v === null || !/^\d+$/.test(v.trim())) return dflt;
  return Number(v);
}

async function list(g: GithubContext, ctx: RequestContext): Promise<void> {
  const repo = await access(g, ctx, false);
  if (!repo) return;
  // per_page default 10, max 30 (docs.github.com/rest/actions/variables).
  const perPage = Math.min(30, Math.max(1, intParam(ctx.query.get('per_page'), 10)));
  const page = Math.max(1, intParam(ctx.query.get('page'), 1));
  const all = g.store.variables(repo);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const url = (p: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${ctx.origin}${ctx.rawPath}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${url(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page > 1) links.push(`${url(1)}; rel="first"`);
  return ok(ctx, 200, { total_count: all.length, variables: all.slice((page - 1) * perPage, page * perPage).map(entity) }, links.length ? { link: links.join(', ') } : {});
}

async function get(g: GithubContext, ctx: RequestContext): Promise<void> {
  const repo = await access(g, ctx, false);
  if (!repo) return;
  const v = g.store.variable(repo, decode(ctx.params.name));
  if (!v) return githubError(ctx, 404, 'Not Found', `${DOCS}#get-a-repository-variable`);
  return ok(ctx, 200, entity(v));
}

type Body = { name?: unknown; value?: unknown };

async function readJson(ctx: RequestContext): Promise<Body | null> {
  let buf: Buffer | null;
  try {
    buf = await readSmallBody(ctx);
  } catch (e) {
    if (e instanceof BodyAbortedError) return null;
    throw e;
  }
  if (buf === null) {
    await githubError(ctx, 413, 'Request body too large');
    return null;
  }
  const text = buf.toString('utf8');
  if (text.trim() === '') return {};
  try {
    const j = JSON.parse(text) as unknown;
    if (typeof j === 'object' && j !== null && !Array.isArray(j)) return j as Body;
  } catch {
    /* answered below */
  }
  await githubError(ctx, 400, 'Problems parsing JSON');
  return null;
}

/** POST …/variables {name, value} → 201 `{}`. 409 on an existing name is our choice (GitHub's docs do not say). */
async function create(g: GithubContext, ctx: RequestContext): Promise<void> {
  const repo = await access(g, ctx, true);
  if (!repo) return;
  const body = await readJson(ctx);
  if (!body) return;
  for (const field of ['name', 'value'] as const) {
    if (typeof body[field] !== 'string') return githubError(ctx, 422, `Invalid request.\n\n"${field}" wasn't supplied.`, `${DOCS}#create-a-repository-variable`);
  }
  const name = body.name as string;
  if (!validName(name)) return githubError(ctx, 422, INVALID_NAME, `${DOCS}#create-a-repository-variable`);
  if (g.store.variable(repo, name)) return githubError(ctx, 409, 'Already exists', `${DOCS}#create-a-repository-variable`);
  const t = now();
  await g.commit({ op: 'variable.put', row: { repo, name: name.toUpperCase(), value: body.value as string, createdAt: t, updatedAt: t } });
  return ok(ctx, 201, {});
}

/** PATCH …/variables/{name} {name?, value?} → 204. */
async function update(g: GithubContext, ctx: RequestContext): Promise<void> {
  const repo = await access(g, ctx, true);
  if (!repo) return;
  const body = await readJson(ctx);
  if (!body) return;
  const current = g.store.variable(repo, decode(ctx.params.name));
  if (!current) return githubError(ctx, 404, 'Not Found', `${DOCS}#update-a-repository-variable`);
  if (body.name !== undefined && typeof body.name !== 'string') return githubError(ctx, 422, 'Invalid request.\n\nFor \'properties/name\', is not a string.', `${DOCS}#update-a-repository-variable`);
  if (body.value !== undefined && typeof body.value !== 'string') return githubError(ctx, 422, 'Invalid request.\n\nFor \'properties/value\', is not a string.', `${DOCS}#update-a-repository-variable`);
  const name = body.name ? (body.name as string) : current.name;
  if (!validName(name)) return githubError(ctx, 422, INVALID_NAME, `${DOCS}#update-a-repository-variable`);
  if (name.toUpperCase() !== current.name && g.store.variable(repo, name)) return githubError(ctx, 409, 'Already exists', `${DOCS}#update-a-repository-variable`);
  await g.commit({
    op: 'variable.put',
    row: { ...current, name: name.toUpperCase(), value: (body.value as string | undefined) ?? current.value, updatedAt: now() },
    previousName: current.name,
  });
  return sendEmpty(ctx, 204, API_HEADERS);
}

async function remove(g: GithubContext, ctx: RequestContext): Promise<void> {
  const repo = await access(g, ctx, true);
  if (!repo) return;
  const v = g.store.variable(repo, decode(ctx.params.name));
  if (!v) return githubError(ctx, 404, 'Not Found', `${DOCS}#delete-a-repository-variable`);
  await g.commit({ op: 'variable.delete', repo, name: v.name });
  return sendEmpty(ctx, 204, API_HEADERS);
}
