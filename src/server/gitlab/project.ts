// GET /api/v4/projects/:id and GET /api/v4/version: clients probe these before publishing.
import { sendJson } from '../reply.js';
import type { RequestContext, Router } from '../router.js';
import { API_RULES, findProject, missingScope, projectAccess } from './auth.js';
import type { GitlabContext } from './context.js';
import { insufficientScope, notFound, unauthorized } from './errors.js';

export function registerProjectRoutes(router: Router, g: GitlabContext): void {
  router.add({ id: 'gitlab.version', method: 'GET', pattern: '/api/v4/version', handler: (c) => version(g, c) });
  router.add({ id: 'gitlab.project', method: 'GET', pattern: '/api/v4/projects/:id', handler: (c) => project(g, c) });
}

async function version(g: GitlabContext, ctx: RequestContext): Promise<void> {
  const a = g.auth.authenticate(ctx, API_RULES);
  if (!a.ok || a.principal.kind === 'anonymous') return unauthorized(ctx);
  const scope = missingScope(a.principal, false);
  if (scope) return insufficientScope(ctx, scope);
  return sendJson(ctx, 200, {
    version: g.cfg.version,
    revision: 'relpack',
    kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
    enterprise: false,
  });
}

async function project(g: GitlabContext, ctx: RequestContext): Promise<void> {
  // Job tokens may read their own project (ci_job_token.md lists a few GET endpoints).
  const a = g.auth.authenticate(ctx, { ...API_RULES, jobToken: true });
  if (!a.ok) return unauthorized(ctx);
  const p = findProject(g.cfg, ctx.params.id!);
  if (!p || !projectAccess(a.principal, p).visible) return notFound(ctx, 'Project');
  const [ns, ...rest] = p.path.split('/');
  const name = rest[rest.length - 1]!;
  const nsPath = p.path.slice(0, p.path.lastIndexOf('/'));
  return sendJson(ctx, 200, {
    id: p.id,
    description: null,
    name,
    name_with_namespace: p.path.split('/').join(' / '),
    path: name,
    path_with_namespace: p.path,
    created_at: '2026-01-01T00:00:00.000Z',
    default_branch: 'main',
    visibility: p.visibility,
    web_url: `${ctx.origin}/${p.path}`,
    http_url_to_repo: `${ctx.origin}/${p.path}.git`,
    namespace: { id: 1, name: ns, path: ns, kind: 'group', full_path: nsPath },
    packages_enabled: true,
    package_registry_access_level: p.visibility === 'private' ? 'private' : 'enabled',
    _links: { self: `${ctx.origin}/api/v4/projects/${p.id}` },
  });
}
