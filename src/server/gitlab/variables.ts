// Project CI/CD variables API (GitLab `lib/api/ci/variables.rb`; docs/gitlab-behaviour.md, case 19).
import { sendEmpty, sendJson } from '../reply.js';
import { readSmallBody, BodyAbortedError } from '../request-body.js';
import type { RequestContext, Router } from '../router.js';
import { API_RULES, findProject, missingScope, projectAccess } from './auth.js';
import type { GitlabProject } from './config.js';
import type { GitlabContext } from './context.js';
import { forbidden, insufficientScope, notFound, paramError, unauthorized, validationError } from './errors.js';
import { paginate, pageParams } from './pagination.js';
import { MASKABLE, MASKABLE_RAW, VARIABLE_KEY } from './regex.js';
import type { VariableRow } from './store.js';

const BASE = '/api/v4/projects/:id/variables';

export function registerVariableRoutes(router: Router, g: GitlabContext): void {
  router.add({ id: 'gitlab.variables.list', method: 'GET', pattern: BASE, handler: (c) => list(g, c) });
  router.add({ id: 'gitlab.variables.create', method: 'POST', pattern: BASE, handler: (c) => create(g, c) });
  router.add({ id: 'gitlab.variables.get', method: 'GET', pattern: `${BASE}/:key`, handler: (c) => get(g, c) });
  router.add({ id: 'gitlab.variables.update', method: 'PUT', pattern: `${BASE}/:key`, handler: (c) => update(g, c) });
  router.add({ id: 'gitlab.variables.delete', method: 'DELETE', pattern: `${BASE}/:key`, handler: (c) => remove(g, c) });
}

/**
 * authorize! :admin_cicd_variables = Maintainer+. The routes have no job_token_allowed, so a
 * JOB-TOKEN is simply not a credential here: the caller is anonymous → 401.
 */
async function access(g: GitlabContext, ctx: RequestContext, write: boolean): Promise<GitlabProject | null> {
  const a = g.auth.authenticate(ctx, API_RULES);
  if (!a.ok || a.principal.kind === 'anonymous') {
    await unauthorized(ctx);
    return null;
  }
  const project = findProject(g.cfg, ctx.params.id!);
  if (!project || !projectAccess(a.principal, project).visible) {
    await notFound(ctx, 'Project');
    return null;
  }
  const scope = missingScope(a.principal, write);
  if (scope) {
    await insufficientScope(ctx, scope);
    return null;
  }
  if (!projectAccess(a.principal, project).adminVariables) {
    await forbidden(ctx);
    return null;
  }
  return project;
}

function entity(v: VariableRow): Record<string, unknown> {
  return {
    variable_type: v.variable_type,
    key: v.key,
    value: v.hidden ? null : v.value,
    hidden: v.hidden,
    protected: v.protected,
    masked: v.masked,
    raw: v.raw,
    environment_scope: v.environment_scope,
    description: v.description,
  };
}

async function list(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const project = await access(g, ctx, false);
  if (!project) return;
  const page = pageParams(ctx.query);
  if ('error' in page) return paramError(ctx, page.error);
  const out = paginate(ctx, g.store.variables(project.id), page, g.cfg.externalUrl);
  return sendJson(ctx, 200, out.items.map(entity), out.headers);
}

/** find_variable with filter[environment_scope] (variables_helpers.rb): 404 none, 409 ambiguous. */
async function lookup(g: GitlabContext, ctx: RequestContext, project: GitlabProject, params?: Params): Promise<VariableRow | null> {
  let key: string;
  try {
    key = decodeURIComponent(ctx.params.key!);
  } catch {
    key = ctx.params.key!;
  }
  // Grape merges query and body params, so PUT/DELETE may send the filter in the body.
  const fromBody = params === undefined ? undefined : strParam(params, FILTER);
  const scope = fromBody ?? ctx.query.get(FILTER);
  const found = g.store.variables(project.id).filter((v) => v.key === key && (scope === null || v.environment_scope === scope));
  if (found.length === 0) {
    await notFound(ctx, 'Variable');
    return null;
  }
  if (found.length > 1) {
    await sendJson(ctx, 409, { message: "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'" });
    return null;
  }
  return found[0]!;
}

async function get(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const project = await access(g, ctx, false);
  if (!project) return;
  const v = await lookup(g, ctx, project);
  if (v) return sendJson(ctx, 200, entity(v));
}

async function remove(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const project = await access(g, ctx, true);
  if (!project) return;
  const read = await readParams(ctx);
  if ('error' in read) return read.error === 'aborted' ? undefined : paramError(ctx, read.error);
  const v = await lookup(g, ctx, project, read.params);
  if (!v) return;
  await g.commit({ op: 'variable.delete', projectId: project.id, key: v.key, scope: v.environment_scope });
  return sendEmpty(ctx, 204);
}

type Params = Record<string, unknown>;

const FILTER = 'filter[environment_scope]';

/**
 * Rack nests `filter[environment_scope]=…` into `filter: {environment_scope}`, as a JSON body
 * writes it; both are read here under the flat name.
 */
function flattenFilter(p: Params): Params {
  const f = p.filter;
  if (typeof f === 'object' && f !== null && !Array.isArray(f) && 'environment_scope' in f) {
    const { filter: _, ...rest } = p;
    return { ...rest, [FILTER]: (f as Params).environment_scope };
  }
  return p;
}

/**
 * Grape merges query and body params; bodies may be JSON, form-urlencoded or multipart/form-data
 * (`curl --form key=… --form value=…`, as `doc/api/project_level_variables.md` shows).
 */
