// Request bodies are read through bodyChunks so request-side faults (reset while receiving,
// slow reading) and client aborts behave the same on every route that takes a body.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestContext } from './router.js';

/** Thrown when the body did not arrive whole (client abort, reset fault, short Content-Length). */
export class BodyAbortedError extends Error {
  readonly code = 'RELPACK_BODY_ABORTED';
}

export async function* bodyChunks(ctx: RequestContext): AsyncGenerator<Buffer> {
  const reset = ctx.faults.find((f) => f.spec.kind === 'reset-request');
  const slow = ctx.faults.find((f) => f.spec.kind === 'slow-request');
  const declared = ctx.req.headers['content-length'] !== undefined ? Number(ctx.req.headers['content-length']) : undefined;
  // Clamp the cut inside a declared body so a selected fault always fires; chunked bodies
  // (no Content-Length) are cut where asked, or at once by default.
  const want = reset ? (reset.spec.afterBytes ?? Math.floor((declared ?? 0) / 2)) : -1;
  const resetAt = !reset ? -1 : declared === undefined ? want : Math.max(0, Math.min(want, declared - 1));
  if (slow) ctx.controller.record(slow, ctx.routeId, ctx.method, ctx.rawPath, `${slow.spec.bytesPerSecond} B/s`);
  const doReset = (got: number) => {
    ctx.controller.record(reset!, ctx.routeId, ctx.method, ctx.rawPath, `reset after receiving ${got} bytes`);
    ctx.hijacked = true;
    const sock = ctx.req.socket;
    if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
    else sock.destroy();
    throw new BodyAbortedError(`request body reset by fault after ${got} bytes`);
  };
  if (reset && resetAt === 0) doReset(0);
  let got = 0;
  const started = Date.now();
  try {
    for await (const chunk0 of ctx.req) {
      let chunk = chunk0 as Buffer;
      if (reset && got + chunk.length >= resetAt) {
        chunk = chunk.subarray(0, resetAt - got);
        if (chunk.length) yield chunk;
        got += chunk.length;
        doReset(got);
      }
      got += chunk.length;
      yield chunk;
      if (slow) {
        const wait = started + (got / slow.spec.bytesPerSecond!) * 1000 - Date.now();
        if (wait > 0) await sleep(wait);
      }
    }
  } catch (err) {
    if (err instanceof BodyAbortedError) throw err;
    throw new BodyAbortedError(`request body aborted after ${got} bytes: ${(err as Error).message}`);
  }
  if (reset) doReset(got);
  if (!ctx.req.complete || (declared !== undefined && got !== declared)) {
    throw new BodyAbortedError(`request body ended after ${got} of ${declared ?? '?'} bytes`);
  }
}

/** Reads a small body (JSON or form parameters) whole; bigger than `limit` → null. */
export async function readSmallBody(ctx: RequestContext, limit = 1 << 20): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of bodyChunks(ctx)) {
    size += c.length;
    if (size > limit) return null;
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** Drains a body without keeping it (used when a fault answers after the body). */
export async function drainBody(ctx: RequestContext): Promise<void> {
  try {
    for await (const _ of ctx.req) void _;
  } catch {
    /* the client gave up; nothing to answer */
  }
}

/**
 * Call right after an upload was committed. When a `drop-after-commit` fault is selected the
 * socket is destroyed with no response and true is returned: the handler must not answer.
 */
export function dropAfterCommit(ctx: RequestContext): boolean {
  const f = ctx.faults.find((x) => x.spec.kind === 'drop-after-commit');
  if (!f) return false;
  ctx.controller.record(f, ctx.routeId, ctx.method, ctx.rawPath, 'stored, connection dropped before the response');
  ctx.hijacked = true;
  ctx.req.socket.destroy();
  return true;
}
