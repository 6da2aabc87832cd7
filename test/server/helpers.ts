// Test helpers: start a server in a temp data dir and talk to it over plain node:http, which
// sends paths byte-for-byte (fetch/WHATWG URL would collapse `..` and `%2e%2e` before sending).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { TestContext } from 'node:test';
import { startServer, type RunningServer, type ServeOptions, type ServerConfigInput } from '../../src/server/index.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => any;
}

export async function tempDir(prefix = 'relpack-serve-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Starts a server on a free port in a fresh data dir; closed and removed after the test. */
export async function serve(t: TestContext | null, config?: ServerConfigInput, extra: Partial<ServeOptions> = {}): Promise<RunningServer> {
  const dataDir = extra.dataDir ?? (await tempDir());
  const server = await startServer({ port: 0, dataDir, ...(config ? { config } : {}), ...extra });
  t?.after(async () => {
    await server.close();
    if (!extra.dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return server;
}

export function send(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string; token?: string } = {},
): Promise<Reply> {
  const u = new URL(base);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['PRIVATE-TOKEN'] = opts.token;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(parts);
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: buf,
          text: buf.toString('utf8'),
          json: () => JSON.parse(buf.toString('utf8')),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const API = (id: string | number = 1) => `/api/v4/projects/${id}`;
export const generic = (file: string, name = 'pkg', version = '1.0.0', id: string | number = 1) => `${API(id)}/packages/generic/${name}/${version}/${file}`;

export function put(s: RunningServer, path: string, body: Buffer | string, token: string | Record<string, string> = s.tokens.maintainer!): Promise<Reply> {
  const headers = typeof token === 'string' ? { 'PRIVATE-TOKEN': token } : token;
  return send(s.url, 'PUT', path, { headers, body });
}

export function get(s: RunningServer, path: string, token: string | Record<string, string> | null = s.tokens.maintainer!): Promise<Reply> {
  const headers = token === null ? {} : typeof token === 'string' ? { 'PRIVATE-TOKEN': token } : token;
  return send(s.url, 'GET', path, { headers });
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

export function basic(user: string, pass: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

export { rm };

/** The server cleans up an aborted upload asynchronously after the client saw the error. */
export async function noTempFilesLeft(s: { tempFiles(): Promise<string[]> }, timeoutMs = 2000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let left = await s.tempFiles();
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    left = await s.tempFiles();
  }
  return left;
}
