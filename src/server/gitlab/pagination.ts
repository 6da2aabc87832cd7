// Offset pagination as GitLab's Kaminari + OffsetHeaderBuilder do it (GitLab
// `config/initializers/kaminari_config.rb`, `lib/gitlab/pagination/offset_header_builder.rb`):
// page 1, per_page 20 capped at 100, X-* headers with empty strings when there is no next/prev
// page, Link with prev/next/first/last; totals omitted above 10,000 rows.
import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../router.js';

export interface Page<T> {
  items: T[];
  headers: OutgoingHttpHeaders;
}

export type PageParams = { page: number; perPage: number } | { error: string };

export function pageParams(q: URLSearchParams): PageParams {
  const page = intParam(q.get('page'), 1);
  if (page === null) return { error: 'page is invalid' };
  const perPage = intParam(q.get('per_page'), 20);
  if (perPage === null) return { error: 'per_page is invalid' };
  return { page: Math.max(1, page), perPage: perPage < 1 ? 20 : Math.min(100, perPage) };
}

function intParam(v: string | null, dflt: number): number | null {
  if (v === null || v === '') return dflt;
  if (!/^-?\d+$/.test(v.trim())) return null;
  return Number(v);
}

export function paginate<T>(ctx: RequestContext, all: T[], p: { page: number; perPage: number }): Page<T> {
  const total = all.length;
  const totalPages = Math.max(1, Math.ceil(total / p.perPage));
  const items = all.slice((p.page - 1) * p.perPage, p.page * p.perPage);
  const next = p.page < totalPages ? p.page + 1 : null;
  const prev = p.page > 1 ? Math.min(p.page - 1, totalPages) : null;
  const showTotals = total <= 10_000;
  const link = (page: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(page));
    q.set('per_page', String(p.perPage));
    return `<${ctx.origin}${ctx.rawPath}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (prev) links.push(`${link(prev)}; rel="prev"`);
  if (next) links.push(`${link(next)}; rel="next"`);
  links.push(`${link(1)}; rel="first"`);
  if (showTotals) links.push(`${link(totalPages)}; rel="last"`);
  const headers: OutgoingHttpHeaders = {
    'x-page': String(p.page),
    'x-per-page': String(p.perPage),
    'x-next-page': next ? String(next) : '',
    'x-prev-page': prev ? String(prev) : '',
    link: links.join(', '),
  };
  if (showTotals) {
    headers['x-total'] = String(total);
    headers['x-total-pages'] = String(totalPages);
  }
  return { items, headers };
}
