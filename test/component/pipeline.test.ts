/**
 * The GitLab CI/CD component end to end: pipelines that include templates/ in the component form
 * (`component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`, GitLab's own self-test
 * form), run by gitlab-ci-local 4.73.0 against `relpack serve`, with the templates' `cli` input set
 * to this checkout's CLI bundle.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../helpers/harness.js';
import { gitlabCiLocal, LOCAL_CLI, pipelineRepo, runPipeline } from './gcl.js';

const component = (name: string) => `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${name}@$CI_COMMIT_SHA`;
const tool = await gitlabCiLocal();
const skip = tool.bin || process.env.CI ? false : tool.reason;

async function gitlabApi<T>(server: { url: string; tokens: Record<string, string> }, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer! } });
  return { status: response.status, body: (await response.json()) as T };
}

test('tag pipeline: publish with the tag as version (v1.2.3 as 1.2.3, the rule of every shell), download in a later job through needs and the dotenv report', { skip }, async () => {
  const server = await serve();
  const repo = await pipelineRepo(server.url, {
    'dist/linux/amd64/app': 'linux build',
    'dist/windows/amd64/app.exe': 'windows build',
    'install.sh': '#!/bin/sh\n',
    '.gitlab-ci.yml': `
stages: [build, deploy, verify]
include:
  - component: ${component('publish')}
    inputs:
      files: [dist/, install.sh]
      cli: ${LOCAL_CLI}
  - component: ${component('download')}
    inputs:
      stage: verify
      out: fetched
      cli: ${LOCAL_CLI}
relpack-download:
  needs: [relpack-publish]
check:
  stage: verify
  needs: [relpack-download]
  rules:
    - if: $CI_COMMIT_TAG
  script:
    - echo "version=$RELPACK_VERSION url=$RELPACK_PACKAGE_URL downloaded=$RELPACK_DOWNLOADED"
    - cd fetched && sha256sum -c SHA256SUMS
`,
  });
  const run = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: 'v1.2.3', CI_JOB_TOKEN: server.tokens.job! });
  assert.equal(run.code, 0, run.output);
  assert.ok(run.job('relpack-publish').includes('RELPACK_VERSION=1.2.3'), run.output);
  assert.ok(run.job('relpack-publish').includes('RELPACK_UPLOADED=4'), run.output);
  assert.ok(run.job('relpack-publish').some((l) => l.includes('using the CI job token (CI_JOB_TOKEN)')), 'packages go with CI_JOB_TOKEN by default');
  assert.ok(run.job('relpack-download').includes('RELPACK_DOWNLOADED=4'), run.output);
  const check = run.job('check');
  assert.ok(check.includes(`version=1.2.3 url=${server.url}/api/v4/projects/1/packages/generic/app/1.2.3 downloaded=4`), check.join('\n'));
  assert.ok(check.includes('linux/amd64/app: OK') && check.includes('windows/amd64/app.exe: OK'), check.join('\n'));
  const files = await gitlabApi<{ name: string; version: string }[]>(server, '/projects/1/packages?package_name=app');
  assert.deepEqual(files.body.map((p) => `${p.name} ${p.version}`), ['app 1.2.3']);

  // A branch pipeline runs neither job: publish is for tags.
  const branch = await runPipeline(tool.bin!, repo, { CI_JOB_TOKEN: server.tokens.job! }, ['--list']);
  assert.equal(branch.code, 0, branch.output);
  assert.doesNotMatch(branch.output, /^(relpack-publish|relpack-download|check) /m);
});

test('bump flow: the version variable read, bumped, published and written back; the next job gets the version', { skip }, async () => {
  const server = await serve();
  const repo = await pipelineRepo(server.url, {
    'dist/app': 'build 1',
    '.gitlab-ci.yml': `
stages: [deploy, verify]
include:
  - component: ${component('bump')}
    inputs:
      files: [dist/app]
      bump: minor
      cli: ${LOCAL_CLI}
  - component: ${component('download')}
    inputs:
      stage: verify
      if: $CI_COMMIT_BRANCH
      cli: ${LOCAL_CLI}
relpack-download:
  needs: [relpack-bump]
`,
  });
  const variables = { CI_JOB_TOKEN: server.tokens.job!, RELPACK_BUMP_TOKEN: server.tokens.maintainer! };
  const preview = await runPipeline(tool.bin!, repo, variables, ['--preview']);
  assert.match(preview.output, /resource_group: relpack-bump-RELPACK_RELEASE_VERSION/, 'bumps of one variable are serialised');

  const first = await runPipeline(tool.bin!, repo, variables);
  assert.equal(first.code, 0, first.output);
  assert.ok(first.job('relpack-bump').includes('RELPACK_VERSION=0.1.0'), first.output);
  assert.ok(first.job('relpack-bump').includes('RELPACK_PREVIOUS_VERSION=0.0.0'), first.output);
  assert.ok(first.job('relpack-download').includes('RELPACK_VERSION=0.1.0'), 'the download job got the bumped version from the dotenv report');
  const variable = await gitlabApi<{ value: string }>(server, '/projects/1/variables/RELPACK_RELEASE_VERSION');
  assert.equal(variable.status, 200);
  assert.equal(variable.body.value, '0.1.0');
  assert.ok(!first.output.includes(server.tokens.maintainer!), 'the bump token is not printed');

  await repo.commit({ 'dist/app': 'build 2' });
  const second = await runPipeline(tool.bin!, repo, variables);
  assert.equal(second.code, 0, second.output);
  assert.ok(second.job('relpack-bump').includes('RELPACK_VERSION=0.2.0'), second.output);
  assert.ok(second.job('relpack-bump').includes('RELPACK_PREVIOUS_VERSION=0.1.0'), second.output);
  assert.equal((await gitlabApi<{ value: string }>(server, '/projects/1/variables/RELPACK_RELEASE_VERSION')).body.value, '0.2.0');

  // Without the token variable, the job says which variable is missing: CI_JOB_TOKEN cannot write variables.
  const missing = await runPipeline(tool.bin!, repo, { CI_JOB_TOKEN: server.tokens.job! });
  assert.notEqual(missing.code, 0);
  assert.ok(missing.job('relpack-bump').some((l) => l.includes('relpack: error: token-variable: RELPACK_BUMP_TOKEN is empty or not set in this job')), missing.output);
});

test('invalid inputs fail the pipeline with GitLab\'s message before any job runs', { skip }, async () => {
  const server = await serve();
  const repo = await pipelineRepo(server.url, { 'a.bin': 'a' });
  const cases: [string, string][] = [
    ['{ files: [a.bin], concurrency: many }', '`concurrency` input: provided value is not a number'],
    ['{ cli: relpack }', '`files` input: required value has not been provided'],
    ['{ files: [a.bin], hidden: maybe }', '`hidden` input: provided value is not a boolean'],
    ['{ files: [a.bin], if-exists: always }', '`if-exists` input: `always` cannot be used because it is not in the list of allowed options'],
    ['{ files: [a.bin], token-variable: glpat-abc123 }', '`token-variable` input: `glpat-abc123` does not match required regex'],
  ];
  for (const [inputs, message] of cases) {
    await repo.commit({ '.gitlab-ci.yml': `include:\n  - component: ${component('publish')}\n    inputs: ${inputs}\n` });
    const run = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: '1.0.0', CI_JOB_TOKEN: server.tokens.job! });
    assert.notEqual(run.code, 0, `${inputs} should fail the pipeline:\n${run.output}`);
    assert.ok(run.output.includes(`This GitLab CI configuration is invalid: \`templates/publish.yml\`: ${message}`), `${inputs}:\n${run.output}`);
    assert.doesNotMatch(run.output, /relpack-publish starting/);
  }
  assert.deepEqual((await gitlabApi<unknown[]>(server, '/projects/1/packages')).body, []);
});

test('a failing job fails the pipeline with the CLI\'s message and keeps relpack.json with the error as an artifact', { skip }, async () => {
  const server = await serve();
  const repo = await pipelineRepo(server.url, {
    '.gitlab-ci.yml': `include:\n  - component: ${component('publish')}\n    inputs:\n      files: ['build/*.bin']\n      cli: ${LOCAL_CLI}\n`,
  });
  const run = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: '1.0.0', CI_JOB_TOKEN: server.tokens.job! });
  assert.notEqual(run.code, 0);
  assert.ok(run.job('relpack-publish').includes('relpack: error: "build/*.bin" matches no file'), run.output);
  const result = JSON.parse(await readFile(join(repo.dir, '.gitlab-ci-local/artifacts/relpack-publish/relpack.json'), 'utf8')) as { ok: boolean; errors: { code: string }[] };
  assert.equal(result.ok, false);
  assert.equal(result.errors[0]!.code, 'NO_MATCH');
});
