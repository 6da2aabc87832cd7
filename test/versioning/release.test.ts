/**
 * The safe bump flow through the CLI against `relpack serve` (issue 5, items 1–7): every store, the
 * race between two pipelines, failed publishes and verifications that leave the variable alone, the
 * job-token refusal before anything is sent, dry runs, tag/registry sources, `--bump auto` from
 * git, the `version show|next|commit` steps, and downloads by range.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitlab } from '../helpers/flavours.js';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

type Server = Awaited<ReturnType<typeof serve>>;
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The variable as each platform's API shows it, read behind relpack's back with plain fetch. */
const variables = {
  gitlab: {
    url: (s: Server) => `${s.url}/api/v4/projects/1/variables`,
    headers: (s: Server) => ({ 'PRIVATE-TOKEN': s.tokens.maintainer }),
    async get(s: Server, name: string): Promise<string | undefined> {
      const r = await fetch(`${this.url(s)}/${name}`, { headers: this.headers(s) });
      return r.status === 404 ? undefined : ((await r.json()) as { value: string }).value;
    },
    async set(s: Server, name: string, value: string): Promise<void> {
      const r = await fetch(this.url(s), { method: 'POST', headers: { ...this.headers(s), 'content-type': 'application/json' }, body: JSON.stringify({ key: name, value }) });
      assert.equal(r.status, 201);
    },
  },
  gitea: {
    async get(s: Server, name: string): Promise<string | undefined> {
      const r = await fetch(`${s.url}/api/v1/repos/demo/app/actions/variables/${name}`, { headers: { Authorization: `token ${s.tokens.giteaOwner}` } });
      return r.status === 404 ? undefined : ((await r.json()) as { data: string }).data;
    },
  },
  github: {
    async get(s: Server, name: string): Promise<string | undefined> {
      const r = await fetch(`${s.url}/api/v3/repos/demo/app/actions/variables/${name}`, { headers: { Authorization: `Bearer ${s.tokens.githubAdmin}` } });
      return r.status === 404 ? undefined : ((await r.json()) as { value: string }).value;
    },
  },
};

/** Each store as a pipeline on its platform sees it: registry credentials and a variables token. */
const pipelines = {
  // A GitLab job: packages with CI_JOB_TOKEN, the variable with a Maintainer's access token.
  gitlab: (s: Server) => ({ CI_SERVER_URL: s.url, CI_API_V4_URL: `${s.url}/api/v4`, CI_PROJECT_ID: '1', CI_JOB_TOKEN: s.tokens.job, RELPACK_VARIABLES_TOKEN: s.tokens.maintainer }),
  // A Gitea Actions job: the owner's token publishes and writes the variable.
  gitea: (s: Server) => ({ GITEA_ACTIONS: 'true', GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: s.url, GITHUB_REPOSITORY: 'demo/app', GITHUB_REPOSITORY_OWNER: 'demo', RELPACK_TOKEN: s.tokens.giteaOwner }),
  // A GitHub Actions job publishing to GitLab, the version in a GitHub repository variable.
  github: (s: Server) => ({
    GITHUB_ACTIONS: 'true', GITHUB_API_URL: `${s.url}/api/v3`, GITHUB_REPOSITORY: 'demo/app', GITHUB_TOKEN: s.tokens.githubActions,
    RELPACK_URL: s.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: s.tokens.maintainer, RELPACK_VARIABLES_TOKEN: s.tokens.githubAdmin,
  }),
};

async function downloaded(env: Record<string, string>, version: string, file = 'tool.bin'): Promise<string> {
  const out = await tempDir();
  const run = await cli(['download', '--name', 'tool', '--version', version, '--out', out], { env });
  assert.equal(run.code, 0, run.stderr);
  return readFile(join(out, file), 'utf8');
}

