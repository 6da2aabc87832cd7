// Error bodies in GitLab's shapes (`lib/api/helpers.rb`, Grape's validation errors in `lib/api/api.rb`):
// helpers → {"message":"400 Bad request - …"} / "403 Forbidden" / "404 <Thing> Not Found";
// Grape parameter errors → {"error":"…"}.
import { sendJson } from '../reply.js';
import type { RequestContext } from '../router.js';

/** basic_auth_helpers.rb: generic package routes add the challenge. */
export const PACKAGES_REALM = 'Basic realm="GitLab Packages Registry"';

export function unauthorized(ctx: RequestContext, opts: { realm?: boolean } = {}): Promise<void> {
  return sendJson(ctx, 401, { message: '401 Unauthorized' }, opts.realm ? { 'www-authenticate': PACKAGES_REALM } : {});
}

export function forbidden(ctx: RequestContext, reason?: string): Promise<void> {
  return sendJson(ctx, 403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' });
}

export function insufficientScope(ctx: RequestContext, scopes: string[]): Promise<void> {
  return sendJson(ctx, 403, {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope: scopes.join(' '),
  }, { 'www-authenticate': `Bearer realm="", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="${scopes.join(' ')}"` });
}

/**
 * `what` = 'Project', 'Package', 'Variable'…; '' → a bare `not_found!` ("404 Not Found");
 * omitted → ActiveRecord's "404 Not found" (`lib/api/api.rb`).
 */
export function notFound(ctx: RequestContext, what?: string): Promise<void> {
  if (what === '') return sendJson(ctx, 404, { message: '404 Not Found' });
  return sendJson(ctx, 404, { message: what ? `404 ${what} Not Found` : '404 Not found' });
}

export function badRequest(ctx: RequestContext, reason: string): Promise<void> {
  return sendJson(ctx, 400, { message: `400 Bad request - ${reason}` });
}

/** Grape validation failure. */
export function paramError(ctx: RequestContext, message: string): Promise<void> {
  return sendJson(ctx, 400, { error: message });
}

/** ActiveRecord validation failure: {"message":{"attr":["…"]}}. */
export function validationError(ctx: RequestContext, errors: Record<string, string[]>): Promise<void> {
  return sendJson(ctx, 400, { message: errors });
}
