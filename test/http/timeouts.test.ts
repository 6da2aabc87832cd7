/**
 * A server that never answers, or stops in the middle of a body, cannot hold relpack forever
 * (issue 13, point 6): undici's header and idle-body timeouts (RELPACK_IDLE_TIMEOUT) fail the attempt
 * as a network error, which is retried (a body resumes where it stopped), and the command as a
 * whole ends at its deadline (RELPACK_TIMEOUT, or the operation context's `timeout`), even in the
 * middle of a wait between retries. Timeouts are set short, so nothing here waits long for real;
 * the deadline's own timer is injected where the test steps it.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { silentReporter } from '../../src/core/progress.js';
import { HttpClient } from '../../src/http/client.js';
import { Deadline } from '../../src/http/deadline.js';
import { list } from '../../src/operations/list.js';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';
import { fakeGitlab } from '../core/fake-gitlab.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

test('a server that sends no answer: each attempt ends at the idle timeout and is retried, then a sentence', { timeout: 30_000 }, async (t) => {
  const server = await serve();
  const [hold] = server.faults.add({ route: 'gitlab.packages.list', kind: 'hold' });
  t.after(() => server.faults.remove(hold));
  const started = Date.now();
  const run = await cli(['list', '--name', 'app', '--json'], { env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_IDLE_TIMEOUT: '0.2', RELPACK_RETRIES: '2' }) });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /retrying GET .*\/packages\?.* \(attempt 2 of 2: .*UND_ERR_HEADERS_TIMEOUT/);
  assert.match(run.stderr, /failed: the server sent no answer within 0\.2 s \(RELPACK_IDLE_TIMEOUT\), 2 times[\s\S]*hint: .*raise RELPACK_IDLE_TIMEOUT/);
  assert.equal(JSON.parse(run.stdout).errors[0].code, 'NETWORK');
  assert.equal(server.faults.fired().filter((f) => f.id === hold).length, 2, 'two attempts reached the server');
  assert.ok(Date.now() - started < 5_000);
});

test('a body that stops half-way: the idle timeout ends the attempt, and the retry resumes with Range', { timeout: 30_000 }, async () => {
  const content = randomBytes(768 * 1024);
  const half = 300 * 1024;
  let calls = 0;
  const registry = await fakeGitlab([
    {
      name: 'big.bin',
      size: content.length,
      sha256: sha(content),
      serve: (req, res) => {
        calls++;
        if (calls === 1) {
          // Headers and part of the body, then silence with the connection open.
          res.writeHead(200, { 'content-length': String(content.length), etag: '"v1"' });
          res.write(content.subarray(0, half));
          return;
        }
        const start = Number(/^bytes=(\d+)-$/.exec(String(req.headers.range))?.[1] ?? 0);
        res.writeHead(206, { 'content-range': `bytes ${start}-${content.length - 1}/${content.length}`, 'content-length': String(content.length - start) });
        res.end(content.subarray(start));
      },
    },
  ]);
  const out = await tempDir();
  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env: { ...registry.env, RELPACK_IDLE_TIMEOUT: '0.2' } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /retrying GET .*big\.bin in [\d.]+s \(attempt 2 of 5: the download of big\.bin broke after \d+ bytes\)/);
  assert.deepEqual(
    registry.requests.filter((r) => r.includes('big.bin')),
    ['GET /api/v4/projects/1/packages/generic/app/1.0.0/big.bin', `GET /api/v4/projects/1/packages/generic/app/1.0.0/big.bin bytes=${half}-`],
  );
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
});

test('RELPACK_TIMEOUT ends the command, even while the server holds a request', { timeout: 30_000 }, async (t) => {
  const server = await serve();
  const [hold] = server.faults.add({ route: 'gitlab.packages.list', kind: 'hold' });
  t.after(() => server.faults.remove(hold));
  const started = Date.now();
  const run = await cli(['list', '--name', 'app', '--json'], { env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_TIMEOUT: '0.3' }) });
  const elapsed = Date.now() - started;
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /relpack stopped after 0\.3 s, the time RELPACK_TIMEOUT allows for the whole command[\s\S]*hint: .*raise RELPACK_TIMEOUT/);
  assert.equal(JSON.parse(run.stdout).errors[0].code, 'TIMEOUT');
  assert.ok(elapsed >= 250 && elapsed < 3_000, `ended after ${elapsed} ms`);
});

test('RELPACK_TIMEOUT also ends a wait between retries: a long backoff is not waited out', { timeout: 30_000 }, async () => {
  const server = await serve();
  server.faults.add({ route: 'gitlab.packages.list', kind: 'status', status: 503 });
  const started = Date.now();
  const run = await cli(['list', '--name', 'app'], { env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_TIMEOUT: '0.3', RELPACK_RETRY_DELAY_MS: '60000' }) });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /retrying GET .* in [3-6]\d\.\ds/);
  assert.match(run.stderr, /relpack stopped after 0\.3 s/);
  assert.ok(Date.now() - started < 3_000);
});

test('a download stopped by the deadline keeps its part file, and the next run resumes it', { timeout: 30_000 }, async () => {
  const content = randomBytes(8 * 1024 * 1024);
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'big.bin': content });
  assert.equal((await cli(['publish', 'big.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work })).code, 0);
  // The first GET trickles: at the deadline a few MiB are in the part file, the rest still to come.
  server.faults.add({ route: 'gitlab.download', path: 'big.bin', kind: 'slow-response', bytesPerSecond: 8 * 1024 * 1024, times: [1] });
  const out = await tempDir();
  const stopped = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env: { ...env, RELPACK_TIMEOUT: '0.5' } });
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.match(stopped.stderr, /relpack stopped after 0\.5 s/);
  assert.deepEqual(await readdir(out), [`.big.bin.relpack-${process.pid}.part`]);
  const resumed = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming big\.bin from/);
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
});

test('the operation context\'s timeout is the deadline when given, named as --timeout', { timeout: 30_000 }, async (t) => {
  const server = await serve();
  const [hold] = server.faults.add({ route: 'gitlab.packages.list', kind: 'hold' });
  t.after(() => server.faults.remove(hold));
  const ctx = { env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_TIMEOUT: '3600' }), cwd: process.cwd(), reporter: silentReporter, addSecret: () => {}, userAgent: 'test', timeout: 0.2 };
  await assert.rejects(list(ctx, { connection: {}, name: 'app' }), (error: unknown) => {
    assert.ok(error instanceof RelpackError);
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /after 0\.2 s, the time --timeout allows/);
    return true;
  });
});

test('the deadline is a timer of its own: stepped by hand, it aborts the client\'s requests with the TIMEOUT error', async (t) => {
  const server = await serve();
  const [hold] = server.faults.add({ route: 'gitlab.packages.list', kind: 'hold' });
  t.after(() => server.faults.remove(hold));
  let fire: () => void = () => {};
  const deadline = new Deadline(90, '--timeout', (fn) => {
    fire = fn;
    return () => {};
  });
  const http = new HttpClient({ credentials: { 'PRIVATE-TOKEN': server.tokens.maintainer }, signal: deadline.signal });
  t.after(() => http.close());
  const pending = http.request({ method: 'GET', url: `${server.url}/api/v4/projects/1/packages` });
  await server.faults.reached(hold);
  fire();
  await assert.rejects(pending, (error: unknown) => error instanceof RelpackError && error.code === 'TIMEOUT' && /after 90 s, the time --timeout allows/.test(error.message));
});

test('RELPACK_TIMEOUT and RELPACK_IDLE_TIMEOUT that are not numbers of seconds are usage errors', async () => {
  for (const [name, value] of [
    ['RELPACK_TIMEOUT', 'soon'],
    ['RELPACK_TIMEOUT', '-1'],
    ['RELPACK_IDLE_TIMEOUT', '0'],
  ]) {
    const run = await cli(['list', '--name', 'app'], { env: { RELPACK_URL: 'http://127.0.0.1:1', RELPACK_PROJECT: '1', [name]: value } });
    assert.equal(run.code, 2, `${name}=${value}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`${name} must be a number of seconds above 0`));
  }
});