for (const kind of ['gitlab', 'gitea', 'github'] as const) {
  test(`${kind}: publish --bump creates the variable, then bumps it; --json carries version and previousVersion`, async () => {
    const server = await serve();
    const env = pipelines[kind](server);
    const work = await writeTree(await tempDir(), { 'tool.bin': 'build 1' });
    const args = ['publish', 'tool.bin', '--name', 'tool', '--version-variable', 'PKG_VERSION', '--json'];
    const first = await cli([...args, '--bump', 'minor'], { env, cwd: work });
    assert.equal(first.code, 0, first.stderr);
    const one = JSON.parse(first.stdout);
    assert.deepEqual([one.version, one.previousVersion, one.level, one.variable], ['0.1.0', '0.0.0', 'minor', { name: 'PKG_VERSION', store: kind, outcome: 'created' }]);
    assert.match(first.stderr, new RegExp(`version variable PKG_VERSION: ${kind} `));
    assert.equal(await variables[kind].get(server, 'PKG_VERSION'), '0.1.0');

    await writeTree(work, { 'tool.bin': 'build 2' });
    const second = await cli([...args, '--bump', 'patch'], { env, cwd: work });
    assert.equal(second.code, 0, second.stderr);
    const two = JSON.parse(second.stdout);
    assert.deepEqual([two.version, two.previousVersion, two.variable.outcome, two.variable.expected], ['0.1.1', '0.1.0', 'updated', '0.1.0']);
    assert.equal(await variables[kind].get(server, 'PKG_VERSION'), '0.1.1');
    assert.equal(await downloaded(env, '0.1.1'), 'build 2');
    assert.equal(await downloaded(env, '0.1.0'), 'build 1');
    for (const secret of [server.tokens.maintainer, server.tokens.githubAdmin, server.tokens.giteaOwner, server.tokens.job]) {
      assert.ok(!first.stdout.includes(secret) && !first.stderr.includes(secret) && !second.stderr.includes(secret), 'no token is printed');
    }
  });
}

test('forgejo: the repository variable is created (204) and bumped; an older Gitea without the variables API is explained', async () => {
  const server = await serve({ config: { gitea: { server: 'forgejo' } } });
  const env = { ...pipelines.gitea(server), FORGEJO_ACTIONS: 'true', GITEA_ACTIONS: '' };
  const work = await writeTree(await tempDir(), { 'tool.bin': 'forgejo build' });
  const args = ['publish', 'tool.bin', '--name', 'tool', '--bump', 'patch', '--version-variable', 'PKG_VERSION', '--json'];
  for (const expected of ['0.0.1', '0.0.2']) {
    const run = await cli(args, { env, cwd: work });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).version, expected);
    assert.match(run.stderr, /version variable PKG_VERSION: gitea repository demo\/app at .* \(FORGEJO_ACTIONS\)/);
    assert.equal(await variables.gitea.get(server, 'PKG_VERSION'), expected);
  }
  const old = await serve({ config: { gitea: { version: '1.21.0' } } });
  const refused = await cli(args, { env: pipelines.gitea(old), cwd: work });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /repository demo\/app was not found[\s\S]*needs Gitea 1\.22 or Forgejo 8 or later/);
});

test('race, same bump: two pipelines read 1.0.0 at once; exactly one publishes and writes 1.0.1, the other fails and writes nothing', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '1.0.0');
  const env = gitlabEnv(server, server.tokens.maintainer);
  const a = await writeTree(await tempDir(), { 'tool.bin': 'build A' });
  const b = await writeTree(await tempDir(), { 'tool.bin': 'build B' });
  // Each run reads the variable twice before its first upload (read, then a re-read just before
  // publishing). Holding the 4th read until the other run has finished lets one run finish first,
  // whichever it is, while the other has already read 1.0.0.
  const [hold] = server.faults.add({ route: 'gitlab.variables.get', kind: 'hold', times: [4] });
  const args = ['publish', 'tool.bin', '--name', 'tool', '--bump', 'patch', '--version-variable', 'PKG_VERSION'];
  const running = [cli(args, { env, cwd: a }), cli(args, { env, cwd: b })];
  await server.faults.reached(hold);
  await Promise.race(running);
  server.faults.release(hold);
  const runs = await Promise.all(running);
  assert.deepEqual(runs.map((r) => r.code).sort(), [0, 1], runs.map((r) => r.stderr).join('\n---\n'));
  const winner = runs[0].code === 0 ? 'A' : 'B';
  const loser = runs.find((r) => r.code === 1)!;
  assert.match(loser.stderr, /another pipeline bumped PKG_VERSION first: it held 1\.0\.0 when this run read it and now holds 1\.0\.1; PKG_VERSION was not changed/);
  assert.match(loser.stderr, /nothing was published/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '1.0.1');
  // 1.0.1 holds the winner's build only, and verifies end to end.
  const rows = await gitlab.rows(server, 'tool', '1.0.1');
  assert.deepEqual(rows.map((r) => r.name).sort(), ['SHA256SUMS', 'tool.bin']);
  assert.equal(await downloaded(env, '1.0.1'), `build ${winner}`);
});

