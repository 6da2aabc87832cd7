/**
 * A small reverse proxy in front of `relpack serve`, for the few behaviours of real deployments
 * the local registry does not have itself: a front end that redirects writes, or an older server
 * that ignores `select=package_file`.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

export interface ProxyRule {
  /** Answer the request here instead of forwarding it. */
  answer?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Rewrite the path that is forwarded. */
  path?: (path: string, method: string) => string;
}

export async function startProxy(target: string, rule: ProxyRule = {}): Promise<{ url: string }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (rule.answer?.(req, res)) return;
    const path = rule.path ? rule.path(req.url ?? '/', req.method ?? 'GET') : req.url;
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
