// GitLab's `Link` pagination URLs take the scheme of the request as Rack sees it
// (`X-Forwarded-Proto` from a TLS-terminating proxy) and the host and port of GitLab's configured
// external URL (`base_request_uri` in `lib/gitlab/pagination/offset_header_builder.rb`); serve
// follows that with `gitlab.externalUrl`, and without it uses the proxy's `X-Forwarded-Host`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, generic, get, put, serve } from './helpers.js';

async function twoPages(t: Parameters<typeof serve>[0], config?: Parameters<typeof serve>[1]) {
  const s = await serve(t, config);
  await put(s, generic('a.bin'), 'a');
  await put(s, generic('b.bin'), 'b');
  return s;
}

test('Link behind a TLS-terminating proxy: X-Forwarded-Proto and X-Forwarded-Host', async (t) => {
  const s = await twoPages(t);
  const plain = await get(s, `${API()}/packages/1/package_files?per_page=1`);
  assert.match(String(plain.headers.link), new RegExp(`^<${s.url}/api/v4/projects/1/packages/1/package_files\\?`));
  const proxied = await get(s, `${API()}/packages/1/package_files?per_page=1`, { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gitlab.example.com' });
  assert.match(String(proxied.headers.link), /<https:\/\/gitlab\.example\.com\/api\/v4\/projects\/1\/packages\/1\/package_files\?[^>]*page=2[^>]*>; rel="next"/);
  assert.equal(proxied.headers['x-next-page'], '2');
});

test('Link with gitlab.externalUrl: its host and port, the request scheme', async (t) => {
  const s = await twoPages(t, { gitlab: { externalUrl: 'https://gitlab.example.com:8443' } });
  const r = await get(s, `${API()}/packages?per_page=1`, { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'x-forwarded-proto': 'https' });
  assert.match(String(r.headers.link), /^<https:\/\/gitlab\.example\.com:8443\/api\/v4\/projects\/1\/packages\?/);
  const direct = await get(s, `${API()}/packages?per_page=1`);
  assert.match(String(direct.headers.link), /^<http:\/\/gitlab\.example\.com:8443\/api\/v4\/projects\/1\/packages\?/);
  await assert.rejects(serve(null, { gitlab: { externalUrl: 'gitlab.example.com/path' } }), /gitlab\.externalUrl/);
});