test('race, at the write: a pipeline that published 1.1.0 finds PKG_VERSION moved to 1.0.1 and overwrites nothing', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '1.0.0');
  const env = gitlabEnv(server, server.tokens.maintainer);
  const a = await writeTree(await tempDir(), { 'tool.bin': 'patch build' });
  const b = await writeTree(await tempDir(), { 'tool.bin': 'minor build' });
  // The minor run's upload is held: the patch run publishes, verifies and writes meanwhile.
  const [hold] = server.faults.add({ route: 'gitlab.upload', kind: 'hold', path: '/1.1.0/tool.bin' });
  const base = ['publish', 'tool.bin', '--name', 'tool', '--version-variable', 'PKG_VERSION'];
  const patchRun = cli([...base, '--bump', 'patch'], { env, cwd: a });
  const minorRun = cli([...base, '--bump', 'minor'], { env, cwd: b });
  await server.faults.reached(hold);
  const patch = await patchRun;
  server.faults.release(hold);
  const minor = await minorRun;
  assert.equal(patch.code, 0, patch.stderr);
  assert.equal(minor.code, 1, minor.stderr);
  assert.deepEqual(server.faults.fired(hold).map((f) => f.path.endsWith('/1.1.0/tool.bin')), [true], 'the minor upload was held once');
  assert.match(minor.stderr, /verified: the registry holds the 2 file\(s\) of tool 1\.1\.0/);
  assert.match(minor.stderr, /another pipeline bumped PKG_VERSION first: it held 1\.0\.0 when this run read it and now holds 1\.0\.1; PKG_VERSION was not changed/);
  assert.match(minor.stderr, /tool 1\.1\.0 was published and verified but is not recorded/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '1.0.1');
  assert.equal(await downloaded(env, '1.0.1'), 'patch build');
});

test('a failed publish leaves the variable as it was', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '2.3.4');
  const work = await writeTree(await tempDir(), { 'tool.bin': 'x' });
  server.faults.add({ route: 'gitlab.upload', kind: 'status', status: 500 });
  const run = await cli(['publish', 'tool.bin', '--name', 'tool', '--bump', 'patch', '--version-variable', 'PKG_VERSION'], {
    env: gitlabEnv(server, server.tokens.maintainer, { RELPACK_RETRIES: '1' }),
    cwd: work,
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /HTTP 500/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '2.3.4');
  assert.ok(!server.lines.some((line) => /\bPUT \/api\/v4\/projects\/1\/variables/.test(line)), 'no variable write was sent');
});

test('a failed verification leaves the variable as it was: a file replaced after the upload is caught', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '2.3.4');
  const work = await writeTree(await tempDir(), { 'tool.bin': 'the real build' });
  // Hold relpack's verification listing while another writer replaces tool.bin in 2.3.5.
  const [hold] = server.faults.add({ route: 'gitlab.package_files.list', kind: 'hold', times: [1] });
  const running = cli(['publish', 'tool.bin', '--name', 'tool', '--bump', 'patch', '--version-variable', 'PKG_VERSION'], {
    env: gitlabEnv(server, server.tokens.maintainer),
    cwd: work,
  });
  await server.faults.reached(hold);
  // The listing held is the verification: relpack's own upload of tool.bin is already stored.
  const stored = server.lines.filter((line) => /^PUT \/api\/v4\/projects\/1\/packages\/generic\/tool\/2\.3\.5\/tool\.bin 20[01] /.test(line));
  assert.equal(stored.length, 1, server.lines.join('\n'));
  assert.equal(await gitlab.rawPut(server, 'tool', '2.3.5', 'tool.bin', 'tampered'), 201);
  server.faults.release(hold);
  const run = await running;
  assert.deepEqual(server.faults.fired(hold).map((f) => f.n), [1], 'only the verification listing was held');
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`tool\\.bin: sent sha256 ${sha('the real build')}, the registry also holds ${sha('tampered')}`));
  assert.match(run.stderr, /the version variable was not written/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '2.3.4');
});

