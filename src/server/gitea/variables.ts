// Actions variables API at repo, org and user level (Gitea `routers/api/v1/repo/action.go`,
// `services/actions/variables.go`; docs/gitea-behaviour.md, case 15).
import { sendEmpty, sendJson } from '../reply.js';
import { BodyAbortedError, readSmallBody } from '../request-body.js';
import type { RequestContext, Router } from '../router.js';
import { hasScope, type Principal } from './auth.js';
import { decodeSegment, nowIsoMs, type GiteaContext } from './context.js';
import { apiError, apiNotFound, requiredError } from './errors.js';
import { validVariableName } from './names.js';
import { listOptions, paginate } from './pagination.js';
import type { VariableRow } from './store.js';

interface VariableScope {
  key: string;
  ownerId: number;
  repoId: number;
}

type Level = 'repo' | 'org' | 'user';

const BASES: Record<Level, { base: string; id: string }> = {
  repo: { base: '/api/v1/repos/:owner/:repo/actions/variables', id: 'gitea.variables' },
  org: { base: '/api/v1/orgs/:org/actions/variables', id: 'gitea.variables.org' },
  user: { base: '/api/v1/user/actions/variables', id: 'gitea.variables.user' },
};

export function registerVariableRoutes(router: Router, g: GiteaContext): void {
  if (!g.cfg.features.variablesApi) return; // G <1.22, F <v8: no such API
  for (const level of ['repo', 'org', 'user'] as const) {
    const { base, id } = BASES[level];
    router.add({ id: `${id}.list`, method: 'GET', pattern: base, handler: (c) => list(g, c, level) });
    router.add({ id: `${id}.get`, method: 'GET', pattern: `${base}/:name`, handler: (c) => get(g, c, level) });
    router.add({ id: `${id}.create`, method: 'POST', pattern: `${base}/:name`, handler: (c) => create(g, c, level) });
    router.add({ id: `${id}.update`, method: 'PUT', pattern: `${base}/:name`, handler: (c) => update(g, c, level) });
    router.add({ id: `${id}.delete`, method: 'DELETE', pattern: `${base}/:name`, handler: (c) => remove(g, c, level) });
  }
}

const CATEGORY: Record<Level, string> = { repo: 'repository', org: 'organization', user: 'user' };

/**
 * reqToken → token scope (`repository` / `organization` / `user`) → repo/org lookup (404) →
 * reqOwner (403). Job tokens are never the owner, so they get 403 even for reads (`reqOwner` in `routers/api/v1/api.go`).
 */
async function access(g: GiteaContext, ctx: RequestContext, level: Level, write: boolean): Promise<VariableScope | null> {
  const a = g.auth.authenticate(ctx);
  if (!a.ok) {
    await apiError(ctx, 401, 'Failed to authenticate user');
    return null;
  }
  const p: Principal = a.principal;
  if (p.kind === 'anonymous') {
    await apiError(ctx, 401, 'token is required');
    return null;
  }
  const category = CATEGORY[level];
  if (!hasScope(p, category, write)) {
    const scopes = p.kind === 'user' && p.token ? p.token.scopes.join(',') : '';
    await apiError(ctx, 403, `token does not have at least one of required scope(s), required=[${write ? 'write' : 'read'}:${category}], token scope=${scopes}`);
    return null;
  }
  if (level === 'repo') {
    const owner = decodeSegment(ctx.params.owner);
    const name = decodeSegment(ctx.params.repo);
    const repo = owner === null || name === null ? undefined : g.auth.repo(owner, name);
    if (!repo) {
      await apiNotFound(ctx);
      return null;
    }
    if (!g.auth.isRepoOwner(p, repo)) {
      await apiError(ctx, 403, 'user should be the owner of the repo');
      return null;
    }
    return { key: `repo:${repo.fullName.toLowerCase()}`, ownerId: 0, repoId: repo.id };
  }
  if (level === 'org') {
    const name = decodeSegment(ctx.params.org);
    const owner = name === null ? undefined : g.auth.owner(name);
    if (owner?.kind !== 'org') {
      await apiNotFound(ctx);
      return null;
    }
    if (!g.auth.isOrgOwner(p, owner.org)) {
      await apiError(ctx, 403, 'must be an organization owner');
      return null;
    }
    return { key: `org:${owner.name.toLowerCase()}`, ownerId: owner.id, repoId: 0 };
  }
  if (p.kind !== 'user') {
    await apiError(ctx, 403, 'user should be the owner of the repo');
    return null;
  }
  return { key: `user:${p.user.name.toLowerCase()}`, ownerId: p.user.id, repoId: 0 };
}

function entity(g: GiteaContext, v: VariableRow): Record<string, unknown> {
  const out: Record<string, unknown> = { owner_id: v.ownerId, repo_id: v.repoId, name: v.name, data: v.data };
  if (g.cfg.features.variableDescription) out.description = v.description;
  return out;
}

function pathName(ctx: RequestContext): string {
  return (decodeSegment(ctx.params.name) ?? ctx.params.name ?? '').toUpperCase();
}

