/**
 * The README's component examples: the example pipeline runs as written with gitlab-ci-local
 * against `relpack serve` with the templates' defaults (the component references pointed at this
 * checkout's templates/, relpack installed from the packed npm package as in the default image,
 * the build script supplied), and every input the examples pass
 * exists in the template they include (gitlab-ci-local, unlike GitLab, accepts unknown inputs).
 */
import assert from 'node:assert/strict';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { ROOT, serve } from '../helpers/harness.js';
import { relpackOnPath } from '../helpers/readme.js';
import { gitlabCiLocal, pipelineRepo, runPipeline } from './gcl.js';

const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## The GitLab CI/CD component'), readme.indexOf('## The local registry'));
const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const pipeline = /<!-- readme-test: component-pipeline -->\n```yaml\n([\s\S]*?)```/.exec(section)?.[1];
const tool = await gitlabCiLocal();

type Include = { component?: string; inputs?: Record<string, unknown> };

test('README component examples: every input exists in the template it includes', async () => {
  assert.ok(pipeline, 'the README has the component-pipeline example');
  let includes = 0;
  for (const example of examples) {
    for (const include of ((YAML.parse(example) as { include?: Include[] }).include ?? [])) {
      const name = /\/(\w+)@[^/]+$/.exec(include.component ?? '')?.[1];
      assert.ok(name, `a component include: ${include.component}`);
      const template = await readFile(join(ROOT, 'templates', `${name}.yml`), 'utf8');
      const declared = (YAML.parse(template.split(/^---$/m)[0]!) as { spec: { inputs: Record<string, unknown> } }).spec.inputs;
      for (const input of Object.keys(include.inputs ?? {})) assert.ok(input in declared, `${name}: unknown input ${input}`);
      includes++;
    }
  }
  assert.ok(includes >= 3);
});

test('README component-pipeline runs: build, publish on the tag with its release links, download through needs', { skip: tool.bin ? false : tool.reason }, async () => {
  const server = await serve();
  const doc = YAML.parse(pipeline!) as { include: Include[] } & Record<string, unknown>;
  for (const include of doc.include) {
    include.component = include.component!.replace(/^.*\/(\w+)@[^/]+$/, '$CI_SERVER_FQDN/$CI_PROJECT_PATH/$1@$CI_COMMIT_SHA');
    // No `cli` and no `image` override: the templates' defaults, with relpack on PATH installed
    // from the packed npm package, as the default image installs it.
  }
  const repo = await pipelineRepo(server.url, {
    '.gitlab-ci.yml': YAML.stringify(doc),
    'build.sh': '#!/bin/sh\nset -e\nmkdir -p "$1/linux/amd64" "$1/darwin/arm64"\necho linux > "$1/linux/amd64/my-tool"\necho darwin > "$1/darwin/arm64/my-tool"\n',
  });
  await chmod(join(repo.dir, 'build.sh'), 0o755);
  await repo.commit();
  const run = await runPipeline(tool.bin!, repo, { CI_COMMIT_TAG: '1.0.0', CI_JOB_TOKEN: server.tokens.job! }, [], { path: await relpackOnPath() });
  assert.equal(run.code, 0, run.output);
  for (const job of ['build', 'relpack-publish', 'relpack-download']) assert.match(run.output, new RegExp(`PASS +${job}\\b`), `${job} passed`);
  assert.ok(run.job('relpack-download').includes('RELPACK_DOWNLOADED=3'), run.output);
  // The publish job created the tag's release with one asset link per file (release: true).
  const release = (await (await fetch(`${server.url}/api/v4/projects/1/releases/1.0.0`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer! } })).json()) as { assets: { links: { name: string; url: string; link_type: string }[] } };
  assert.deepEqual(release.assets.links.map((l) => l.name).sort(), ['SHA256SUMS', 'darwin/arm64/my-tool', 'linux/amd64/my-tool']);
  assert.ok(release.assets.links.every((l) => l.link_type === 'package'));
  assert.ok(run.job('relpack-publish').includes(`RELPACK_RELEASE_URL=${server.url}/demo/app/-/releases/1.0.0`), run.output);
  const linux = release.assets.links.find((l) => l.name === 'linux/amd64/my-tool')!;
  const file = await fetch(linux.url, { headers: { 'JOB-TOKEN': server.tokens.job! } });
  assert.equal(await file.text(), 'linux\n', 'the release link points at the published file');
});
