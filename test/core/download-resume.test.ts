/**
 * A download killed half-way is resumed by the next run (issue 13, point 15). Part files are named
 * `.<file>.relpack-<pid>.part` next to their target: the next run takes over the part file of a
 * process that is gone, asks only for the rest (Range), and trusts the resumed bytes only through
 * the final SHA-256; a part file that does not verify is fetched again whole. Part files of
 * processes still running are left alone; stale ones of the same file are removed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { ROOT, cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Where a run with this pid keeps the part file of `target`: the name is the contract between runs. */
function partPath(target: string, pid: number | undefined): string {
  return join(dirname(target), `.${basename(target)}.relpack-${pid}.part`);
}

/** A pid no process has: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

async function published(content: Buffer, name = 'big.bin') {
  const server = await serve();
  const work = await writeTree(await tempDir(), { [name]: content });
  const env = gitlabEnv(server, server.tokens.maintainer);
  const up = await cli(['publish', name, '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(up.code, 0, up.stderr);
  return { server, env };
}

/** What the server answered to GETs of `name`: their statuses, from serve's request log. */
function downloadStatuses(lines: string[], name: string): number[] {
  return lines.filter((l) => l.startsWith('GET ') && l.includes(`/generic/app/1.0.0/${name} `)).map((l) => Number(l.split(' ')[2]));
}

test('kill -9 mid-download: the next run resumes from the part file with a Range request and verifies', { timeout: 60_000 }, async () => {
  const content = randomBytes(12 * 1024 * 1024);
  const { server, env } = await published(content);
  const out = await tempDir();
  // The first download trickles, so that it is surely half-way when it is killed.
  server.faults.add({ route: 'gitlab.download', path: 'big.bin', kind: 'slow-response', bytesPerSecond: 4 * 1024 * 1024, times: [1] });
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin.ts'), 'download', '--name', 'app', '--version', '1.0.0', '--out', out], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: 'ignore',
  });
  const part = partPath(join(out, 'big.bin'), child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Poll until the child has written its first batch, then kill it as CI kills a cancelled job.
  for (;;) {
    const size = (await stat(part).catch(() => undefined))?.size ?? 0;
    if (size > 0) break;
    assert.equal(child.exitCode, null, 'the child is still downloading');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
  const left = (await stat(part)).size;
  assert.ok(left > 0 && left < content.length, `the killed run left ${left} bytes`);

  const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /resuming big\.bin from [\d.]+ MiB, left by an earlier run/);
  assert.deepEqual(downloadStatuses(server.lines, 'big.bin').slice(-1), [206], 'the rest was asked for with Range');
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
  assert.deepEqual((await readdir(out)).sort(), ['SHA256SUMS', 'big.bin'], 'no part file stays');
});

test('a run that ran out of retries keeps its part file, and the next run resumes it', { timeout: 60_000 }, async () => {
  const content = randomBytes(3 * 1024 * 1024);
  const { server, env } = await published(content);
  const out = await tempDir();
  server.faults.add({ route: 'gitlab.download', path: 'big.bin', kind: 'truncate', afterBytes: 2 * 1024 * 1024, times: [1] });
  const first = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env: { ...env, RELPACK_RETRIES: '1' } });
  assert.equal(first.code, 1, first.stderr);
  const parts = (await readdir(out)).filter((name) => name.endsWith('.part'));
  assert.deepEqual(parts, [`.big.bin.relpack-${process.pid}.part`]);
  const second = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /resuming big\.bin from 2\.0 MiB/);
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
  assert.deepEqual(await readdir(out), ['big.bin']);
});

test('a part file whose bytes do not verify is fetched again whole, and the file is right', { timeout: 60_000 }, async () => {
  const content = randomBytes(2 * 1024 * 1024);
  const { server, env } = await published(content);
  const out = await tempDir();
  await writeFile(partPath(join(out, 'big.bin'), deadPid()), randomBytes(1024 * 1024));
  const run = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /resuming big\.bin from 1\.0 MiB[\s\S]*the resumed file did not verify; fetching it again whole/);
  assert.deepEqual(downloadStatuses(server.lines, 'big.bin'), [206, 200]);
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
  assert.deepEqual(await readdir(out), ['big.bin']);
});

test('a part file that holds the whole file (killed before the rename) needs no request at all', { timeout: 60_000 }, async () => {
  const content = randomBytes(1024 * 1024);
  const { server, env } = await published(content);
  const out = await tempDir();
  await writeFile(partPath(join(out, 'big.bin'), deadPid()), content);
  const run = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(downloadStatuses(server.lines, 'big.bin'), []);
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
});

test('stale part files of the same file are removed; a running process\'s part file is left alone', { timeout: 60_000 }, async () => {
  const content = randomBytes(1024 * 1024);
  const { env } = await published(content);
  const out = await tempDir();
  const target = join(out, 'big.bin');
  const stale = [partPath(target, deadPid()), partPath(target, deadPid())];
  await writeFile(stale[0], content.subarray(0, 1000));
  await writeFile(stale[1], content.subarray(0, 5000));
  // A process that is running (this test's parent) owns its part file, whatever is in it.
  const live = partPath(target, process.ppid);
  await writeFile(live, 'another run is writing this');
  // A part file of another target is not this download's business.
  const other = partPath(join(out, 'other.bin'), deadPid());
  await writeFile(other, 'x');
  const run = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /resuming big\.bin from 4\.9 KiB/, 'the longest stale part file is the one resumed');
  assert.deepEqual((await readdir(out)).sort(), [live, other, target].map((p) => p.slice(out.length + 1)).sort());
  assert.equal(sha(await readFile(target)), sha(content));
});

test('without verification a part file is not trusted: the file is fetched whole and the part file removed', { timeout: 60_000 }, async () => {
  const content = randomBytes(1024 * 1024);
  const { server, env } = await published(content);
  const out = await tempDir();
  await writeFile(partPath(join(out, 'big.bin'), deadPid()), randomBytes(4096));
  const run = await cli(['download', 'big.bin', '--name', 'app', '--version', '1.0.0', '--out', out, '--no-verify'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /resuming/);
  assert.deepEqual(downloadStatuses(server.lines, 'big.bin'), [200]);
  assert.equal(sha(await readFile(join(out, 'big.bin'))), sha(content));
  assert.deepEqual(await readdir(out), ['big.bin']);
});