async function list(g: GiteaContext, ctx: RequestContext, level: Level): Promise<void> {
  const s = await access(g, ctx, level, false);
  if (!s) return;
  const out = paginate(ctx, g.store.variables(s.key), listOptions(ctx.query), { link: g.cfg.features.variablesLink });
  return sendJson(ctx, 200, out.items.map((v) => entity(g, v)), out.headers);
}

async function get(g: GiteaContext, ctx: RequestContext, level: Level): Promise<void> {
  const s = await access(g, ctx, level, false);
  if (!s) return;
  const v = g.store.variable(s.key, pathName(ctx));
  if (!v) return apiError(ctx, 404, 'variable not found');
  return sendJson(ctx, 200, entity(g, v));
}

type Body = { value?: unknown; description?: unknown; name?: unknown };

/** web.Bind: a JSON (or form) body; `value` is `binding:"Required"` → 422 when missing or empty. */
async function readBody(ctx: RequestContext): Promise<Body | 'aborted' | 'invalid'> {
  let buf: Buffer | null;
  try {
    buf = await readSmallBody(ctx);
  } catch (e) {
    if (e instanceof BodyAbortedError) return 'aborted';
    throw e;
  }
  if (buf === null) return 'invalid';
  const text = buf.toString('utf8');
  if (text.trim() === '') return {};
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const j = JSON.parse(text) as unknown;
    return typeof j === 'object' && j !== null && !Array.isArray(j) ? (j as Body) : 'invalid';
  } catch {
    return 'invalid';
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function bodyOrError(ctx: RequestContext): Promise<{ value: string; description: string | undefined; name: string | undefined } | null> {
  const b = await readBody(ctx);
  if (b === 'aborted') return null;
  if (b === 'invalid') {
    await sendJson(ctx, 422, [{ fieldNames: [], classification: 'DeserializationError', message: 'invalid JSON body' }]);
    return null;
  }
  const value = str(b.value);
  if (!value) {
    await requiredError(ctx, 'Value');
    return null;
  }
  return { value, description: str(b.description), name: str(b.name) };
}

/** Data has CRLF normalised to LF; G ≥1.24 caps data at 65536 characters and truncates the description to 4096. */
function checkData(g: GiteaContext, data: string): string | null {
  const d = data.replace(/\r\n/g, '\n');
  if (g.cfg.features.variableDataLimit && d.length > 65536) return null;
  return d;
}

async function create(g: GiteaContext, ctx: RequestContext, level: Level): Promise<void> {
  const s = await access(g, ctx, level, true);
  if (!s) return;
  const body = await bodyOrError(ctx);
  if (!body) return;
  const name = pathName(ctx);
  if (g.store.variable(s.key, name)) return apiError(ctx, 409, `variable name ${name} already exists`);
  if (!validVariableName(name, g.cfg.features)) return apiError(ctx, 400, 'invalid variable or secret name');
  const data = checkData(g, body.value);
  if (data === null) return apiError(ctx, 400, 'data too long');
  await g.commit({
    op: 'variable.put',
    row: { scope: s.key, ownerId: s.ownerId, repoId: s.repoId, name, data, description: (body.description ?? '').slice(0, 4096), createdAt: nowIsoMs() },
  });
  // 201 in G ≥1.25 (#34517), 204 in older Gitea and in Forgejo.
  return sendEmpty(ctx, g.cfg.features.variableCreateStatus);
}

async function update(g: GiteaContext, ctx: RequestContext, level: Level): Promise<void> {
  const s = await access(g, ctx, level, true);
  if (!s) return;
  const body = await bodyOrError(ctx);
  if (!body) return;
  const current = g.store.variable(s.key, pathName(ctx));
  if (!current) return apiError(ctx, 404, 'variable not found');
  // A missing or empty `name` keeps the current name.
  const name = body.name ? body.name.toUpperCase() : current.name;
  if (!validVariableName(name, g.cfg.features)) return apiError(ctx, 400, 'invalid variable or secret name');
  if (name !== current.name && g.store.variable(s.key, name)) return apiError(ctx, 409, `variable name ${name} already exists`);
  const data = checkData(g, body.value);
  if (data === null) return apiError(ctx, 400, 'data too long');
  // G ≥1.24 overwrites the description: leaving it out clears it.
  const description = body.description !== undefined || g.cfg.features.descriptionOverwrite ? (body.description ?? '').slice(0, 4096) : current.description;
  await g.commit({ op: 'variable.put', row: { ...current, name, data, description }, previousName: current.name });
  return sendEmpty(ctx, 204);
}

async function remove(g: GiteaContext, ctx: RequestContext, level: Level): Promise<void> {
  const s = await access(g, ctx, level, true);
  if (!s) return;
  const v = g.store.variable(s.key, pathName(ctx));
  if (!v) return apiError(ctx, 404, 'variable not found');
  await g.commit({ op: 'variable.delete', scope: s.key, name: v.name });
  return sendEmpty(ctx, 204);
}
