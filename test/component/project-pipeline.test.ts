/**
 * This project's own .gitlab-ci.yml: valid for GitLab's schema (gitlab-ci-local validates), the
 * expected jobs on branches and on tags, and its self-test (the components from this commit,
 * included as `component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`) run against
 * `relpack serve` as GitLab would run it.
 */
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, serve } from '../helpers/harness.js';
import { gitlabCiLocal, pipelineRepo, runPipeline } from './gcl.js';

const tool = await gitlabCiLocal();
const skip = tool.bin || process.env.CI ? false : tool.reason;

const jobs = (output: string) =>
  output
    .split('\n')
    .slice(output.split('\n').findIndex((l) => l.startsWith('name ')) + 1)
    .map((l) => l.split(/\s+/)[0])
    .filter(Boolean);

test('.gitlab-ci.yml: the jobs of a branch pipeline and of a tag pipeline; the self-test publishes and downloads this commit\'s CLI', { skip }, async () => {
  assert.ok(tool.bin, tool.reason);
  const server = await serve();
  const repo = await pipelineRepo(server.url, {
    '.gitlab-ci.yml': await readFile(join(ROOT, '.gitlab-ci.yml'), 'utf8'),
    'README.md': await readFile(join(ROOT, 'README.md'), 'utf8'),
  });
  await cp(join(ROOT, 'dist/relpack.mjs'), join(repo.dir, 'dist/relpack.mjs'));
  await repo.commit();

  const branch = await runPipeline(tool.bin!, repo, {}, ['--list']);
  assert.equal(branch.code, 0, branch.output);
  assert.deepEqual(jobs(branch.output), ['test', 'self-test-publish', 'self-test-download', 'self-test-verify']);
  const tag = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: 'v0.1.0', NPM_RC: '/dev/null' }, ['--list']);
  assert.equal(tag.code, 0, tag.output);
  assert.deepEqual(jobs(tag.output), ['test', 'self-test-publish', 'self-test-download', 'self-test-verify', 'publish-cli-package', 'publish-npm', 'catalog-release']);

  // The self-test jobs (not `test`, which is this suite): publish, download through needs, verify.
  const run = await runPipeline(tool.bin!, repo, { CI_JOB_TOKEN: server.tokens.job!, CI_PIPELINE_IID: '42' }, ['self-test-publish', 'self-test-download', 'self-test-verify']);
  assert.equal(run.code, 0, run.output);
  assert.ok(run.job('self-test-publish').includes('RELPACK_VERSION=0.0.0-ci.42'), run.output);
  assert.ok(run.job('self-test-verify').includes('relpack.mjs: OK'), run.output);
  assert.doesNotMatch(run.output, /^test +starting/m);
});