test('job tokens only: relpack refuses before publishing anything, naming the token needed (exit 2)', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'tool.bin': 'x' });
  const args = ['publish', 'tool.bin', '--name', 'tool', '--bump', 'patch', '--version-variable', 'PKG_VERSION'];
  const cases: [Record<string, string>, RegExp][] = [
    [{ CI_SERVER_URL: server.url, CI_PROJECT_ID: '1', CI_JOB_TOKEN: server.tokens.job }, /the only token here is the CI job token \(CI_JOB_TOKEN\), which cannot read or write GitLab CI\/CD variables: they need a personal, project or group access token with the api scope and the Maintainer role/],
    [{ ...pipelines.gitea(server), RELPACK_TOKEN: '', GITEA_TOKEN: server.tokens.giteaActions }, /CI job token \(GITEA_TOKEN\)[\s\S]*an access token of the repository's owner/],
    [{ ...pipelines.github(server), RELPACK_TOKEN: '', RELPACK_VARIABLES_TOKEN: '' }, /CI job token \(GITHUB_TOKEN\)[\s\S]*"Variables" repository permission set to write/],
  ];
  for (const [env, message] of cases) {
    const before = server.lines.length;
    const run = await cli(args, { env, cwd: work });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /Nothing was published[\s\S]*hint: put that token in RELPACK_VARIABLES_TOKEN/);
    assert.deepEqual(server.lines.slice(before), [], 'not a single request was sent');
  }
});

test('--dry-run shows every step and writes nothing', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '0.9.0');
  const work = await writeTree(await tempDir(), { 'tool.bin': 'x' });
  const before = server.lines.length;
  const run = await cli(['publish', 'tool.bin', '--name', 'tool', '--bump', 'preminor', '--preid', 'rc', '--version-variable', 'PKG_VERSION', '--dry-run', '--json'], {
    env: gitlabEnv(server, server.tokens.maintainer),
    cwd: work,
  });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual([result.dryRun, result.version, result.previousVersion, result.variable.outcome], [true, '0.10.0-rc.0', '0.9.0', 'planned']);
  assert.deepEqual(result.files.map((f: { status: string }) => f.status), ['planned']);
  assert.match(run.stderr, /current version 0\.9\.0 from PKG_VERSION\nnext version 0\.10\.0-rc\.0 \(preminor bump of 0\.9\.0\)/);
  assert.match(run.stderr, /would write PKG_VERSION=0\.10\.0-rc\.0 after verifying the publish, if it still holds 0\.9\.0/);
  const sent = server.lines.slice(before);
  assert.ok(sent.length > 0 && !sent.some((line) => /\b(PUT|POST|PATCH|DELETE)\b/.test(line)), sent.join('\n'));
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '0.9.0');
});

