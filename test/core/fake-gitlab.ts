/**
 * A GitLab-shaped registry of a test's own, for answers `relpack serve` will not give: a file body
 * that never ends, one that stops and trickles. It lists one package `app` 1.0.0 in project 1 with
 * the given files (GitLab's `lib/api/package_files.rb` shape) and serves each file with the test's
 * handler. Everything else is a 404.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

export interface FakeFile {
  name: string;
  /** Listed size; leave it out to list none. */
  size?: number;
  sha256?: string;
  serve: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface FakeGitlab {
  url: string;
  /** `METHOD path range` of every request, in order. */
  requests: string[];
  env: Record<string, string>;
}

export async function fakeGitlab(files: FakeFile[]): Promise<FakeGitlab> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-total': '1', 'x-next-page': '' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/v4/projects/1/packages') return json([{ id: 1, name: 'app', version: '1.0.0', package_type: 'generic' }]);
    if (url.pathname === '/api/v4/projects/1/packages/1/package_files') {
      return json(files.map((f, i) => ({ id: i + 1, package_id: 1, file_name: f.name, size: f.size, file_sha256: f.sha256 ?? null })));
    }
    const prefix = '/api/v4/projects/1/packages/generic/app/1.0.0/';
    const file = url.pathname.startsWith(prefix) ? files.find((f) => f.name === decodeURIComponent(url.pathname.slice(prefix.length))) : undefined;
    if (file) return file.serve(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"message":"404 Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, env: { RELPACK_URL: url, RELPACK_PROJECT: '1', RELPACK_REGISTRY: 'gitlab', RELPACK_TOKEN: 'glpat-fake-token' } };
}

/** Sends chunks of `chunk` bytes until the client goes away: a body that never ends. */
export function endless(res: ServerResponse, chunk = 64 * 1024): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const block = Buffer.alloc(chunk, 0x61);
  const pump = () => {
    while (!res.destroyed && res.write(block)) {
      // keep writing while the socket takes it
    }
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}
