/**
 * A listing whose server gives its total (GitLab's X-Total, Gitea's X-Total-Count) is read a few
 * pages ahead (registry/pagination.ts, PAGES_AHEAD): several pages are in flight at once, each page
 * is asked for once, and the rows come back in the order the server links its pages. Pages asked
 * for ahead that the server's links do not lead to are dropped, so the result is what reading page
 * by page gives.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { readRows } from '../../src/registry/answers.js';
import { PAGES_AHEAD, fetchAllPages } from '../../src/registry/pagination.js';

interface Listing {
  url: string;
  /** Page numbers in the order they were asked for. */
  asked: number[];
  /** The most requests the server had open at once. */
  mostAtOnce: () => number;
}

/**
 * Serves `pages` pages of `perPage` rows, with X-Total (none for `total: null`) and a Link to `nextOf(page)` (none when it
 * returns undefined); each answer waits `delayMs`, so that requests overlap when they can.
 */
async function listing(options: { pages: number; perPage: number; total?: number | null; nextOf?: (page: number) => number | undefined; delayMs?: number }): Promise<Listing> {
  const { pages, perPage, delayMs = 20 } = options;
  const nextOf = options.nextOf ?? ((page: number) => (page < pages ? page + 1 : undefined));
  const asked: number[] = [];
  let open = 0;
  let most = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = Number(url.searchParams.get('page') ?? 1);
    asked.push(page);
    open++;
    most = Math.max(most, open);
    setTimeout(() => {
      open--;
      const rows = page <= pages ? perPage : 0;
      const next = nextOf(page);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.total !== null) headers['x-total'] = String(options.total ?? pages * perPage);
      if (next !== undefined) {
        url.searchParams.set('page', String(next));
        headers.link = `<http://${req.headers.host}${url.pathname}${url.search}>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify(Array.from({ length: rows }, (_, i) => ({ id: page * 1000 + i }))));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4/projects/1/packages/7/package_files?per_page=100`, asked, mostAtOnce: () => most };
}

async function listAll(url: string): Promise<number[]> {
  const http = new HttpClient({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  try {
    const rows = await fetchAllPages(http, {
      url,
      fail: async (response) => new RelpackError('HTTP', `HTTP ${response.status}`),
      rows: (body, answer) => readRows(answer, body, { id: 'id' }),
    });
    return rows.map((row) => row.id);
  } finally {
    await http.close();
  }
}

function ids(pages: number[], perPage: number): number[] {
  return pages.flatMap((page) => Array.from({ length: perPage }, (_, i) => page * 1000 + i));
}

test('a listing with a total is read several pages at a time, each page once, the rows in order', async () => {
  const server = await listing({ pages: 30, perPage: 5 });
  const rows = await listAll(server.url);
  const all = Array.from({ length: 30 }, (_, i) => i + 1);
  assert.deepEqual(rows, ids(all, 5));
  assert.deepEqual([...server.asked].sort((a, b) => a - b), all, 'every page asked for once');
  assert.ok(server.mostAtOnce() > 1, 'pages overlap');
  assert.ok(server.mostAtOnce() <= PAGES_AHEAD + 1, `at most ${PAGES_AHEAD + 1} pages at once, not ${server.mostAtOnce()}`);
});

test('pages asked for ahead that the links do not lead to are dropped: the rows are those of the linked pages', async () => {
  // The server links 1 → 3 → 5 → … (odd pages only), though its total would fill every page.
  const server = await listing({ pages: 12, perPage: 5, total: 60, nextOf: (page) => (page + 2 <= 12 ? page + 2 : undefined) });
  const rows = await listAll(server.url);
  assert.deepEqual(rows, ids([1, 3, 5, 7, 9, 11], 5));
});

test('a total larger than the listing: reading ends at the first empty page, as page by page', async () => {
  const server = await listing({ pages: 4, perPage: 5, total: 200, nextOf: (page) => page + 1 });
  const rows = await listAll(server.url);
  assert.deepEqual(rows, ids([1, 2, 3, 4], 5));
});

test('without a total, pages are read one by one', async () => {
  const server = await listing({ pages: 6, perPage: 5, total: null, delayMs: 5 });
  const rows = await listAll(server.url);
  assert.deepEqual(rows, ids([1, 2, 3, 4, 5, 6], 5));
  assert.deepEqual(server.asked, [1, 2, 3, 4, 5, 6]);
  assert.equal(server.mostAtOnce(), 1);
});
