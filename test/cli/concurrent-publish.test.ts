/**
 * Two publishes of the same new version at once (core/publish.ts, the final check): the run that
 * finds, after uploading, that the registry holds other bytes than it sent under one of its names
 * fails, naming them; the same bytes stored twice by the two runs are a warning, and the copy is
 * removed where the token may. GitLab adds a row per PUT and serves the newest
 * (docs/gitlab-behaviour.md case 5); Gitea refuses the second file with 409
 * (docs/gitea-behaviour.md case 2). The race is ordered with serve's hold fault: the first run's
 * first upload waits at the server while the second run publishes the whole version.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gitea, gitlab } from '../helpers/flavours.js';
import { cli, serve, tempDir, writeTree, type CliRun } from '../helpers/harness.js';
import type { RunningServer } from '../../src/server/index.js';

const args = ['publish', 'app.bin', '--name', 'app', '--version', '1.0.0'];

/** Run A's first upload is held until run B has published; returns both runs. */
async function race(server: RunningServer, route: string, env: Record<string, string>, a: string, b: string): Promise<{ first: CliRun; second: CliRun }> {
  const workA = await writeTree(await tempDir(), { 'app.bin': a });
  const workB = await writeTree(await tempDir(), { 'app.bin': b });
  const [hold] = server.faults.add({ route, kind: 'hold', times: [1] });
  const running = cli(args, { env, cwd: workA });
  await server.faults.reached(hold);
  const second = await cli(args, { env, cwd: workB });
  server.faults.release(hold);
  return { first: await running, second };
}

const byName = (rows: { name: string; sha256: string }[]) => {
  const count = new Map<string, number>();
  for (const row of rows) count.set(row.name, (count.get(row.name) ?? 0) + 1);
  return Object.fromEntries([...count].sort());
};

test('gitlab: two publishes of one version with different bytes: the run that finds the other\'s bytes fails, naming the files', async () => {
  const server = await serve();
  const { first, second } = await race(server, 'gitlab.upload', gitlab.writer(server), 'build A', 'build B');
  assert.equal(second.code, 0, second.stderr);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /2 file\(s\) of app 1\.0\.0 hold bytes this run did not send:\n {2}app\.bin: sent sha256 [0-9a-f]{64}, the registry also holds [0-9a-f]{64}\n {2}SHA256SUMS: sent sha256/);
  assert.match(first.stderr, /another run published the same version at the same time/);
});

test('gitlab: the same bytes published twice at once: a warning, and the newer copies are removed (the oldest row stays)', async () => {
  const server = await serve();
  const { first, second } = await race(server, 'gitlab.upload', gitlab.writer(server), 'same build', 'same build');
  assert.equal(second.code, 0, second.stderr);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /app\.bin: another run published the same file at the same time; removed 1 more copy of the same bytes/);
  assert.match(first.stderr, /SHA256SUMS: another run published the same file at the same time; removed 1 more copy of the same bytes/);
  assert.deepEqual(byName(await gitlab.rows(server, 'app', '1.0.0')), { SHA256SUMS: 1, 'app.bin': 1 });
});

test('gitlab: a token that may not delete leaves the identical copy and says so', async () => {
  const server = await serve();
  const env = { ...gitlab.writer(server), RELPACK_TOKEN: server.tokens.developer! };
  const { first, second } = await race(server, 'gitlab.upload', env, 'same build', 'same build');
  assert.equal(second.code, 0, second.stderr);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /app\.bin: another run published the same file at the same time; the registry holds 1 more copy of the same bytes, which this token may not delete/);
  assert.deepEqual(byName(await gitlab.rows(server, 'app', '1.0.0')), { SHA256SUMS: 2, 'app.bin': 2 });
});

test('gitea: the second publish of a file name meets a 409: other bytes fail naming the file, the same bytes are a warning', async () => {
  const server = await serve();
  const different = await race(server, 'gitea.upload', gitea.writer(server), 'build A', 'build B');
  assert.equal(different.second.code, 0, different.second.stderr);
  assert.equal(different.first.code, 1, different.first.stderr);
  assert.match(different.first.stderr, /app\.bin: another run published it into app 1\.0\.0 at the same time, with different content/);
  assert.doesNotMatch(different.first.stderr, /retrying/);

  const other = await serve();
  const same = await race(other, 'gitea.upload', gitea.writer(other), 'same build', 'same build');
  assert.equal(same.second.code, 0, same.second.stderr);
  assert.equal(same.first.code, 0, same.first.stderr);
  assert.match(same.first.stderr, /app\.bin: another run published the same file at the same time, with the same content; not uploading it again/);
  assert.match(same.first.stderr, /SHA256SUMS: another run published the same file at the same time, with the same content/);
  assert.deepEqual(byName(await gitea.rows(other, 'app', '1.0.0')), { SHA256SUMS: 1, 'app.bin': 1 });
});
