// Error bodies in Gitea's shapes: the package API answers plain text (routers/api/packages
// apiError → ctx.PlainText), the v1 API answers {"message","url"} (APIError), with an `errors`
// list on 404 (APIErrorNotFound) (Gitea `routers/api/packages/generic/generic.go`,
// `services/context/api.go`).
import { sendJson, sendText } from '../reply.js';
import type { RequestContext } from '../router.js';

export const PACKAGE_REALM = 'Basic realm="Gitea Package API"';

export function plain(ctx: RequestContext, status: number, message: string): Promise<void> {
  return sendText(ctx, status, message);
}

/** 401 with the Basic challenge: missing auth, no access, missing scope, bad credentials (docs/gitea-behaviour.md, case 5). */
export function packageUnauthorized(ctx: RequestContext, message = 'user should have specific permission or be a site admin'): Promise<void> {
  return sendText(ctx, 401, message, { 'www-authenticate': PACKAGE_REALM });
}

export function apiError(ctx: RequestContext, status: number, message: string): Promise<void> {
  return sendJson(ctx, status, { message, url: `${ctx.origin}/api/swagger` });
}

export function apiNotFound(ctx: RequestContext, ...errors: string[]): Promise<void> {
  return sendJson(ctx, 404, { errors, message: "The target couldn't be found.", url: `${ctx.origin}/api/swagger` });
}

/** binding.Errors for a `binding:"Required"` field (422). */
export function requiredError(ctx: RequestContext, field: string): Promise<void> {
  return sendJson(ctx, 422, [{ fieldNames: [field], classification: 'RequiredError', message: 'Required' }]);
}
