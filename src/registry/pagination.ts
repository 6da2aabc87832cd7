/**
 * Offset pagination as both registries do it: GitLab's `X-Next-Page` (empty on the last page,
 * GitLab `lib/gitlab/pagination/offset_header_builder.rb`) and the GitHub-style `Link: <…>; rel="next"`
 * that GitLab and Gitea both send, with the row count in `X-Total` (GitLab, left out above 10,000
 * rows by the same builder) or `X-Total-Count` (Gitea `services/context/api.go`, SetTotalCountHeader).
 *
 * A server that keeps saying "next" must not keep relpack reading: a page asked for twice (1 → 2 →
 * 1) is a loop, rows beyond the server's own total are not asked for, and without a total the
 * pages and rows read are capped; each case fails with a PROTOCOL error rather than returning a
 * listing that may be incomplete.
 */
import type { RelpackError } from '../base/errors.js';
import { throwIfRetryable, type HttpClient, type HttpResponse } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import { RetryableFailure } from '../http/retry.js';
import { protocolError, type Answer } from './answers.js';

export interface PageLimits {
  /** Pages read at most: 100 rows a page make this a million rows. */
  maxPages: number;
  /** Rows read at most, whatever the pages hold. */
  maxRows: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { maxPages: 10_000, maxRows: 1_000_000 };

/**
 * The next page's URL. GitLab builds `Link` from its configured host and port and the scheme the
 * request arrived with (`lib/gitlab/pagination/offset_header_builder.rb`), Gitea from its ROOT_URL
 * (`services/context/pagination.go`): behind a proxy or under an internal hostname that is another
 * origin than the one relpack was given, where its credentials are not sent. A `Link` to another
 * origin is therefore rebased onto the URL relpack called: same origin and path, the link's query
 * (the page, the cursor). Credentials are never dropped from a page, nor sent to another origin.
 */
export function nextPageUrl(response: HttpResponse, current: URL): URL | undefined {
  const link = response.header('link');
  if (link) {
    for (const part of link.split(',')) {
      const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
      if (!match || !URL.canParse(match[1], current)) continue;
      const next = new URL(match[1], current);
      if (next.origin === current.origin) return next;
      const rebased = new URL(current);
      rebased.search = next.search;
      return rebased;
    }
  }
  const nextPage = response.header('x-next-page');
  if (nextPage && /^\d+$/.test(nextPage)) {
    const next = new URL(current);
    next.searchParams.set('page', nextPage);
    return next;
  }
  return undefined;
}

/** A page's identity: its URL, where no `page` parameter means the first page (both registries count from 1). */
function pageKey(url: URL): string {
  const key = new URL(url);
  if (!key.searchParams.has('page')) key.searchParams.set('page', '1');
  key.searchParams.sort();
  return key.toString();
}

/** The number of rows the server says the whole listing has, when it says. */
export function totalRows(response: HttpResponse): number | undefined {
  const total = response.header('x-total') ?? response.header('x-total-count');
  return total && /^\d+$/.test(total.trim()) ? Number(total) : undefined;
}

export interface PagedListing<T> {
  url: string;
  /** The error for an answer that is neither a page nor one of `emptyOn`. */
  fail: (response: HttpResponse) => Promise<RelpackError>;
  /** Statuses that mean "nothing there" (e.g. 404 for a package that has gone). */
  emptyOn?: number[];
  /** One page's body as rows, checked (registry/answers.ts readRows). */
  rows: (body: unknown, answer: Answer) => T[];
  limits?: PageLimits;
}

/**
 * Pages asked for ahead of the one being read, once the server has said how many rows there are:
 * a listing of n pages then costs about n / (PAGES_AHEAD + 1) round trips instead of n (GitLab
 * lists at most 100 files a page: a version of 10,000 files is 100 pages).
 */
export const PAGES_AHEAD = 3;

type PageResult = 'empty' | { kind: 'failed'; response: HttpResponse } | { kind: 'page'; body: unknown; next?: URL; total?: number };

/**
 * GETs every page of a JSON-array listing. The pages are read in the order the server links them,
 * and each one's `next` decides the one after, as when they are fetched one by one; once the first
 * page has given the total and a next page numbered by `page`, the pages that total still needs are
 * asked for a few ahead, and a page whose URL is not the one its predecessor links is dropped and
 * fetched again as linked.
 */
export async function fetchAllPages<T>(http: HttpClient, listing: PagedListing<T>): Promise<T[]> {
  const { fail, emptyOn = [], limits = DEFAULT_PAGE_LIMITS } = listing;
  const first = new URL(listing.url);
  const items: T[] = [];
  const read = new Set<string>();
  const ahead = new Map<string, Promise<PageResult>>();
  // The page is fetched and parsed inside the retries: a body that breaks half-way through a
  // listing is asked for again, like any other transient failure.
  const fetchPage = (pageUrl: URL): Promise<PageResult> =>
    http.retrying({ method: 'GET', url: pageUrl }, async (): Promise<PageResult> => {
      const response = await throwIfRetryable(await http.request({ method: 'GET', url: pageUrl, retry: false }));
      if (emptyOn.includes(response.status)) {
        await response.drain();
        return 'empty';
      }
      if (response.status !== 200) return { kind: 'failed', response };
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        if ((error as { code?: unknown }).code === 'PROTOCOL') throw error;
        throw new RetryableFailure(`the listing ${redactUrl(pageUrl)} broke`, undefined, undefined, { cause: error });
      }
      return { kind: 'page', body, next: nextPageUrl(response, pageUrl), total: totalRows(response) };
    });
  /** Asks for the pages after `next` that `total` still needs, up to PAGES_AHEAD not yet read. */
  const askAhead = (next: URL, total: number, perPage: number) => {
    const number = Number(next.searchParams.get('page'));
    if (!Number.isSafeInteger(number) || number < 1 || perPage <= 0) return;
    const pagesLeft = Math.ceil((total - items.length) / perPage);
    for (let page = number; page < number + Math.min(pagesLeft, PAGES_AHEAD + 1); page++) {
      const pageUrl = new URL(next);
      pageUrl.searchParams.set('page', String(page));
      const key = pageKey(pageUrl);
      if (ahead.has(key) || read.has(key)) continue;
      const result = fetchPage(pageUrl);
      result.catch(() => {}); // a page never read is never awaited; read, it throws there
      ahead.set(key, result);
    }
  };
  let perPage: number | undefined;
  let url: URL | undefined = first;
  try {
    while (url) {
      const pageUrl: URL = url;
      const key = pageKey(pageUrl);
      read.add(key);
      const prefetched = ahead.get(key);
      ahead.delete(key);
      const result = await (prefetched ?? fetchPage(pageUrl));
      if (result === 'empty') return items;
      if (result.kind === 'failed') throw await fail(result.response);
      const rows = listing.rows(result.body, { method: 'GET', url: pageUrl });
      items.push(...rows);
      const { next, total } = result;
      // An empty page, no next, or every row the server says there is: the listing is complete.
      if (rows.length === 0 || !next || (total !== undefined && items.length >= total)) return items;
      if (read.has(pageKey(next))) {
        throw protocolError({ method: 'GET', url: first }, `its pages go round in a loop: after ${read.size} pages, the next one is ${redactUrl(next)} again`);
      }
      if (read.size >= limits.maxPages || items.length >= limits.maxRows) {
        throw protocolError(
          { method: 'GET', url: first },
          `it still says there is a next page after ${read.size} pages and ${items.length} rows, more than relpack reads of one listing${total === undefined ? '' : ` (it says it has ${total} rows)`}`,
        );
      }
      perPage ??= rows.length;
      if (total !== undefined && total <= limits.maxRows) askAhead(next, total, perPage);
      url = next;
    }
    return items;
  } finally {
    // Pages asked for ahead that the listing did not need (it ended, or the server linked others).
    for (const result of ahead.values()) void result.then((page) => (page !== 'empty' && page.kind === 'failed' ? page.response.drain() : undefined)).catch(() => {});
  }
}
