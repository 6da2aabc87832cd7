/**
 * Offset pagination as both registries do it: GitLab's `X-Next-Page` (empty on the last page,
 * gitlab-api.md §3) and the GitHub-style `Link: <…>; rel="next"` that GitLab and Gitea both send.
 */
import type { GenpackError } from '../core/errors.js';
import type { HttpClient, HttpResponse } from '../http/client.js';

/** Upper bound on pages, so a server that always answers "next" cannot loop us forever. */
const MAX_PAGES = 10_000;

export function nextPageUrl(response: HttpResponse, current: URL): URL | undefined {
  const link = response.header('link');
  if (link) {
    for (const part of link.split(',')) {
      const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
      if (match) return new URL(match[1], current);
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

/**
 * GETs every page of a JSON-array listing. `emptyOn` statuses mean "nothing there" (e.g. 404 for a
 * package that has gone); any other non-200 answer becomes the error `fail` builds.
 */
export async function fetchAllPages<T>(
  http: HttpClient,
  firstUrl: string,
  fail: (response: HttpResponse) => Promise<GenpackError>,
  emptyOn: number[] = [],
): Promise<T[]> {
  const items: T[] = [];
  let url: URL | undefined = new URL(firstUrl);
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const response = await http.request({ method: 'GET', url });
    if (emptyOn.includes(response.status)) {
      await response.drain();
      return items;
    }
    if (response.status !== 200) throw await fail(response);
    const body = await response.json<T[]>();
    if (!Array.isArray(body)) break;
    items.push(...body);
    const next = nextPageUrl(response, url);
    url = body.length > 0 && next && next.toString() !== url.toString() ? next : undefined;
  }
  return items;
}
