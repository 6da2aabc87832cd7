/**
 * Paged listings end (issue 13, point 5), against a server of the test's own that pages the way a
 * broken or hostile one would: a page asked for twice (1 → 2 → 1, or a "next" that is the page
 * itself) is a loop, reported as a PROTOCOL error; the server's own X-Total (GitLab) or
 * X-Total-Count (Gitea) is a row count reading stops at; and without one, an endless X-Next-Page or
 * Link ends at the page and row limits instead of thousands of requests.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { readRows } from '../../src/registry/answers.js';
import { fetchAllPages, type PageLimits } from '../../src/registry/pagination.js';
import { cli } from '../helpers/harness.js';

interface Pager {
  url: string;
  /** The page numbers asked for, in order (1 for the first request, which names none). */
  pages: number[];
}

/** Serves page n of a listing: `rows(n)` rows and the headers `headers(n, url)` gives. */
async function pager(answer: (page: number, req: IncomingMessage) => { rows: number; headers: Record<string, string> }): Promise<Pager> {
  const pages: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    pages.push(page);
    const { rows, headers } = answer(page, req);
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(Array.from({ length: rows }, (_, i) => ({ id: page * 1000 + i, name: 'app', version: `${page}.${i}.0` }))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4/projects/1/packages?per_page=100`, pages };
}

async function listAll(url: string, limits?: PageLimits) {
  const http = new HttpClient({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  try {
    return await fetchAllPages(http, {
      url,
      fail: async (response) => new RelpackError('HTTP', `HTTP ${response.status}`),
      rows: (body, answer) => readRows(answer, body, { id: 'id' }),
      limits,
    });
  } finally {
    await http.close();
  }
}

function loop(error: unknown): boolean {
  return error instanceof RelpackError && error.code === 'PROTOCOL' && /its pages go round in a loop/.test(error.message);
}

test('1 → 2 → 1: the page asked for twice is a loop, found before page 1 is asked for again', async () => {
  const server = await pager((page) => ({ rows: 100, headers: { 'x-next-page': page === 1 ? '2' : '1' } }));
  await assert.rejects(listAll(server.url), loop);
  assert.deepEqual(server.pages, [1, 2]);
});

test('a "next" that is the page itself is a loop too, not a silent end', async () => {
  const server = await pager(() => ({ rows: 100, headers: { 'x-next-page': '2' } }));
  await assert.rejects(listAll(server.url), loop);
  assert.deepEqual(server.pages, [1, 2]);
});

test('a Link rel="next" that leads back to an earlier page is a loop', async () => {
  const server = await pager((page, req) => ({ rows: 50, headers: { link: `<http://${req.headers.host}/api/v4/projects/1/packages?per_page=100&page=${page === 3 ? 2 : page + 1}>; rel="next"` } }));
  await assert.rejects(listAll(server.url), loop);
  assert.deepEqual(server.pages, [1, 2, 3]);
});

test('an endless X-Next-Page stops once the rows reach the server\'s own X-Total (GitLab)', async () => {
  const server = await pager((page) => ({ rows: 100, headers: { 'x-next-page': String(page + 1), 'x-total': '250' } }));
  const rows = await listAll(server.url);
  assert.deepEqual(server.pages, [1, 2, 3]);
  assert.equal(rows.length, 300);
});

test('an endless Link stops at X-Total-Count (Gitea)', async () => {
  const server = await pager((page, req) => ({ rows: 50, headers: { link: `<http://${req.headers.host}/api/v1/x?page=${page + 1}>; rel="next"`, 'x-total-count': '120' } }));
  await listAll(server.url);
  assert.deepEqual(server.pages, [1, 2, 3]);
});

test('an endless X-Next-Page without a total ends at the page limit, with a PROTOCOL error rather than a partial listing', async () => {
  const server = await pager((page) => ({ rows: 1, headers: { 'x-next-page': String(page + 1) } }));
  await assert.rejects(listAll(server.url, { maxPages: 25, maxRows: 1_000_000 }), (error: unknown) => {
    assert.ok(error instanceof RelpackError && error.code === 'PROTOCOL');
    assert.match(error.message, /it still says there is a next page after 25 pages and 25 rows, more than relpack reads of one listing/);
    return true;
  });
  assert.equal(server.pages.length, 25);
});

test('the row limit ends a listing of few, huge pages', async () => {
  const server = await pager((page) => ({ rows: 100, headers: { 'x-next-page': String(page + 1) } }));
  await assert.rejects(listAll(server.url, { maxPages: 10_000, maxRows: 300 }), /after 3 pages and 300 rows/);
});

test('relpack list ends against a registry that always says there is a next page', { timeout: 30_000 }, async () => {
  const server = await pager((page) => ({ rows: 1, headers: { 'x-next-page': String(page + 1), 'x-total': '3' } }));
  const run = await cli(['list', '--name', 'app', '--json'], { env: { RELPACK_URL: new URL(server.url).origin, RELPACK_PROJECT: '1', RELPACK_REGISTRY: 'gitlab' } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).versions.length, 3);
  assert.deepEqual(server.pages, [1, 2, 3]);
});
