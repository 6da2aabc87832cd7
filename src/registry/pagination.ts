/**
 * Offset pagination as both registries do it: GitLab's `X-Next-Page` (empty on the last page,
 * GitLab `lib/gitlab/pagination/offset_header_builder.rb`) and the GitHub-style `Link: <…>; rel="next"`
 * that GitLab and Gitea both send.
 */
import type { RelpackError } from '../base/errors.js';
import { throwIfRetryable, type HttpClient, type HttpResponse } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import { RetryableFailure } from '../http/retry.js';

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
  fail: (response: HttpResponse) => Promise<RelpackError>,
  emptyOn: number[] = [],
): Promise<T[]> {
  const items: T[] = [];
  let url: URL | undefined = new URL(firstUrl);
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const pageUrl: URL = url;
    // The page is fetched and parsed inside the retries: a body that breaks half-way through a
    // listing is asked for again, like any other transient failure.
    const result = await http.retrying({ method: 'GET', url: pageUrl }, async () => {
      const response = await throwIfRetryable(await http.request({ method: 'GET', url: pageUrl, retry: false }));
      if (emptyOn.includes(response.status)) {
        await response.drain();
        return 'empty' as const;
      }
      if (response.status !== 200) return { kind: 'failed' as const, response };
      try {
        return { kind: 'page' as const, body: await response.json<T[]>(), next: nextPageUrl(response, pageUrl) };
      } catch (error) {
        throw new RetryableFailure(`the listing ${redactUrl(pageUrl)} broke`, undefined, undefined, { cause: error });
      }
    });
    if (result === 'empty') return items;
    if (result.kind === 'failed') throw await fail(result.response);
    if (!Array.isArray(result.body)) break;
    items.push(...result.body);
    const next = result.next;
    url = result.body.length > 0 && next && next.toString() !== pageUrl.toString() ? next : undefined;
  }
  return items;
}
