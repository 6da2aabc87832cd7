/**
 * prune: the retention policy. The plan's rules as pure functions (clock injected), the operation
 * over real HTTP against `relpack serve` on both flavours (with a clock an hour ahead, so the
 * versions just published count as old), and the CLI's own safety rules and input checks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planPrune, retentionOrder } from '../../src/core/prune.js';
import { silentReporter } from '../../src/core/progress.js';
import { prune } from '../../src/operations/prune.js';
import { flavours, gitlab } from '../helpers/flavours.js';
import { runAction } from '../action/runner.js';
import { cli, serve, tempDir, writeTree } from '../helpers/harness.js';

const HOUR = 3600e3;
const at = (iso: string) => iso;

test('the order kept: semantic versions by precedence, then the others newest first; keep, recent, protected and --older-than', () => {
  const versions = [
    { version: 'nightly-1', createdAt: at('2026-11-01T00:00:00Z') },
    { version: '1.2.0', createdAt: at('2026-10-01T00:00:00Z') },
    { version: '1.10.0', createdAt: at('2026-09-01T00:00:00Z') },
    { version: '2.0.0-rc.1', createdAt: at('2026-11-20T00:00:00Z') },
    { version: 'nightly-2', createdAt: at('2026-11-29T23:55:00Z') },
    { version: '1.9.0', createdAt: at('2026-08-01T00:00:00Z') },
  ];
  assert.deepEqual(retentionOrder(versions).map((v) => v.version), ['2.0.0-rc.1', '1.10.0', '1.9.0', '1.2.0', 'nightly-2', 'nightly-1']);
  const now = Date.parse('2026-11-30T00:00:00Z');
  const decide = (options: Parameters<typeof planPrune>[1]) => Object.fromEntries(planPrune(versions, options, now).map((v) => [v.version, v.decision]));
  assert.deepEqual(decide({ keep: 2 }), { '2.0.0-rc.1': 'kept', '1.10.0': 'kept', '1.9.0': 'planned', '1.2.0': 'planned', 'nightly-2': 'kept', 'nightly-1': 'planned' }, 'nightly-2 is 5 minutes old');
  assert.deepEqual(decide({ keep: 2, protect: new Set(['1.2.0']) })['1.2.0'], 'kept', 'the version variable\'s version stays');
  assert.deepEqual(decide({ keep: 1, olderThanMs: 70 * 24 * HOUR }), { '2.0.0-rc.1': 'kept', '1.10.0': 'planned', '1.9.0': 'planned', '1.2.0': 'kept', 'nightly-2': 'kept', 'nightly-1': 'kept' });
  assert.deepEqual(decide({ keep: 1, match: /-rc\./ }), { '2.0.0-rc.1': 'kept' }, 'only matching versions are considered');
  assert.throws(() => planPrune(versions, { keep: 0 }, now), /--keep must be a whole number of at least 1/);
});

for (const flavour of flavours) {
  test(`${flavour.name}: prune plans, then deletes exactly the versions beyond what is kept`, async () => {
    const server = await serve();
    const env = flavour.writer(server);
    const work = await writeTree(await tempDir(), { 'app.bin': 'app' });
    for (const version of ['1.0.0', '1.1.0', '2.0.0', 'nightly']) {
      const run = await cli(['publish', 'app.bin', '--name', 'app', '--version', version, '-q'], { env, cwd: work });
      assert.equal(run.code, 0, run.stderr);
    }
    const ctx = { env, cwd: work, reporter: silentReporter, addSecret: () => {}, userAgent: 'relpack-test' };
    const later = () => Date.now() + HOUR;
    const request = { connection: {}, name: 'app', keep: '2', store: {}, now: later };
    const plan = await prune(ctx, { ...request, yes: false });
    assert.equal(plan.dryRun, true);
    assert.deepEqual(plan.versions.map((v) => [v.version, v.decision]), [['2.0.0', 'kept'], ['1.1.0', 'kept'], ['1.0.0', 'planned'], ['nightly', 'planned']]);
    assert.ok((await flavour.rows(server, 'app', '1.0.0')).length > 0, 'a plan deletes nothing');

    const done = await prune(ctx, { ...request, yes: true });
    assert.equal(done.pruned, 2);
    assert.deepEqual(await flavour.rows(server, 'app', '1.0.0'), []);
    assert.deepEqual(await flavour.rows(server, 'app', 'nightly'), []);
    assert.ok((await flavour.rows(server, 'app', '1.1.0')).length > 0);
    const listed = await cli(['list', '--name', 'app', '--json'], { env, cwd: work });
    assert.deepEqual(JSON.parse(listed.stdout).versions.map((v: { version: string }) => v.version).sort(), ['1.1.0', '2.0.0']);
  });
}

test('CLI: versions published in the last 10 minutes are never pruned; bad input exits 2 before any request', async () => {
  const server = await serve();
  const env = gitlab.writer(server);
  const work = await writeTree(await tempDir(), { 'app.bin': 'app' });
  for (const version of ['1.0.0', '1.1.0']) assert.equal((await cli(['publish', 'app.bin', '--name', 'app', '--version', version, '-q'], { env, cwd: work })).code, 0);
  const run = await cli(['prune', '--name', 'app', '--keep', '1', '--yes', '--json'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.pruned, 0);
  assert.deepEqual(result.versions.map((v: { reason: string }) => v.reason), ['among the newest 1', 'published in the last 10 minutes']);

  const before = server.lines.length;
  for (const [args, message] of [
    [['--keep', '0'], /--keep must be a whole number of at least 1/],
    [['--keep', '2', '--older-than', '30x'], /--older-than must be a duration such as 30d/],
    [['--keep', '2', '--match', '('], /--match is not a regular expression/],
    [[], /prune needs --keep/],
  ] as const) {
    const bad = await cli(['prune', '--name', 'app', ...args], { env, cwd: work });
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
  }
  assert.equal(server.lines.length, before, 'no request was sent for bad input');
});

test('action: command prune with dry-run plans through the bundle, as a runner starts it', async () => {
  const server = await serve();
  const env = gitlab.writer(server);
  const work = await writeTree(await tempDir(), { 'app.bin': 'app' });
  for (const version of ['1.0.0', '1.1.0']) assert.equal((await cli(['publish', 'app.bin', '--name', 'app', '--version', version, '-q'], { env, cwd: work })).code, 0);
  const run = await runAction({ command: 'prune', name: 'app', keep: '1', 'dry-run': 'true' }, { env });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.pruned, '0');
  assert.equal(run.outputs.kept, '2');
  assert.match(run.stdout, /keep +app 1\.0\.0 \(published in the last 10 minutes\)/);
  const bad = await runAction({ command: 'prune', name: 'app', keep: '0' }, { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout + bad.stderr, /keep/);
});

test('gitlab: the version the version variable holds is never pruned, even when it is beyond what is kept', async () => {
  const server = await serve();
  const env = gitlab.writer(server);
  const work = await writeTree(await tempDir(), { 'app.bin': 'app' });
  for (const version of ['1.0.0', '1.1.0', '2.0.0']) assert.equal((await cli(['publish', 'app.bin', '--name', 'app', '--version', version, '-q'], { env, cwd: work })).code, 0);
  const created = await fetch(`${server.url}/api/v4/projects/1/variables`, {
    method: 'POST',
    headers: { 'PRIVATE-TOKEN': server.tokens.maintainer!, 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: 'APP_VERSION', value: '1.0.0' }),
  });
  assert.equal(created.status, 201);
  const ctx = { env, cwd: work, reporter: silentReporter, addSecret: () => {}, userAgent: 'relpack-test' };
  const result = await prune(ctx, { connection: {}, name: 'app', keep: 1, store: { variable: 'APP_VERSION', store: 'gitlab' }, yes: true, now: () => Date.now() + HOUR });
  assert.deepEqual(result.versions.map((v) => [v.version, v.decision, v.reason]), [
    ['2.0.0', 'kept', 'among the newest 1'],
    ['1.1.0', 'deleted', 'beyond what is kept'],
    ['1.0.0', 'kept', 'the version variable holds it'],
  ]);
  assert.ok((await gitlab.rows(server, 'app', '1.0.0')).length > 0);
  assert.deepEqual(await gitlab.rows(server, 'app', '1.1.0'), []);
});
