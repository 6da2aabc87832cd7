/**
 * Failure paths through `relpack serve`'s fault injection, and the network settings (issue 3,
 * behaviour 7): retries with backoff and Retry-After, no duplicate after "stored, then dropped",
 * resumed downloads, redirects that never carry credentials, proxies and custom CAs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';
import { packageFiles } from '../helpers/gitlab.js';
import { startProxy } from '../helpers/proxy.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function publish(server: Awaited<ReturnType<typeof serve>>, files: Record<string, string | Buffer>, version: string, env: Record<string, string> = {}) {
  const work = await writeTree(await tempDir(), files);
  return cli(['publish', ...Object.keys(files), '--name', 'app', '--version', version, '--checksums', 'none'], {
    env: gitlabEnv(server, server.tokens.maintainer, env),
    cwd: work,
  });
}

test('retries 500/502/503 on upload and download, then succeeds', async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.upload', kind: 'status', status: 503, times: [1] });
  server.faults.add({ route: 'gitlab.upload', kind: 'status', status: 502, times: [2] });
  const run = await publish(server, { 'a.bin': 'a' }, '1.0.0');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /retrying PUT .*a\.bin.*HTTP 503/);
  assert.match(run.stderr, /retrying PUT .*a\.bin.*HTTP 502/);
  assert.equal((await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0')).length, 1);

  server.faults.add({ route: 'gitlab.download', kind: 'status', status: 500, times: [1] });
  const out = await tempDir();
  const down = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /retrying GET .*HTTP 500/);
});

test('429 is retried after the Retry-After the server asked for, not after relpack\'s own backoff', async () => {
  // Retry-After: 0 against a first backoff of 30-60 s: the wait logged is the server's. That the
  // client really waits the time asked is test/http/client.test.ts's, with an injected sleep.
  const server = await serve();
  server.faults.add({ route: 'gitlab.upload', kind: 'rate-limit', retryAfter: 0, times: [1] });
  const run = await publish(server, { 'a.bin': 'a' }, '1.0.0', { RELPACK_RETRY_DELAY_MS: '60000' });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /retrying PUT .* in 0\.0s .*HTTP 429/);
  assert.equal(server.faults.fired().filter((f) => f.kind === 'rate-limit').length, 1);
});

test('stored, then the connection dropped: the retry finds the file and adds no duplicate', async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.upload', kind: 'drop-after-commit', times: [1] });
  const run = await publish(server, { 'a.bin': 'payload' }, '1.0.0');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /the failed attempt had stored the file; not uploading it again/);
  assert.equal(server.faults.fired().filter((f) => f.kind === 'drop-after-commit').length, 1);
  const rows = await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0');
  assert.deepEqual(rows.map((r) => r.file_sha256), [sha('payload')]);
});

test('a reset while the server receives an upload is retried with the file reopened', async () => {
  const server = await serve();
  const data = Buffer.alloc(3 * 1024 * 1024, 1);
  server.faults.add({ route: 'gitlab.upload', kind: 'reset-request', times: [1] });
  const run = await publish(server, { 'big.bin': data }, '1.0.0');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(server.faults.fired().filter((f) => f.kind === 'reset-request').length, 1);
  assert.deepEqual((await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0')).map((r) => r.file_sha256), [sha(data)]);
});

test('a download whose body breaks or is truncated resumes and still verifies', async () => {
  const server = await serve();
  const data = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i, i);
  assert.equal((await publish(server, { 'big.bin': data }, '1.0.0')).code, 0);
  for (const kind of ['reset-response', 'truncate'] as const) {
    server.faults.clear();
    server.faults.add({ route: 'gitlab.download', kind, times: [1], afterBytes: 1024 * 1024 });
    const out = await tempDir();
    const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
    assert.equal(run.code, 0, `${kind}: ${run.stderr}`);
    assert.match(run.stderr, /retrying GET .*broke after|retrying GET .*ended after/);
    assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(data));
    assert.equal(server.faults.fired().filter((f) => f.kind === kind).length, 1, `${kind} fired`);
    assert.ok(server.lines.some((line) => / 206 /.test(line)), 'the retry resumed with a Range request (206)');
    server.lines.length = 0;
  }
});

test('a small file whose body breaks is fetched again whole, and never left half-written', async () => {
  // Files up to 256 KiB are received into memory and verified before anything is written.
  const server = await serve();
  const data = Buffer.from('small artifact '.repeat(2000));
  assert.equal((await publish(server, { 'small.bin': data }, '1.0.0')).code, 0);
  for (const kind of ['reset-response', 'truncate'] as const) {
    server.faults.clear();
    server.faults.add({ route: 'gitlab.download', path: 'small.bin', kind, times: [1], afterBytes: 1000 });
    const out = await tempDir();
    const run = await cli(['download', 'small.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
    assert.equal(run.code, 0, `${kind}: ${run.stderr}`);
    assert.match(run.stderr, /retrying GET .*(broke|ended) after 1000 /);
    assert.deepEqual(await readFile(join(out, 'small.bin')), data);
    assert.deepEqual(await readdir(out), ['small.bin'], 'no .part file is left behind');
    assert.equal(server.faults.fired().filter((f) => f.kind === kind).length, 1, `${kind} fired`);
  }
  // Without retries the broken body fails the download, and nothing appears at the final path.
  server.faults.clear();
  server.faults.add({ route: 'gitlab.download', path: 'small.bin', kind: 'truncate', afterBytes: 1000 });
  const out = await tempDir();
  const run = await cli(['download', 'small.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_RETRIES: '1' }) });
  assert.equal(run.code, 1);
  assert.deepEqual(await readdir(out), []);
});

test('retries give up after RELPACK_RETRIES attempts with the status in the message', async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.upload', kind: 'status', status: 503 });
  const run = await publish(server, { 'a.bin': 'a' }, '1.0.0', { RELPACK_RETRIES: '3' });
  assert.equal(run.code, 1);
  assert.equal((run.stderr.match(/retrying PUT/g) ?? []).length, 2);
  assert.match(run.stderr, /HTTP 503/);
});

test('object storage: the 302 is followed without credentials, which that origin would reject', async () => {
  const server = await serve({ config: { objectStorage: { enabled: true } } });
  assert.ok(server.storageUrl, 'object storage origin started');
  const data = 'stored remotely';
  assert.equal((await publish(server, { 'a.bin': data }, '1.0.0')).code, 0);
  const out = await tempDir();
  // The deploy token cannot list (issue 14, point 2) and the version has no SHA256SUMS: it names the
  // file, and with no listed digest and none on a redirect, accepts it unchecked.
  const deploy = ['a.bin', '--no-verify'];
  for (const [env, named] of [[gitlabEnv(server, server.tokens.maintainer), []], [gitlabEnv(server, server.tokens.deployRw, { RELPACK_TOKEN_TYPE: 'deploy' }), deploy], [{ RELPACK_URL: server.url, RELPACK_PROJECT: '1', CI_JOB_TOKEN: server.tokens.job }, []]] as const) {
    const run = await cli(['download', ...named, '--name', 'app', '--version', '1.0.0', '--out', out], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), data);
    await writeTree(out, { 'a.bin': 'x' }); // force the next run to fetch again
  }
  assert.equal(server.lines.filter((line) => /^GET \S+a\.bin 302 /.test(line)).length, 3, server.lines.join('\n'));
  assert.equal(server.lines.filter((line) => /storage\.download/.test(line) && / 200 /.test(line)).length, 3, server.lines.join('\n'));
  // Like S3, the storage origin ignores token headers instead of refusing them: serve records any
  // that reach it, and relpack must send none.
  assert.deepEqual(server.storageCredentials(), [], 'no credential reached the storage origin');
});

test('HTTPS_PROXY/HTTP_PROXY are used, NO_PROXY bypasses them', async () => {
  const server = await serve();
  let tunnels = 0;
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, socket, head) => {
    tunnels++;
    const [host, port] = String(req.url).split(':');
    const upstream = netConnect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    const viaProxy = await publish(server, { 'a.bin': 'a' }, '1.0.0', { HTTP_PROXY: proxyUrl });
    assert.equal(viaProxy.code, 0, viaProxy.stderr);
    assert.ok(tunnels > 0, 'requests went through the proxy');
    const before = tunnels;
    const bypass = await publish(server, { 'b.bin': 'b' }, '1.0.1', { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    assert.equal(bypass.code, 0, bypass.stderr);
    assert.equal(tunnels, before, 'NO_PROXY bypassed the proxy');
  } finally {
    proxy.closeAllConnections();
    proxy.close();
  }
});

test('a custom CA from CI_SERVER_TLS_CA_FILE is trusted; without it TLS fails with a hint', async () => {
  const server = await serve();
  const dir = await tempDir();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const upstream = new URL(server.url);
  const tls = createHttpsServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, (req, res) => {
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  const httpsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  try {
    const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
    const args = ['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'];
    const untrusted = await cli(args, { env: { RELPACK_URL: httpsUrl, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer, RELPACK_RETRIES: '1' }, cwd: work });
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /CI_SERVER_TLS_CA_FILE/);
    const trusted = await cli(args, {
      env: { RELPACK_URL: httpsUrl, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer, CI_SERVER_TLS_CA_FILE: join(dir, 'cert.pem') },
      cwd: work,
    });
    assert.equal(trusted.code, 0, trusted.stderr);
  } finally {
    tls.closeAllConnections();
    tls.close();
  }
});

test('a redirected write is not replayed as a GET: delete fails with a hint and nothing is reported deleted', async () => {
  const server = await serve();
  assert.equal((await publish(server, { 'a.bin': 'a' }, '1.0.0')).code, 0);
  // A front end that redirects every write to another address (say http -> https).
  const front = await startProxy(server.url, {
    answer: (req, res) => {
      if (req.method === 'GET' || req.method === 'HEAD') return false;
      res.writeHead(301, { location: `${server.url}${req.url}` }).end();
      return true;
    },
  });
  const run = await cli(['delete', 'a.bin', '--name', 'app', '--version', '1.0.0', '--yes'], { env: { ...gitlabEnv(server, server.tokens.maintainer), RELPACK_URL: front.url } });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /was redirected \(HTTP 301\) and writes are not followed[\s\S]*check --url/);
  assert.equal((await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0')).length, 1, 'nothing was deleted');
});

test('replace against a server that ignores select=package_file keeps the new copy', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  assert.equal((await publish(server, { 'a.bin': 'old' }, '1.0.0')).code, 0);
  // An older GitLab answers 201 without the file record, so the new row's id is unknown.
  const old = await startProxy(server.url, { path: (path, method) => (method === 'PUT' ? path.replace(/\?.*$/, '') : path) });
  const work = await writeTree(await tempDir(), { 'a.bin': 'new' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none', '--if-exists', 'replace'], { env: { ...env, RELPACK_URL: old.url }, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const rows = await packageFiles(server, server.tokens.maintainer, 'app', '1.0.0');
  assert.deepEqual(rows.map((r) => r.file_sha256), [sha('old'), sha('new')], 'both rows kept; GitLab serves the newest');
});

test('exhausted retries end in a described HTTP error, in JSON too, never a stack trace', async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.download', kind: 'status', status: 503 });
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work })).code, 0);
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', await tempDir(), '--json'], { env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_RETRIES: '3' }) });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  const error = JSON.parse(run.stdout).errors[0];
  assert.equal(error.code, 'HTTP');
  assert.equal(error.request.status, 503);
  // One loop of retries, not retries inside retries (3 attempts, not 9).
  assert.equal(server.lines.filter((line) => /^GET \S+\/a\.bin 503/.test(line)).length, 3, server.lines.join('\n'));
});

test('a manifest or listing whose body breaks half-way is fetched again', async () => {
  const server = await serve();
  assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: await writeTree(await tempDir(), { 'a.bin': 'a' }) })).code, 0);
  server.faults.add({ route: 'gitlab.download', path: 'SHA256SUMS', kind: 'truncate', times: [1] });
  server.faults.add({ route: 'gitlab.package_files.list', kind: 'reset-response', times: [1] });
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: gitlabEnv(server, server.tokens.maintainer) });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(server.faults.fired().length, 2);
  assert.match(run.stderr, /retrying GET .*SHA256SUMS/);
  assert.match(run.stderr, /retrying GET .*package_files/);
});

test('--hidden: a connection dropped after the whole upload is not retried blindly (GitLab cannot list hidden files)', async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.upload', kind: 'drop-after-commit', times: [1] });
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const run = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--hidden', '--checksums', 'none'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /a\.bin: the connection broke after the whole file was sent, and GitLab does not list hidden packages[\s\S]*run the same publish again/);
  assert.equal(server.lines.filter((line) => line.startsWith('PUT ')).length, 1, 'only the dropped PUT: nothing was sent again');
});