test('--version-from tag publishes the tag (v stripped) and records it; a tag that is not semver is refused', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '2.9.0');
  const work = await writeTree(await tempDir(), { 'tool.bin': 'tagged' });
  const args = ['publish', 'tool.bin', '--name', 'tool', '--version-from', 'tag', '--version-variable', 'PKG_VERSION', '--json'];
  const run = await cli(args, { env: gitlabEnv(server, server.tokens.maintainer, { GITHUB_REF_NAME: 'v3.0.0', GITHUB_REF_TYPE: 'tag' }), cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual([result.version, result.previousVersion, result.variable.expected], ['3.0.0', '3.0.0', '2.9.0']);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '3.0.0');
  const bad = await cli(args, { env: gitlabEnv(server, server.tokens.maintainer, { CI_COMMIT_TAG: 'release-3' }), cwd: work });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /the tag release-3 holds "release-3", which is not a semantic version/);
  const branch = await cli(args, { env: gitlabEnv(server, server.tokens.maintainer, { GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' }), cwd: work });
  assert.equal(branch.code, 2);
  assert.match(branch.stderr, /not a tag pipeline/);
});

test('--version-from registry: the highest semver by precedence (1.10.0 over 1.9.0 and later-created 1.2.0), not creation order', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  for (const version of ['1.9.0', '1.10.0', 'nightly', '1.2.0']) assert.equal(await gitlab.rawPut(server, 'tool', version, 'tool.bin', version), 201);
  const work = await writeTree(await tempDir(), { 'tool.bin': 'next' });
  const shown = await cli(['version', 'show', '--name', 'tool', '--version-from', 'registry'], { env });
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.stdout, '1.10.0\n');
  const run = await cli(['publish', 'tool.bin', '--name', 'tool', '--bump', 'patch', '--json'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual([JSON.parse(run.stdout).version, JSON.parse(run.stdout).previousVersion], ['1.10.1', '1.10.0']);
  assert.equal(JSON.parse(run.stdout).variable, undefined);
});

test('--bump auto reads the commits since the version tag with git: fix patch, feat minor, ! major', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '1.0.0');
  const repo = await writeTree(await tempDir(), { 'tool.bin': 'v1' });
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    assert.equal(r.status, 0, r.stderr);
  };
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'feat!: the old history, before the tag');
  git('tag', 'v1.0.0');
  git('commit', '-q', '--allow-empty', '-m', 'fix: off by one');
  git('commit', '-q', '--allow-empty', '-m', 'docs: readme');
  const env = gitlabEnv(server, server.tokens.maintainer);
  const next = await cli(['version', 'next', '--name', 'tool', '--version-variable', 'PKG_VERSION', '--bump', 'auto', '--json'], { env, cwd: repo });
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(JSON.parse(next.stdout).reasons, ['patch: fix: off by one']);
  assert.equal(JSON.parse(next.stdout).version, '1.0.1');
  git('commit', '-q', '--allow-empty', '-m', 'feat(cli): --json\n\nCloses #4');
  const minor = await cli(['publish', 'tool.bin', '--name', 'tool', '--version-variable', 'PKG_VERSION', '--bump', 'auto', '--json'], { env, cwd: repo });
  assert.equal(minor.code, 0, minor.stderr);
  assert.equal(JSON.parse(minor.stdout).version, '1.1.0');
  assert.match(minor.stderr, /--bump auto: minor \(3 commit\(s\) since v1\.0\.0; 2 feat\/fix\/breaking\)/);
  git('tag', 'v1.1.0');
  git('commit', '-q', '--allow-empty', '-m', 'fix: y\n\nBREAKING CHANGE: the flag is gone');
  const major = await cli(['version', 'next', '--name', 'tool', '--version-variable', 'PKG_VERSION', '--bump', 'auto'], { env, cwd: repo });
  assert.equal(major.stdout, '2.0.0\n', major.stderr);
});

test('version show | next | commit: the flow as steps, with the same compare-and-set', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'tool.bin': 'x' });
  const flags = ['--name', 'tool', '--version-variable', 'PKG_VERSION'];
  const show = await cli(['version', 'show', ...flags, '--json'], { env });
  assert.equal(show.code, 0, show.stderr);
  assert.deepEqual(JSON.parse(show.stdout).variable, { name: 'PKG_VERSION', exists: false, store: 'gitlab' });
  assert.equal(JSON.parse(show.stdout).version, '0.0.0');
  const next = await cli(['version', 'next', ...flags, '--bump', 'minor'], { env });
  assert.equal(next.stdout, '0.1.0\n');

  const unpublished = await cli(['version', 'commit', ...flags, '--previous-version', '0.0.0', '--version', '0.1.0'], { env });
  assert.equal(unpublished.code, 1);
  assert.match(unpublished.stderr, /tool 0\.1\.0 is not published/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), undefined);

  assert.equal((await cli(['publish', 'tool.bin', '--name', 'tool', '--version', '0.1.0', '--if-exists', 'fail'], { env, cwd: work })).code, 0);
  const dry = await cli(['version', 'commit', ...flags, '--previous-version', '0.0.0', '--version', '0.1.0', '--dry-run'], { env });
  assert.equal(dry.stdout, 'dry run: would set PKG_VERSION 0.0.0 -> 0.1.0\n', dry.stderr);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), undefined);
  const commit = await cli(['version', 'commit', ...flags, '--previous-version', '0.0.0', '--version', '0.1.0'], { env });
  assert.equal(commit.code, 0, commit.stderr);
  assert.equal(commit.stdout, 'created: PKG_VERSION 0.0.0 -> 0.1.0\n');
  assert.match(commit.stderr, /verified: tool 0\.1\.0 is published, 2 file\(s\) with SHA-256/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '0.1.0');

  // A second pipeline that also read 0.0.0 cannot overwrite it.
  assert.equal((await cli(['publish', 'tool.bin', '--name', 'tool', '--version', '0.2.0'], { env, cwd: work })).code, 0);
  const stale = await cli(['version', 'commit', ...flags, '--previous-version', '0.0.0', '--version', '0.2.0'], { env });
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /another pipeline bumped PKG_VERSION first: it held 0\.0\.0 when this run read it and now holds 0\.1\.0/);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '0.1.0');
  const missing = await cli(['version', 'commit', ...flags, '--version', '0.2.0'], { env });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs --previous-version/);
});

