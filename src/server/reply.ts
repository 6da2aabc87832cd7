// Every response body leaves through writeBody, which is where response-side faults (reset,
// truncate, slow, corrupt) are applied, so a flavour module gets them for free on every route.
import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestContext } from './router.js';
import type { SelectedFault } from './faults.js';

export function sendJson(ctx: RequestContext, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Promise<void> {
  const buf = Buffer.from(JSON.stringify(body));
  return writeBody(ctx, status, { 'content-type': 'application/json', ...headers }, buf);
}

export function sendText(ctx: RequestContext, status: number, text: string, headers: OutgoingHttpHeaders = {}): Promise<void> {
  return writeBody(ctx, status, { 'content-type': 'text/plain; charset=utf-8', ...headers }, Buffer.from(text));
}

export function sendEmpty(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders = {}): Promise<void> {
  return writeBody(ctx, status, headers, Buffer.alloc(0));
}

export interface StreamBody {
  /** Opens the bytes to send; called at most once, only when a body is sent (not for HEAD). */
  open: () => Readable;
  length: number;
}

const BODY_FAULTS = new Set(['reset-response', 'truncate', 'slow-response', 'corrupt']);

/**
 * Writes status, headers and body. Content-Length is always set (never chunked), so a truncate
 * fault really is "Content-Length promised, fewer bytes sent".
 */
export async function writeBody(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  body: Buffer | StreamBody,
): Promise<void> {
  if (ctx.hijacked || ctx.res.headersSent || ctx.res.destroyed) return;
  const length = Buffer.isBuffer(body) ? body.length : body.length;
  const res = ctx.res;
  const noBody = ctx.method === 'HEAD' || status === 204 || status === 304;
  const all: OutgoingHttpHeaders = { ...headers };
  if (status !== 204 && status !== 304) all['content-length'] = String(length);
  res.writeHead(status, all);
  if (noBody) {
    res.end();
    return;
  }
  const faults = ctx.faults.filter((f) => BODY_FAULTS.has(f.spec.kind));
  if (faults.length === 0) {
    if (Buffer.isBuffer(body)) {
      res.end(body);
      return;
    }
    try {
      await pipeline(body.open(), res);
    } catch {
      // client went away or the file vanished mid-send: nothing more can be said on this socket
      res.destroy();
    }
    return;
  }
  await writeFaulted(ctx, body, length, faults);
}

async function writeFaulted(ctx: RequestContext, body: Buffer | StreamBody, length: number, faults: SelectedFault[]): Promise<void> {
  const res = ctx.res;
  const half = Math.floor(length / 2);
  const clampCut = (n: number | undefined) => Math.max(0, Math.min(n ?? half, Math.max(0, length - 1)));
  let cut: { at: number; mode: 'reset' | 'truncate'; sel: SelectedFault } | undefined;
  let corrupt: { from: number; to: number; sel: SelectedFault } | undefined;
  let slow: { bps: number; sel: SelectedFault } | undefined;
  for (const f of faults) {
    const s = f.spec;
    if (s.kind === 'reset-response' || s.kind === 'truncate') {
      const at = clampCut(s.afterBytes);
      if (!cut || at < cut.at) cut = { at, mode: s.kind === 'truncate' ? 'truncate' : 'reset', sel: f };
    } else if (s.kind === 'corrupt') {
      const from = Math.min(s.offset ?? half, Math.max(0, length - 1));
      corrupt = { from, to: Math.min(length, from + (s.bytes ?? 1)), sel: f };
    } else if (s.kind === 'slow-response') {
      slow = { bps: s.bytesPerSecond!, sel: f };
    }
  }
  const record = (sel: SelectedFault, detail: string) => ctx.controller.record(sel, ctx.routeId, ctx.method, ctx.rawPath, detail);
  if (corrupt) record(corrupt.sel, `flipped bytes ${corrupt.from}..${corrupt.to - 1}`);
  if (slow) record(slow.sel, `${slow.bps} B/s`);

  // Headers go out first, so even a cut at byte 0 is "reset in the middle of the response".
  res.flushHeaders();
  const source: AsyncIterable<Buffer> = Buffer.isBuffer(body) ? toIterable(body) : body.open();
  let pos = 0;
  const started = Date.now();
  try {
    for await (const chunk0 of source) {
      let chunk: Buffer = chunk0;
      let last = false;
      if (cut && pos + chunk.length >= cut.at) {
        chunk = chunk.subarray(0, cut.at - pos);
        last = true;
      }
      if (corrupt && pos < corrupt.to && pos + chunk.length > corrupt.from) {
        chunk = Buffer.from(chunk);
        for (let i = Math.max(corrupt.from, pos); i < Math.min(corrupt.to, pos + chunk.length); i++) chunk[i - pos]! ^= 0xff;
      }
      if (slow) {
        const piece = Math.max(1, Math.floor(slow.bps / 20));
        for (let o = 0; o < chunk.length; o += piece) {
          const part = chunk.subarray(o, o + piece);
          await write(res, part);
          pos += part.length;
          const due = started + (pos / slow.bps) * 1000;
          const wait = due - Date.now();
          if (wait > 0) await sleep(wait);
        }
      } else {
        if (chunk.length) await write(res, chunk);
        pos += chunk.length;
      }
      if (last) break;
    }
    if (cut) {
      if (pos < cut.at) return; // source ended early (cannot happen with a correct length)
      record(cut.sel, `${cut.mode} after ${cut.at} of ${length} bytes`);
      ctx.hijacked = true;
      await new Promise((r) => setImmediate(r));
      const sock = res.socket;
      if (cut.mode === 'reset') {
        if (sock && typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
        else sock?.destroy();
      } else {
        sock?.end();
        sock?.destroySoon?.();
      }
      return;
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    if (!Buffer.isBuffer(body) && 'destroy' in (source as object)) (source as Readable).destroy();
  }
}

function write(res: RequestContext['res'], chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('response destroyed'));
    const ok = res.write(chunk, (err) => (err ? reject(err) : ok && resolve()));
    if (!ok) {
      const onDrain = () => {
        res.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        res.off('drain', onDrain);
        reject(new Error('response closed'));
      };
      res.once('drain', onDrain);
      res.once('close', onClose);
    }
  });
}

async function* toIterable(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}
