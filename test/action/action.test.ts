/**
 * The bundled action end to end, started as a runner starts it (test/action/runner.ts), against
 * `relpack serve`: publish, download and bump on a GitHub runner publishing to GitLab and on
 * Gitea/Forgejo Actions publishing to Gitea; outputs read back from GITHUB_OUTPUT, the job
 * summary, masks, and failures.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve, tempDir, writeTree } from '../helpers/harness.js';
import { runAction, type ActionRun } from './runner.js';

type Server = Awaited<ReturnType<typeof serve>>;

/** A GitHub-hosted runner, on a tag push. GitHub does not export the job token as GITHUB_TOKEN. */
function githubRunner(extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_REPOSITORY: 'demo/my-tool',
    GITHUB_REPOSITORY_OWNER: 'demo',
    GITHUB_REF: 'refs/tags/1.4.2',
    GITHUB_REF_TYPE: 'tag',
    GITHUB_REF_NAME: '1.4.2',
    ACTIONS_RUNTIME_TOKEN: 'runtime-secret-token-value',
    ...extra,
  };
}

/** A Gitea Actions runner (act_runner): GITHUB_* pointing at the Gitea instance, the job token exported. */
function giteaRunner(server: Server, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITEA_ACTIONS: 'true',
    GITEA_ACTIONS_RUNNER_VERSION: 'v0.2.13',
    GITHUB_SERVER_URL: server.url,
    GITHUB_API_URL: `${server.url}/api/v1`,
    GITHUB_REPOSITORY: 'demo/app',
    GITHUB_REPOSITORY_OWNER: 'demo',
    GITHUB_REF: 'refs/tags/2.0.0',
    GITHUB_REF_TYPE: 'tag',
    GITHUB_REF_NAME: '2.0.0',
    GITHUB_TOKEN: server.tokens.giteaActions!,
    ...extra,
  };
}

/** Each secret appears in the log only inside the `::add-mask::` command that registers it. */
function assertMasked(run: ActionRun, secrets: string[]): void {
  const log = run.stdout + run.stderr;
  for (const secret of secrets) {
    assert.ok(log.includes(`::add-mask::${secret}\n`), `::add-mask:: for ${secret.slice(0, 6)}…`);
    const leaked = log.split('\n').filter((line) => line.includes(secret) && !line.startsWith('::add-mask::'));
    assert.deepEqual(leaked, [], `secret ${secret.slice(0, 6)}… printed outside ::add-mask::`);
  }
  const firstMask = log.indexOf('::add-mask::');
  const firstOther = log.split('\n').findIndex((line) => line !== '' && !line.startsWith('::add-mask::'));
  assert.ok(firstMask === 0 && firstOther >= secrets.length, 'the masks come before any other line');
}

