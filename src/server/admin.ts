// Admin endpoints for tests that run `relpack serve` as a separate process:
//   GET    /-/relpack/health          → 200 {"status":"ok"}            (no auth)
//   GET    /-/relpack/stats           → 200 {connections, refusedConnections, bufferedBodyBytes, limits} (no auth: counts only)
//   GET    /-/relpack/faults          → {"faults":[…],"fired":[…]}
//   POST   /-/relpack/faults          body: one fault spec or a list → 201 {"ids":[…]}
//   DELETE /-/relpack/faults          → 204 (clears faults; `?fired=1` also clears the log)
//   DELETE /-/relpack/faults/:id      → 204 / 404 (requests it holds continue)
//   POST   /-/relpack/faults/:id/release → 200 {"released":n} (the requests a `hold` fault keeps waiting continue)
// Guarded by the admin token (`X-Relpack-Admin-Token` or `Authorization: Bearer`), never by
// registry tokens, and exempt from fault injection.
import { timingSafeEqual } from 'node:crypto';
import { ConfigError } from './config-values.js';
import type { FaultController } from './faults.js';
import { sendEmpty, sendJson } from './reply.js';
import { readSmallBody } from './request-body.js';
import type { RequestContext, Router } from './router.js';

export function registerAdminRoutes(router: Router, faults: FaultController, adminToken: string, stats: () => Promise<object>): void {
  const guard = async (ctx: RequestContext) => {
    const given = ctx.req.headers['x-relpack-admin-token'] ?? /^Bearer\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(String(given));
    const b = Buffer.from(adminToken);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
    await sendJson(ctx, 401, { message: '401 Unauthorized - admin token required (X-Relpack-Admin-Token)' });
    return false;
  };
  router.add({ id: 'admin.health', method: 'GET', pattern: '/-/relpack/health', noFaults: true, handler: (ctx) => sendJson(ctx, 200, { status: 'ok' }) });
  router.add({ id: 'admin.stats', method: 'GET', pattern: '/-/relpack/stats', noFaults: true, handler: async (ctx) => sendJson(ctx, 200, await stats()) });
  router.add({
    id: 'admin.faults', method: 'GET', pattern: '/-/relpack/faults', noFaults: true,
    handler: async (ctx) => {
      if (await guard(ctx)) await sendJson(ctx, 200, { faults: faults.list(), fired: faults.fired() });
    },
  });
  router.add({
    id: 'admin.faults', method: 'POST', pattern: '/-/relpack/faults', noFaults: true,
    handler: async (ctx) => {
      if (!(await guard(ctx))) return;
      const body = await readSmallBody(ctx);
      let spec: unknown;
      try {
        spec = JSON.parse(body?.toString('utf8') ?? '');
      } catch {
        return sendJson(ctx, 400, { message: 'body must be a JSON fault spec or a list of them' });
      }
      try {
        const ids = faults.add(spec as Parameters<FaultController['add']>[0]);
        return sendJson(ctx, 201, { ids });
      } catch (e) {
        if (e instanceof ConfigError) return sendJson(ctx, 400, { message: e.message, key: e.key });
        throw e;
      }
    },
  });
  router.add({
    id: 'admin.faults', method: 'DELETE', pattern: '/-/relpack/faults', noFaults: true,
    handler: async (ctx) => {
      if (!(await guard(ctx))) return;
      faults.clear();
      if (ctx.query.get('fired')) faults.clearFired();
      return sendEmpty(ctx, 204);
    },
  });
  router.add({
    id: 'admin.faults', method: 'DELETE', pattern: '/-/relpack/faults/:fault', noFaults: true,
    handler: async (ctx) => {
      if (!(await guard(ctx))) return;
      return faults.remove(decodeURIComponent(ctx.params.fault!)) ? sendEmpty(ctx, 204) : sendJson(ctx, 404, { message: '404 Fault Not Found' });
    },
  });
  router.add({
    id: 'admin.faults', method: 'POST', pattern: '/-/relpack/faults/:fault/release', noFaults: true,
    handler: async (ctx) => {
      if (!(await guard(ctx))) return;
      const id = decodeURIComponent(ctx.params.fault!);
      if (!faults.list().some((f) => f.id === id)) return sendJson(ctx, 404, { message: '404 Fault Not Found' });
      return sendJson(ctx, 200, { released: faults.release(id) });
    },
  });
}
