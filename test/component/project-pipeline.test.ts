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
import { relpackOnPath } from '../helpers/readme.js';
import { gitlabCiLocal, pipelineRepo, runPipeline } from './gcl.js';

const tool = await gitlabCiLocal();
const skip = tool.bin || process.env.CI ? false : tool.reason;

const jobs = (output: string) =>
  output
    .split('\n')
    .slice(output.split('\n').findIndex((l) => l.startsWith('name ')) + 1)
    .map((l) => l.split(/\s+/)[0])
    .filter(Boolean);

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** A pipeline repository holding what this project's .gitlab-ci.yml needs to run the given jobs. */
async function projectRepo(serverUrl: string) {
  const files: Record<string, string> = {};
  for (const file of ['.gitlab-ci.yml', 'README.md', 'CHANGELOG.md', 'package.json', 'component.yml', 'scripts/release.mjs']) files[file] = await readFile(join(ROOT, file), 'utf8');
  // As on a release commit, where `npm run release` has given the version its changelog section.
  files['CHANGELOG.md'] = files['CHANGELOG.md']!.replace(/^## Unreleased$/m, `## Unreleased\n\n## ${pkg.version} (2026-11-30)`);
  const repo = await pipelineRepo(serverUrl, files);
  await cp(join(ROOT, 'dist/relpack.mjs'), join(repo.dir, 'dist/relpack.mjs'));
  await repo.commit();
  return repo;
}

test('.gitlab-ci.yml: the jobs of a branch pipeline and of a tag pipeline; the self-test publishes and downloads this commit\'s CLI', { skip }, async () => {
  assert.ok(tool.bin, tool.reason);
  const server = await serve();
  const repo = await projectRepo(server.url);

  const branch = await runPipeline(tool.bin!, repo, {}, ['--list']);
  assert.equal(branch.code, 0, branch.output);
  assert.deepEqual(jobs(branch.output), ['test', 'self-test-publish', 'self-test-download', 'self-test-verify']);
  const release = ['test', 'release-check', 'self-test-publish', 'self-test-download', 'self-test-verify', 'package', 'container-image', 'publish-release-files'];
  const after = ['verify-release-files', 'release-files-match', 'catalog-release'];
  const tag = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: pkg.version }, ['--list']);
  assert.equal(tag.code, 0, tag.output);
  assert.deepEqual(jobs(tag.output), [...release, ...after], 'without NPM_TOKEN there is no npm job, and nothing waits for one');
  const withNpm = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: pkg.version, NPM_TOKEN: 'npm-token' }, ['--list']);
  assert.deepEqual(jobs(withNpm.output), [...release, 'publish-npm', ...after]);

  // The self-test jobs (not `test`, which is this suite): publish, download through needs, verify.
  const run = await runPipeline(tool.bin!, repo, { CI_JOB_TOKEN: server.tokens.job!, CI_PIPELINE_IID: '42' }, ['self-test-publish', 'self-test-download', 'self-test-verify']);
  assert.equal(run.code, 0, run.output);
  assert.ok(run.job('self-test-publish').includes('RELPACK_VERSION=0.0.0-ci.42'), run.output);
  assert.ok(run.job('self-test-verify').includes('relpack.mjs: OK'), run.output);
  assert.doesNotMatch(run.output, /^test +starting/m);
});

test('.gitlab-ci.yml on a tag: release-check holds the tag to the stamps; the release files go out by the component with its defaults', { skip }, async () => {
  assert.ok(tool.bin, tool.reason);
  const server = await serve();
  const repo = await projectRepo(server.url);

  const wrong = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: '9.9.9' }, ['release-check']);
  assert.notEqual(wrong.code, 0, 'a tag that the release script did not stamp fails');
  assert.match(wrong.output, /package\.json: version is /);
  const right = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: pkg.version }, ['release-check']);
  assert.equal(right.code, 0, right.output);

  // `package` leaves release/relpack.mjs as an artifact; here it is the one-file CLI of this checkout.
  await cp(join(ROOT, 'dist/relpack.mjs'), join(repo.dir, 'release/relpack.mjs'));
  await repo.commit();
  // No `image`/`cli` inputs in .gitlab-ci.yml for these jobs: they run the release's own image,
  // here its contents: relpack installed from the packed npm package.
  const run = await runPipeline(
    tool.bin!,
    repo,
    { CI_COMMIT_TAG: pkg.version, CI_JOB_TOKEN: server.tokens.job! },
    ['publish-release-files', 'verify-release-files', 'release-files-match'],
    { path: await relpackOnPath() },
  );
  assert.equal(run.code, 0, run.output);
  assert.ok(run.job('publish-release-files').includes(`RELPACK_VERSION=${pkg.version}`), run.output);
  assert.ok(run.job('publish-release-files').includes('RELPACK_UPLOADED=2'), 'relpack.mjs and SHA256SUMS');
  assert.ok(run.job('release-files-match').includes('relpack.mjs: OK'), run.output);
  const served = await fetch(`${server.url}/api/v4/projects/1/packages/generic/relpack/${pkg.version}/relpack.mjs`, { headers: { 'JOB-TOKEN': server.tokens.job! } });
  assert.ok(Buffer.from(await served.arrayBuffer()).equals(await readFile(join(ROOT, 'dist/relpack.mjs'))));
});
