// Gitea API paging (Gitea `routers/api/v1/utils/page.go`, `services/context/api.go`): `page` 1-based (<1 → 1), `limit` default 30
// ([api] DEFAULT_PAGING_NUM), ≤0 → default, capped at 50 (MAX_RESPONSE_ITEMS); `X-Total-Count`
// and a GitHub-style `Link` (next, last, first, prev — genAPILinks), both exposed to CORS.
import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../router.js';

export interface ListOptions {
  page: number;
  limit: number;
}

export function listOptions(q: URLSearchParams): ListOptions {
  const page = toInt(q.get('page'));
  const limit = toInt(q.get('limit'));
  return { page: Math.max(page, 1), limit: limit <= 0 ? 30 : Math.min(limit, 50) };
}

function toInt(v: string | null): number {
  if (v === null || !/^\s*-?\d+\s*$/.test(v)) return 0;
  return Number(v);
}

export function paginate<T>(ctx: RequestContext, all: T[], o: ListOptions, opts: { link: boolean } = { link: true }): { items: T[]; headers: OutgoingHttpHeaders } {
  const total = all.length;
  const items = all.slice((o.page - 1) * o.limit, o.page * o.limit);
  const headers: OutgoingHttpHeaders = { 'x-total-count': String(total) };
  const expose = ['X-Total-Count'];
  if (opts.link) {
    const pages = Math.max(1, Math.ceil(total / o.limit));
    const cur = Math.min(o.page, pages);
    const url = (page: number) => {
      const q = new URLSearchParams(ctx.query);
      q.set('page', String(page));
      return `<${ctx.origin}${ctx.rawPath}?${q.toString()}>`;
    };
    const links: string[] = [];
    if (cur < pages) links.push(`${url(cur + 1)}; rel="next"`);
    if (cur !== pages) links.push(`${url(pages)}; rel="last"`);
    if (cur !== 1) links.push(`${url(1)}; rel="first"`);
    if (cur > 1) links.push(`${url(cur - 1)}; rel="prev"`);
    if (links.length) {
      headers.link = links.join(',');
      expose.unshift('Link');
    }
  }
  headers['access-control-expose-headers'] = expose.join(', ');
  return { items, headers };
}
