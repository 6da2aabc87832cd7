/**
 * The prune component with its defaults (dry-run true, relpack as the default image installs it),
 * run by gitlab-ci-local against `relpack serve`: it plans, reports, and deletes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';
import { relpackOnPath } from '../helpers/readme.js';
import { gitlabCiLocal, pipelineRepo, runPipeline } from './gcl.js';

const tool = await gitlabCiLocal();
const skip = tool.bin || process.env.CI ? false : tool.reason;

test('prune component: a dry run by default, with the plan in the log and the dotenv report', { skip }, async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  for (const version of ['1.0.0', '1.1.0']) assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', version, '-q'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work })).code, 0);
  const repo = await pipelineRepo(server.url, {
    '.gitlab-ci.yml': `include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/prune@$CI_COMMIT_SHA\n    inputs:\n      keep: 1\n      if: $CI_PIPELINE_SOURCE\n      token-variable: CLEANUP_TOKEN\n`,
  });
  const run = await runPipeline(tool.bin!, repo, { CI_JOB_TOKEN: server.tokens.job!, CLEANUP_TOKEN: server.tokens.maintainer! }, [], { path: await relpackOnPath() });
  assert.equal(run.code, 0, run.output);
  const job = run.job('relpack-prune');
  assert.ok(job.includes('RELPACK_PRUNED=0'), run.output);
  assert.ok(job.includes('RELPACK_KEPT=2'), run.output);
  assert.ok(job.some((line) => /keep +app 1\.0\.0 \(published in the last 10 minutes\)/.test(line)), run.output);
  const listed = await cli(['list', '--name', 'app', '--json'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(JSON.parse(listed.stdout).versions.length, 2, 'nothing was deleted');
});