async function readParams(ctx: RequestContext): Promise<{ params: Params } | { error: string }> {
  const params: Params = Object.fromEntries(ctx.query.entries());
  let body: Buffer | null;
  try {
    body = await readSmallBody(ctx);
  } catch (e) {
    if (e instanceof BodyAbortedError) return { error: 'aborted' };
    throw e;
  }
  if (body === null) return { error: 'request body is too large' };
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (text.trim() === '') return { params };
  if (type.includes('json')) {
    try {
      const j = JSON.parse(text) as unknown;
      if (typeof j !== 'object' || j === null || Array.isArray(j)) return { error: 'The request body must be a JSON object' };
      return { params: { ...params, ...flattenFilter(j as Params) } };
    } catch {
      return { error: 'There was a problem with the parsing of the request body' };
    }
  }
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': ctx.req.headers['content-type']! } }).formData();
    } catch {
      return { error: 'There was a problem with the parsing of the request body' };
    }
    const fields: Params = {};
    for (const [k, v] of form.entries()) fields[k] = typeof v === 'string' ? v : await v.text();
    return { params: { ...params, ...fields } };
  }
  return { params: { ...params, ...Object.fromEntries(new URLSearchParams(text).entries()) } };
}

function boolParam(p: Params, name: string, errors: string[]): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|1|t|yes|y)$/i.test(v)) return true;
  if (typeof v === 'string' && /^(false|0|f|no|n)$/i.test(v)) return false;
  errors.push(`${name} is invalid`);
  return undefined;
}

function strParam(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

/** ActiveRecord validations of Ci::Variable (`app/models/ci/variable.rb` and its concerns). */
function validate(v: VariableRow, others: VariableRow[]): Record<string, string[]> {
  const e: Record<string, string[]> = {};
  const add = (k: string, m: string) => (e[k] ??= []).push(m);
  if (v.key.length > 255) add('key', 'is too long (maximum is 255 characters)');
  if (!VARIABLE_KEY.test(v.key)) add('key', "can contain only letters, digits and '_'.");
  if (v.masked && !(v.raw ? MASKABLE_RAW : MASKABLE).test(v.value)) add('value', 'is invalid');
  if (v.description !== null && v.description.length > 255) add('description', 'is too long (maximum is 255 characters)');
  if (others.some((o) => o.key === v.key && o.environment_scope === v.environment_scope)) add('key', `(${v.key}) has already been taken`);
  return e;
}

async function create(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const project = await access(g, ctx, true);
  if (!project) return;
  const read = await readParams(ctx);
  if ('error' in read) return read.error === 'aborted' ? undefined : paramError(ctx, read.error);
  const p = read.params;
  const errors: string[] = [];
  const key = strParam(p, 'key');
  const value = strParam(p, 'value');
  if (key === undefined) errors.push('key is missing');
  if (value === undefined) errors.push('value is missing');
  const type = strParam(p, 'variable_type') ?? 'env_var';
  if (type !== 'env_var' && type !== 'file') errors.push('variable_type does not have a valid value');
  const prot = boolParam(p, 'protected', errors);
  const masked = boolParam(p, 'masked', errors);
  const hidden = boolParam(p, 'masked_and_hidden', errors);
  const raw = boolParam(p, 'raw', errors);
  if (errors.length) return paramError(ctx, errors.join(', '));
  const row: VariableRow = {
    projectId: project.id,
    key: key!.trim(),
    value: value!,
    variable_type: type as VariableRow['variable_type'],
    protected: prot ?? false,
    masked: (masked ?? false) || (hidden ?? false),
    hidden: hidden ?? false,
    raw: raw ?? false,
    environment_scope: strParam(p, 'environment_scope') ?? '*',
    description: strParam(p, 'description') ?? null,
  };
  const invalid = validate(row, g.store.variables(project.id));
  if (Object.keys(invalid).length) return validationError(ctx, invalid);
  await g.commit({ op: 'variable.put', row });
  return sendJson(ctx, 201, entity(row));
}

async function update(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const project = await access(g, ctx, true);
  if (!project) return;
  const read = await readParams(ctx);
  if ('error' in read) return read.error === 'aborted' ? undefined : paramError(ctx, read.error);
  const p = read.params;
  const current = await lookup(g, ctx, project, p);
  if (!current) return;
  const errors: string[] = [];
  const type = strParam(p, 'variable_type');
  if (type !== undefined && type !== 'env_var' && type !== 'file') errors.push('variable_type does not have a valid value');
  const prot = boolParam(p, 'protected', errors);
  const masked = boolParam(p, 'masked', errors);
  const raw = boolParam(p, 'raw', errors);
  if (errors.length) return paramError(ctx, errors.join(', '));
  // `app/models/concerns/ci/hidable_variable.rb`, validate_masked_and_hidden_on_update.
  if (current.hidden && masked === false) {
    return validationError(ctx, { base: ['Updating masked attribute is not allowed on updates for hidden variables.'] });
  }
  const row: VariableRow = {
    ...current,
    value: strParam(p, 'value') ?? current.value,
    variable_type: (type as VariableRow['variable_type'] | undefined) ?? current.variable_type,
    protected: prot ?? current.protected,
    masked: masked ?? current.masked,
    raw: raw ?? current.raw,
    environment_scope: strParam(p, 'environment_scope') ?? current.environment_scope,
    description: strParam(p, 'description') ?? current.description,
  };
  const others = g.store.variables(project.id).filter((v) => v !== current);
  const invalid = validate(row, others);
  if (Object.keys(invalid).length) return validationError(ctx, invalid);
  await g.commit({ op: 'variable.put', row, previousScope: current.environment_scope });
  return sendJson(ctx, 200, entity(row));
}