/** The message of `::error::` (the runner's escaping undone). */
function errorMessage(run: ActionRun): string {
  const line = run.stdout.split('\n').find((l) => l.startsWith('::error::'));
  assert.ok(line, `an ::error:: line in:\n${run.stdout}${run.stderr}`);
  return line.slice('::error::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function ok(run: ActionRun): void {
  assert.equal(run.code, 0, `the action failed:\n${run.stdout}\n${run.stderr}`);
}

interface FileOutput {
  name: string;
  path: string | null;
  size: number;
  sha256: string;
  url: string;
  status: string;
}

test('GitHub runner -> GitLab: publish on a tag, re-run, then download in a later job', async () => {
  const server = await serve();
  const token = server.tokens.maintainer!;
  const workspace = await writeTree(await tempDir(), {
    'build/linux/amd64/my-tool': 'elf binary',
    'build/darwin/arm64/my-tool': 'mach-o binary',
    'build/debug.map': 'not for release',
    'install.sh': '#!/bin/sh\necho install\n',
  });
  const inputs = { url: server.url, project: 'demo/app', token, files: 'build/\n!build/**/*.map\ninstall.sh\n' };

  const first = await runAction(inputs, { env: githubRunner(), workspace });
  ok(first);
  assertMasked(first, [token, 'runtime-secret-token-value']);
  assert.equal(first.outputs.version, '1.4.2', 'the version comes from the tag');
  assert.equal(first.outputs.name, 'my-tool', 'the name comes from the repository');
  assert.equal(first.outputs['package-url'], `${server.url}/api/v4/projects/demo%2Fapp/packages/generic/my-tool/1.4.2`);
  assert.equal(first.outputs.uploaded, '4');
  assert.equal(first.outputs.skipped, '0');
  const files = JSON.parse(first.outputs.files!) as FileOutput[];
  assert.deepEqual(files.map((f) => f.name), ['SHA256SUMS', 'darwin/arm64/my-tool', 'install.sh', 'linux/amd64/my-tool']);
  const tool = files.find((f) => f.name === 'linux/amd64/my-tool')!;
  assert.deepEqual(Object.keys(tool).sort(), ['name', 'path', 'sha256', 'size', 'status', 'url']);
  assert.equal(tool.path, join(workspace, 'build/linux/amd64/my-tool'));
  assert.equal(tool.size, 10);
  assert.match(tool.sha256, /^[0-9a-f]{64}$/);
  assert.equal(tool.status, 'uploaded');
  assert.equal(tool.url, `${server.url}/api/v4/projects/demo%2Fapp/packages/generic/my-tool/1.4.2/linux/amd64/my-tool`);
  assert.match(first.stdout, /uploaded +linux\/amd64\/my-tool 10 B sha256:[0-9a-f]{12}/, 'progress lines in the log');

  // The summary: the version line, then a row per file with size, short SHA-256, status and link.
  assert.match(first.summary, /Published <a href="[^"]+\/my-tool\/1\.4\.2">my-tool 1\.4\.2<\/a>: 4 uploaded, 0 skipped\./);
  assert.ok(first.summary.includes(`<tr><td><a href="${tool.url}">linux/amd64/my-tool</a></td><td>10 B</td><td><code>${tool.sha256.slice(0, 12)}</code></td><td>uploaded</td></tr>`), first.summary);

  const again = await runAction(inputs, { env: githubRunner(), workspace });
  ok(again);
  assert.equal(again.outputs.uploaded, '0');
  assert.equal(again.outputs.skipped, '4', 'a re-run skips what is already published');

  // A later job: a fresh workspace, the version from the publish job's output.
  const later = await tempDir();
  const download = await runAction(
    { command: 'download', url: server.url, project: 'demo/app', token, version: first.outputs.version!, out: 'bin' },
    { env: githubRunner({ GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main', GITHUB_REF: 'refs/heads/main' }), workspace: later },
  );
  ok(download);
  assertMasked(download, [token]);
  assert.equal(download.outputs.downloaded, '4');
  assert.equal(download.outputs.version, '1.4.2');
  assert.equal(await readFile(join(later, 'bin/linux/amd64/my-tool'), 'utf8'), 'elf binary');
  assert.equal(await readFile(join(later, 'bin/install.sh'), 'utf8'), '#!/bin/sh\necho install\n');
  const downloaded = JSON.parse(download.outputs.files!) as FileOutput[];
  assert.ok(downloaded.every((f) => f.status === 'downloaded' && f.path?.startsWith(join(later, 'bin'))));
  assert.match(download.summary, /Downloaded <a [^>]+>my-tool 1\.4\.2<\/a> to <code>[^<]+bin<\/code>: 4 downloaded, 0 already present\./);
});

test('Gitea Actions -> Gitea: URL and owner from the runner, job token masked, publish then download', async () => {
  const server = await serve();
  const pat = server.tokens.giteaOwner!;
  const workspace = await writeTree(await tempDir(), { 'dist/app-linux-amd64': 'linux build', 'dist/app-windows-amd64.exe': 'windows build' });
  const publish = await runAction({ name: 'app', files: 'dist/*', token: pat }, { env: giteaRunner(server), workspace });
  ok(publish);
  assertMasked(publish, [pat, server.tokens.giteaActions!]);
  assert.match(publish.stdout, new RegExp(`gitea registry at ${server.url.replace(/\./g, '\\.')}/? \\(GITEA_ACTIONS\\), owner demo`));
  assert.equal(publish.outputs.version, '2.0.0');
  assert.equal(publish.outputs.uploaded, '3');
  const files = JSON.parse(publish.outputs.files!) as FileOutput[];
  assert.deepEqual(files.map((f) => f.name), ['SHA256SUMS', 'app-linux-amd64', 'app-windows-amd64.exe']);
  assert.ok(files.every((f) => f.url.startsWith(`${server.url}/api/packages/demo/generic/app/2.0.0/`)), JSON.stringify(files));
  assert.match(publish.summary, /Published <a [^>]+>app 2\.0\.0<\/a>: 3 uploaded, 0 skipped\./);

  // Downloading works with the job token alone (reading packages of the owner).
  const later = await tempDir();
  const download = await runAction({ command: 'download', name: 'app', version: '2.0.0', files: 'app-linux-amd64', out: '.' }, { env: giteaRunner(server), workspace: later });
  ok(download);
  assertMasked(download, [server.tokens.giteaActions!]);
  assert.equal(download.outputs.downloaded, '1');
  assert.equal(await readFile(join(later, 'app-linux-amd64'), 'utf8'), 'linux build');
});

test('bump on GitHub: version variable in the GitHub repository, packages in GitLab', async () => {
  const server = await serve();
  const token = server.tokens.maintainer!;
  const variablesToken = server.tokens.githubAdmin!;
  const workspace = await writeTree(await tempDir(), { 'out/tool': 'v1 bits' });
  const env = githubRunner({ GITHUB_API_URL: `${server.url}/api/v3`, GITHUB_REPOSITORY: 'demo/app', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' });
  const inputs = { command: 'bump', name: 'tool', files: 'out/tool', url: server.url, project: '1', token, 'variables-token': variablesToken, 'version-variable': 'TOOL_VERSION', bump: 'minor' };

  const first = await runAction(inputs, { env, workspace });
  ok(first);
  assertMasked(first, [token, variablesToken]);
  assert.equal(first.outputs['previous-version'], '0.0.0');
  assert.equal(first.outputs.version, '0.1.0');
  assert.match(first.summary, /Bumped tool from 0\.0\.0 to <a [^>]+>tool 0\.1\.0<\/a>: 2 uploaded, 0 skipped\./);
  assert.equal(await githubVariable(server, variablesToken, 'TOOL_VERSION'), '0.1.0');

  const second = await runAction(inputs, { env, workspace });
  ok(second);
  assert.equal(second.outputs['previous-version'], '0.1.0');
  assert.equal(second.outputs.version, '0.2.0');
  assert.equal(await githubVariable(server, variablesToken, 'TOOL_VERSION'), '0.2.0');
});

test('bump on Gitea Actions: version variable in the Gitea repository', async () => {
  const server = await serve();
  const pat = server.tokens.giteaOwner!;
  const workspace = await writeTree(await tempDir(), { 'tool.bin': 'bits' });
  const env = giteaRunner(server, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' });
  const run = await runAction({ command: 'bump', name: 'tool', files: 'tool.bin', token: pat, 'version-variable': 'TOOL_VERSION', bump: 'patch' }, { env, workspace });
  ok(run);
  assertMasked(run, [pat, server.tokens.giteaActions!]);
  assert.equal(run.outputs['previous-version'], '0.0.0');
  assert.equal(run.outputs.version, '0.0.1');
  const response = await fetch(`${server.url}/api/v1/repos/demo/app/actions/variables/TOOL_VERSION`, { headers: { Authorization: `token ${pat}` } });
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { data: string }).data, '0.0.1');

  const rc = await runAction({ command: 'bump', name: 'tool', files: 'tool.bin', token: pat, 'version-variable': 'TOOL_VERSION', bump: 'prerelease', preid: 'rc' }, { env, workspace });
  ok(rc);
  assert.equal(rc.outputs['previous-version'], '0.0.1');
  assert.equal(rc.outputs.version, '0.0.2-rc.0');
});

async function githubVariable(server: Server, token: string, name: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v3/repos/demo/app/actions/variables/${name}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { value: string }).value;
}

test('failures: exit status 1, the CLI message through ::error::, input errors name the input, tokens stay masked', async () => {
  const server = await serve();
  const workspace = await writeTree(await tempDir(), { 'a.txt': 'a' });
  const base = { url: server.url, project: '1', files: 'a.txt' };

  const wrongToken = await runAction({ ...base, token: 'glpat-wrong-token-value' }, { env: githubRunner(), workspace });
  assert.equal(wrongToken.code, 1);
  assertMasked(wrongToken, ['glpat-wrong-token-value']);
  const message = errorMessage(wrongToken);
  assert.match(message, /401/);
  assert.match(message, /hint: /, 'the CLI hint comes along');
  assert.match(wrongToken.summary, /<h3>relpack failed<\/h3>\n<pre><code>[\s\S]*401/, 'the summary says what failed');
  assert.ok(!wrongToken.summary.includes('glpat-wrong-token-value'));

  const cases: [Record<string, string>, RegExp][] = [
    [{ concurrency: 'lots' }, /^input "concurrency" must be a whole number from 1 to 64, not "lots"/],
    [{ command: 'upload' }, /^input "command" must be one of publish, download, list, bump, prune, release, not "upload"/],
    [{ 'if-exists': 'overwrite' }, /^input "if-exists" must be one of skip, fail, replace/],
    [{ verify: 'yes' }, /^input "verify" must be true or false, not "yes"/],
    [{ files: '' }, /^input "files" is required for command publish/],
    [{ command: 'bump', 'version-variable': 'MY-VERSION' }, /^input "version-variable" must match/],
  ];
  for (const [inputs, expected] of cases) {
    const run = await runAction({ ...base, token: server.tokens.maintainer!, ...inputs }, { env: githubRunner(), workspace });
    assert.equal(run.code, 1, JSON.stringify(inputs));
    assert.match(errorMessage(run), expected);
    assertMasked(run, [server.tokens.maintainer!]);
  }

  // No tag and no version input: the message says where the version comes from.
  const noVersion = await runAction({ ...base, token: server.tokens.maintainer! }, { env: githubRunner({ GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' }), workspace });
  assert.equal(noVersion.code, 1);
  assert.match(errorMessage(noVersion), /^publish needs a version\n {2}hint: pass `version:`, or run in a tag pipeline: the tag is the version/);

  // Nothing was published by any of these.
  const listed = await fetch(`${server.url}/api/v4/projects/1/packages`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer! } });
  assert.deepEqual(await listed.json(), []);
});

test('messages name inputs, not CLI flags; command lines in hints stay runnable', async () => {
  const { inActionTerms } = await import('../../src/action/terms.js');
  assert.equal(inActionTerms('no GitLab project given\n  hint: pass --project (numeric id) or set RELPACK_PROJECT'), 'no GitLab project given\n  hint: pass `project:` (numeric id) or set RELPACK_PROJECT');
  assert.equal(inActionTerms('hint: use --if-exists replace, or --no-verify'), 'hint: use `if-exists:` replace, or `verify: false`');
  assert.equal(inActionTerms('hint: list what exists with: relpack list --name my-tool'), 'hint: list what exists with: relpack list --name my-tool');
  assert.equal(inActionTerms('using an access token (RELPACK_TOKEN)'), 'using an access token (the token input, else RELPACK_TOKEN)');
});

test('Forgejo Actions: FORGEJO_TOKEN masked, list of versions and of files', async () => {
  const server = await serve({ config: { gitea: { server: 'forgejo', version: '11.0.1' } } });
  const pat = server.tokens.giteaOwner!;
  const env = giteaRunner(server, { FORGEJO_ACTIONS: 'true', FORGEJO_TOKEN: 'forgejo-job-token-value', GITHUB_TOKEN: 'forgejo-job-token-value' });
  const workspace = await writeTree(await tempDir(), { 'a.bin': 'a', 'b.bin': 'bb' });
  const publish = await runAction({ name: 'tool', files: 'a.bin\nb.bin', token: pat }, { env, workspace });
  ok(publish);
  assertMasked(publish, [pat, 'forgejo-job-token-value']);
  assert.match(publish.stdout, /gitea registry at .* \(FORGEJO_ACTIONS\), owner demo/);

  const versions = await runAction({ command: 'list', name: 'tool', token: pat }, { env: { ...env, GITHUB_REF_TYPE: 'branch' } });
  ok(versions);
  assert.deepEqual((JSON.parse(versions.outputs.versions!) as { version: string }[]).map((v) => v.version), ['2.0.0']);
  const files = await runAction({ command: 'list', name: 'tool', version: '2.0.0', token: pat }, { env });
  ok(files);
  assert.deepEqual((JSON.parse(files.outputs.files!) as { name: string; size: number }[]).map((f) => `${f.name} ${f.size}`), ['SHA256SUMS 144', 'a.bin 1', 'b.bin 2']);
  assert.match(files.summary, /Files of <a [^>]+>tool 2\.0\.0<\/a>\./);
});
