/**
 * The README's workflow examples for the action are checked against action.yml: every `with:` key
 * of a step that uses relpack is an input, every `steps.<id>.outputs.X` and job output it reads is
 * an output, and the first example's step runs (against `relpack serve`) as the runner would run it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { ROOT, serve, tempDir, writeTree } from '../helpers/harness.js';
import { runAction } from './runner.js';

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: unknown;
  jobs: Record<string, { needs?: string | string[]; outputs?: Record<string, string>; steps: Step[] }>;
}

const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
const action = YAML.parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
const examples = new Map([...readme.matchAll(/<!-- readme-test: (action-[\w-]+) -->\n```yaml\n([\s\S]*?)```/g)].map((m) => [m[1]!, YAML.parse(m[2]!) as Workflow]));
const isRelpack = (step: Step) => /(^|\/)relpack\/relpack@v\d+$/.test(step.uses ?? '');

test('the README has the three workflow examples: GitHub to GitLab on tags, Gitea Actions to Gitea on tags, a download in a later job', () => {
  assert.deepEqual([...examples.keys()], ['action-github-gitlab', 'action-gitea', 'action-download']);
  assert.deepEqual(examples.get('action-github-gitlab')!.on, { push: { tags: ['*'] } });
  assert.deepEqual(examples.get('action-gitea')!.on, { push: { tags: ['v*'] } });
  const download = examples.get('action-download')!;
  const later = Object.values(download.jobs).find((job) => job.needs && job.steps.some((s) => isRelpack(s) && s.with?.command === 'download'));
  assert.ok(later, 'a job that needs an earlier one downloads');
});

for (const [name, workflow] of examples) {
  test(`README ${name}: every input exists in action.yml, every output read exists`, () => {
    let uses = 0;
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const relpackSteps = new Set(job.steps.filter(isRelpack).map((s) => s.id).filter(Boolean));
      for (const step of job.steps.filter(isRelpack)) {
        uses++;
        for (const input of Object.keys(step.with ?? {})) assert.ok(input in action.inputs, `${jobName}: input ${input} is not in action.yml`);
        const command = step.with?.command;
        if (command !== undefined) assert.ok(['publish', 'download', 'list', 'bump'].includes(command), `${jobName}: command ${command}`);
      }
      const text = YAML.stringify(job);
      for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (relpackSteps.has(m[1]!)) assert.ok(m[2]! in action.outputs, `${jobName}: output ${m[2]} is not in action.yml`);
      }
      for (const m of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        assert.ok(workflow.jobs[m[1]!]?.outputs?.[m[2]!], `${jobName}: job ${m[1]} has no output ${m[2]}`);
      }
    }
    assert.ok(uses > 0, 'the example uses the action');
  });
}

test('README action-github-gitlab: its relpack step runs as written (secrets and server substituted) on a tag', async () => {
  const server = await serve();
  const step = examples.get('action-github-gitlab')!.jobs.publish!.steps.find(isRelpack)!;
  const inputs = Object.fromEntries(
    Object.entries(step.with!).map(([key, value]) => [
      key,
      String(value)
        .replace('https://gitlab.example.com', server.url)
        .replace('my-group/my-tool', 'demo/app')
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression in the README's workflow, replaced as text
        .replace('${{ secrets.GITLAB_PACKAGES_TOKEN }}', server.tokens.maintainer!),
    ]),
  );
  const workspace = await writeTree(await tempDir(), { 'dist/linux/amd64/my-tool': 'bits', 'dist/linux/amd64/my-tool.map': 'debug' });
  const run = await runAction(inputs, {
    workspace,
    env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'my-group/my-tool', GITHUB_REPOSITORY_OWNER: 'my-group', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '1.0.0', GITHUB_SERVER_URL: 'https://github.com' },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual((JSON.parse(run.outputs.files!) as { name: string }[]).map((f) => f.name), ['SHA256SUMS', 'linux/amd64/my-tool'], 'the .map file is excluded');
  assert.equal(run.outputs.version, '1.0.0');
});

test('README action-gitea: its relpack step runs as written on Forgejo (secrets and server substituted): published, and each file a release asset of the tag', async () => {
  const server = await serve({ config: { gitea: { server: 'forgejo' } } });
  const step = examples.get('action-gitea')!.jobs.publish!.steps.find(isRelpack)!;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression in the README's workflow, replaced as text
  const inputs = Object.fromEntries(Object.entries(step.with!).map(([key, value]) => [key, String(value).replace('${{ secrets.PACKAGES_TOKEN }}', server.tokens.giteaOwner!)]));
  const workspace = await writeTree(await tempDir(), { 'dist/my-tool-linux': 'elf', 'dist/my-tool.exe': 'pe' });
  const run = await runAction(inputs, {
    workspace,
    env: {
      GITHUB_ACTIONS: 'true', FORGEJO_ACTIONS: 'true', GITHUB_SERVER_URL: server.url, GITHUB_REPOSITORY: 'demo/app', GITHUB_REPOSITORY_OWNER: 'demo',
      GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.0.0', GITHUB_SHA: 'e'.repeat(40), FORGEJO_TOKEN: server.tokens.giteaActions,
    },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.version, '1.0.0');
  assert.match(run.outputs['release-url']!, /\/demo\/app\/releases\/tag\/v1\.0\.0$/);
  const release = (await (await fetch(`${server.url}/api/v1/repos/demo/app/releases/tags/v1.0.0`, { headers: { Authorization: `token ${server.tokens.giteaOwner}` } })).json()) as { assets: { name: string; browser_download_url: string }[] };
  assert.deepEqual(release.assets.map((a) => a.name).sort(), ['SHA256SUMS', 'my-tool-linux', 'my-tool.exe']);
  assert.ok(release.assets.every((a) => a.browser_download_url.startsWith(`${server.url}/api/packages/demo/generic/app/1.0.0/`)));
});
