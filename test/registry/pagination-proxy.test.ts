/**
 * Pagination behind a proxy (issue 14, point 3). GitLab builds `Link` URLs from its configured
 * host and port and the request's scheme (`lib/gitlab/pagination/offset_header_builder.rb`), which
 * may be another origin than the URL relpack was given; relpack sends its credentials to that URL's
 * origin only, so it rebases a next page onto it rather than following the link there without them.
 * Over real HTTP: `relpack serve` with `gitlab.externalUrl`, and a server of the test's own.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { readRows } from '../../src/registry/answers.js';
import { fetchAllPages } from '../../src/registry/pagination.js';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

test('a version of 101 files downloads when GitLab links its pages to its external URL', async () => {
  // An origin nothing listens on: following the Link would fail, or go out without the token.
  const server = await serve({ config: { gitlab: { externalUrl: 'https://gitlab.invalid:8443' } } });
  const files: Record<string, string> = {};
  for (let i = 0; i < 101; i++) files[`dist/f${String(i).padStart(3, '0')}.txt`] = `file ${i}`;
  const work = await writeTree(await tempDir(), files);
  const env = gitlabEnv(server, server.tokens.maintainer);
  const publish = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(publish.code, 0, publish.stderr);

  const listing = await fetch(`${server.url}/api/v4/projects/1/packages/1/package_files?per_page=100`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer } });
  assert.match(String(listing.headers.get('link')), /<http:\/\/gitlab\.invalid:8443\/api\/v4\/projects\/1\/packages\/1\/package_files\?[^>]*page=2[^>]*>; rel="next"/);

  const out = await tempDir();
  const before = server.lines.length;
  const download = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(download.code, 0, download.stderr);
  assert.equal((await readdir(out)).length, 101);
  const pageReads = server.lines.slice(before).filter((line) => /^GET \S+\/package_files 200 /.test(line));
  assert.equal(pageReads.length, 2, 'pages 1 and 2, both from the URL relpack was given, with the token');
});

test('a Link to another origin is rebased onto the configured URL; the token goes to every page', async () => {
  const seen: { page: string | null; token: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = url.searchParams.get('page');
    seen.push({ page, token: req.headers['private-token'] as string | undefined });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (page === null) headers.link = '<http://gitlab.internal.invalid:3000/api/v4/projects/1/packages?page=2&per_page=1>; rel="next"';
    res.writeHead(200, headers).end(JSON.stringify([{ id: page === null ? 1 : 2, name: 'app', version: page === null ? '1.0.0' : '2.0.0' }]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = new HttpClient({ credentials: { 'PRIVATE-TOKEN': 'secret' }, credentialOrigin: base, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  after(() => http.close());
  const rows = await fetchAllPages(http, {
    url: `${base}/api/v4/projects/1/packages?per_page=1`,
    fail: async () => assert.fail('no failure expected'),
    rows: (body, answer) => readRows(answer, body, { id: 'id', version: 'string' }),
  });
  assert.deepEqual(rows.map((row) => row.version), ['1.0.0', '2.0.0']);
  assert.deepEqual(seen, [{ page: null, token: 'secret' }, { page: '2', token: 'secret' }]);
});