test('download --version: ranges resolve by semver precedence over non-semver and prerelease versions; no match lists what exists', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  for (const version of ['1.4.2', '1.5.0-rc.1', 'nightly', '1.4.10', 'v1.3.0', '2024-01-01', '0.9.9', '1']) {
    assert.equal(await gitlab.rawPut(server, 'tool', version, 'tool.bin', `build ${version}`), 201);
  }
  const cases: [string, string][] = [
    ['^1.4', '1.4.10'],
    ['~1.4.2', '1.4.10'],
    ['<1.4', 'v1.3.0'],
    ['latest', '1.4.10'],
    ['latest-prerelease', '1.5.0-rc.1'],
    ['^1.5.0-rc.0', '1.5.0-rc.1'],
    ['1.4.2', '1.4.2'],
    ['nightly', 'nightly'],
    // A version published under exactly this text is taken as it is, though semver reads `1` as a range.
    ['1', '1'],
  ];
  for (const [spec, version] of cases) {
    const out = await tempDir();
    const run = await cli(['download', '--name', 'tool', '--version', spec, '--out', out, '--json'], { env });
    assert.equal(run.code, 0, `${spec}: ${run.stderr}`);
    assert.equal(JSON.parse(run.stdout).ref.version, version, spec);
    assert.equal(await readFile(join(out, 'tool.bin'), 'utf8'), `build ${version}`);
    if (spec !== version) assert.match(run.stderr, new RegExp(`--version ${spec.replace(/[\^.*+?()[\]{}|\\$]/g, '\\$&')} resolved to ${version.replace(/\./g, '\\.')}`));
  }
  const none = await cli(['download', '--name', 'tool', '--version', '^2', '--out', await tempDir()], { env });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no published version of tool matches "\^2"/);
  assert.match(none.stderr, /published semantic versions, highest first: 1\.5\.0-rc\.1, 1\.4\.10, 1\.4\.2, v1\.3\.0, 0\.9\.9/);
  assert.match(none.stderr, /not semantic versions \(ignored for ranges\): nightly, 2024-01-01/);
});

test('a bump into a version that already exists fails before any upload and leaves that release untouched', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', '1.0.0');
  assert.equal(await gitlab.rawPut(server, 'tool', '1.0.1', 'x.bin', 'released'), 201);
  const work = await writeTree(await tempDir(), { 'y.bin': 'new file' });
  const run = await cli(['publish', 'y.bin', '--name', 'tool', '--version-variable', 'PKG_VERSION', '--bump', 'patch'], { env: gitlabEnv(server, server.tokens.maintainer), cwd: work });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /tool 1\.0\.1 is already published \(1 file\(s\)\); a bumped version must be new\. Nothing was uploaded\.[\s\S]*PKG_VERSION is behind the registry/);
  assert.deepEqual((await gitlab.rows(server, 'tool', '1.0.1')).map((r) => r.name), ['x.bin']);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '1.0.0');
});

test('version commit treats a stored v1.4.2 as the 1.4.2 that version show printed', async () => {
  const server = await serve();
  await variables.gitlab.set(server, 'PKG_VERSION', 'v1.4.2');
  const env = gitlabEnv(server, server.tokens.maintainer);
  const shown = await cli(['version', 'show', '--name', 'tool', '--version-variable', 'PKG_VERSION'], { env });
  assert.equal(shown.stdout, '1.4.2\n', shown.stderr);
  const work = await writeTree(await tempDir(), { 'tool.bin': 'b' });
  assert.equal((await cli(['publish', 'tool.bin', '--name', 'tool', '--version', '1.4.3'], { env, cwd: work })).code, 0);
  const commit = await cli(['version', 'commit', '--name', 'tool', '--version-variable', 'PKG_VERSION', '--version', '1.4.3', '--previous-version', '1.4.2'], { env });
  assert.equal(commit.code, 0, commit.stderr);
  assert.equal(await variables.gitlab.get(server, 'PKG_VERSION'), '1.4.3');
});
