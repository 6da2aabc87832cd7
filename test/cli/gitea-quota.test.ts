/**
 * Gitea's package quotas each say what they are (issue 14, point 6): `services/packages/packages.go`
 * answers 403 with ErrQuotaTypeSize ("maximum allowed package type size exceeded", the per-file
 * LIMIT_SIZE_GENERIC), ErrQuotaTotalSize ("… storage quota exceeded", LIMIT_TOTAL_OWNER_SIZE) or
 * ErrQuotaTotalCount ("maximum allowed package count exceeded", LIMIT_TOTAL_OWNER_COUNT, checked
 * only when an upload creates a version). Versions are found by lower_version
 * (`models/packages/package_version.go`), so relpack compares them without case on Gitea.
 * Over real HTTP: `relpack serve` for the size quotas, a server of the test's own for the count.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, serve, tempDir, writeTree } from '../helpers/harness.js';

const giteaEnv = (url: string, token: string) => ({ RELPACK_URL: url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo', RELPACK_TOKEN: token, RELPACK_RETRIES: '1' });

test('Gitea count quota: its own message, not "too large"', async () => {
  const server = createServer((req, res) => {
    if (req.method === 'PUT') {
      req.resume();
      req.on('end', () => res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('maximum allowed package count exceeded'));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('package does not exist');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '2.0.0'], { env: giteaEnv(url, 'tok'), cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /owner demo has as many package versions as the instance allows, so version 2\.0\.0 cannot be created/);
  assert.match(run.stderr, /LIMIT_TOTAL_OWNER_COUNT[\s\S]*compared case-insensitively/);
  assert.doesNotMatch(run.stderr, /too large|LIMIT_SIZE_GENERIC/);
});

test('Gitea size quotas: per file, and the owner total, each named; both may come before 409', async () => {
  const server = await serve({ config: { gitea: { limitSizeGeneric: 10, limitTotalOwnerSize: 15 } } });
  const env = giteaEnv(server.url, server.tokens.giteaOwner);
  const work = await writeTree(await tempDir(), { 'big.bin': '0123456789A', 'ten.bin': '0123456789', 'six.bin': '012345' });
  const big = await cli(['publish', 'big.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(big.code, 1);
  assert.match(big.stderr, /big\.bin is too large for this instance[\s\S]*LIMIT_SIZE_GENERIC[\s\S]*not 409/);
  assert.equal((await cli(['publish', 'ten.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work })).code, 0);
  const total = await cli(['publish', 'six.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(total.code, 1);
  assert.match(total.stderr, /owner demo has used all the package storage the instance allows, so six\.bin cannot be stored[\s\S]*LIMIT_TOTAL_OWNER_SIZE/);
  assert.doesNotMatch(total.stderr, /six\.bin is too large/);
});

test('Gitea versions are compared without case: --version 1.X finds the published 1.x', async () => {
  const server = await serve();
  const env = giteaEnv(server.url, server.tokens.giteaOwner);
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.x'], { env, cwd: work })).code, 0);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.X', '--out', out], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), 'a');
});
