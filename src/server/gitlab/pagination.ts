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

/**
 * The scheme, host and port of `Link` URLs as GitLab builds them (`base_request_uri` in
 * `lib/gitlab/pagination/offset_header_builder.rb`): the scheme of the request as Rack sees it
 * (`X-Forwarded-Proto` from a TLS-terminating proxy), the host and port from GitLab's configured
 * external URL; without one, the host the proxy forwarded (`X-Forwarded-Host`) or the request's own.
 */
export function linkOrigin(ctx: RequestContext, externalUrl?: string): string {
  const own = new URL(ctx.origin);
  const forwardedProto = headerValue(ctx.req.headers['x-forwarded-proto'])?.toLowerCase();
  const scheme = forwardedProto === 'http' || forwardedProto === 'https' ? `${forwardedProto}:` : own.protocol;
  const forwardedHost = headerValue(ctx.req.headers['x-forwarded-host']);
  if (externalUrl) {
    const external = new URL(externalUrl);
    const base = new URL(`${scheme}//${external.hostname}`);
    // `uri.port = Gitlab.config.gitlab.port`: the configured port, shown when not the scheme's default.
    base.port = external.port || (external.protocol === 'https:' ? '443' : '80');
    return base.origin;
  }
  if (forwardedHost && URL.canParse(`${scheme}//${forwardedHost}`)) return new URL(`${scheme}//${forwardedHost}`).origin;
  return new URL(`${scheme}//${own.host}`).origin;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first?.split(',')[0]?.trim() || undefined;
}

export function paginate<T>(ctx: RequestContext, all: T[], p: { page: number; perPage: number }, externalUrl?: string): Page<T> {
  const total = all.length;
  const totalPages = Math.max(1, Math.ceil(total / p.perPage));
  const items = all.slice((p.page - 1) * p.perPage, p.page * p.perPage);
  const next = p.page < totalPages ? p.page + 1 : null;
  const prev = p.page > 1 ? Math.min(p.page - 1, totalPages) : null;
  const showTotals = total <= 10_000;
  const origin = linkOrigin(ctx, externalUrl);
  const link = (page: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(page));
    q.set('per_page', String(p.perPage));
    return `<${origin}${ctx.rawPath}?${q.toString()}>`;
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
