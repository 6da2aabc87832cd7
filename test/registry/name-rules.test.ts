/**
 * Names by server version (issue 14, point 5): relpack checks file names against the newest rule
 * of each registry before any request, and when an older server still answers 400 for a name it
 * accepted, says which releases refuse it. GitLab's `generic_package_file_name_regex`
 * (`lib/gitlab/regex/packages.rb`) was first the package-name rule, then allowed `~` inside a
 * name, and newest `@` too; Gitea 1.21 and older (`routers/api/packages/generic/generic.go`)
 * allowed only `[A-Za-z0-9._+-]`. Over real HTTP against small servers of the test's own that
 * answer as those older releases do.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { cli, tempDir, writeTree } from '../helpers/harness.js';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('an older GitLab refusing "~" or "@" in a file name: the error says which releases do', async () => {
  // GitLab before `~` was allowed: the file-name rule is the package-name rule.
  const oldRule = /^[A-Za-z0-9._+-]+$/;
  const url = await listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'PUT') {
      const fileName = decodeURIComponent(path.split('/').pop() ?? '');
      if (!oldRule.test(fileName)) return res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"file_name is invalid"}');
      return res.writeHead(201, { 'content-type': 'application/json' }).end('{"message":"201 Created"}');
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-total': '0', 'x-next-page': '' }).end('[]');
  });
  const env = { RELPACK_URL: url, RELPACK_PROJECT: '1', RELPACK_TOKEN: 'glpat-x', RELPACK_RETRIES: '1' };
  for (const [name, says] of [
    ['pkg~rc1.deb', /"~" is refused by GitLab releases whose generic file-name rule is still the package-name rule/],
    ['lib@1.1.tar.gz', /"@" is accepted only by the newest GitLab releases/],
  ] as const) {
    const work = await writeTree(await tempDir(), { [name]: 'x' });
    const run = await cli(['publish', name, '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /rejected PUT .*: file_name is invalid/);
    assert.match(run.stderr, says);
    assert.match(run.stderr, /lib\/gitlab\/regex\/packages\.rb[\s\S]*rename the file/);
  }
});

test('Gitea 1.21 refusing a name the current rule allows: the error names the release and the rule', async () => {
  const url = await listen((req, res) => {
    if (req.method === 'PUT') {
      const stored = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? '');
      if (!/^[A-Za-z0-9._+-]+$/.test(stored)) return res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid filename');
      return res.writeHead(201).end();
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('package does not exist');
  });
  const env = { RELPACK_URL: url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo', RELPACK_TOKEN: 'tok', RELPACK_RETRIES: '1' };
  const work = await writeTree(await tempDir(), { 'dist/linux/app.bin': 'x' });
  const run = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /rejected PUT linux\/app\.bin: invalid filename/);
  assert.match(run.stderr, /Gitea 1\.21 and older allow only letters, digits[\s\S]*needs Gitea 1\.22 or later/);
});
