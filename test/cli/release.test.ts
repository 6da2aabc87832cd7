/**
 * `--release` and `relpack release` over HTTP against relpack serve, on GitLab (asset links),
 * Forgejo (external-URL assets) and Gitea (the links in the description): create, update, an
 * idempotent re-run, links relpack did not make left alone, a token that may not write releases
 * refused before anything is published, a failure half-way completed by the next run, and bad
 * input refused before any request.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunningServer } from '../../src/server/index.js';
import type { ServerConfigInput } from '../../src/server/config.js';
import { cli, serve, tempDir, writeTree, type CliRun } from '../helpers/harness.js';

const COMMIT = 'c0ffee'.padEnd(40, '0');

interface Link {
  id: number;
  name: string;
  url: string;
  direct?: string;
}
interface SeenRelease {
  description: string;
  links: Link[];
}

/** One platform as the tests see it: a tag pipeline's environment and the release read back with plain fetch. */
interface Platform {
  name: 'gitlab' | 'forgejo' | 'gitea';
  config?: ServerConfigInput;
  /** A tag pipeline for `tag` (the commit CI_COMMIT_SHA / GITHUB_SHA), with a token that may publish and write releases. */
  pipeline(server: RunningServer, tag: string): Record<string, string>;
  read(server: RunningServer, tag: string): Promise<SeenRelease | undefined>;
  /** A release made by someone else, with one link of theirs. */
  createByHand(server: RunningServer, tag: string, notes: string, link: { name: string; url: string }): Promise<void>;
  /** A token that may publish packages but not write releases. */
  publisherOnly(server: RunningServer): Record<string, string>;
  faultRoute: string;
  fileUrl(server: RunningServer, name: string, version: string, file: string): string;
}

const gitlab: Platform = {
  name: 'gitlab',
  pipeline: (s, tag) => ({ CI_SERVER_URL: s.url, CI_PROJECT_ID: '1', CI_JOB_TOKEN: s.tokens.job!, CI_COMMIT_TAG: tag, CI_COMMIT_SHA: COMMIT }),
  async read(s, tag) {
    const response = await fetch(`${s.url}/api/v4/projects/1/releases/${encodeURIComponent(tag)}`, { headers: { 'PRIVATE-TOKEN': s.tokens.maintainer! } });
    if (response.status === 404) return undefined;
    assert.equal(response.status, 200);
    const body = (await response.json()) as { description: string | null; assets: { links: { id: number; name: string; url: string; direct_asset_url: string }[] } };
    return { description: body.description ?? '', links: body.assets.links.map((l) => ({ id: l.id, name: l.name, url: l.url, direct: l.direct_asset_url })).sort(byName) };
  },
  async createByHand(s, tag, notes, link) {
    const response = await fetch(`${s.url}/api/v4/projects/1/releases`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': s.tokens.maintainer!, 'content-type': 'application/json' },
      body: JSON.stringify({ tag_name: tag, ref: COMMIT, description: notes, assets: { links: [{ ...link, link_type: 'other' }] } }),
    });
    assert.equal(response.status, 201, await response.text());
  },
  // A deploy token writes the package registry and nothing else (GitLab `lib/api/release/links.rb` takes no deploy token).
  publisherOnly: (s) => ({ RELPACK_URL: s.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: s.tokens.deployRw!, RELPACK_TOKEN_TYPE: 'deploy' }),
  faultRoute: 'gitlab.release.link.create',
  fileUrl: (s, name, version, file) => `${s.url}/api/v4/projects/1/packages/generic/${name}/${version}/${file}`,
};

function giteaPlatform(name: 'forgejo' | 'gitea'): Platform {
  return {
    name,
    config: {
      gitea: {
        ...(name === 'forgejo' ? { server: 'forgejo' } : {}),
        tokens: {
          giteaOwner: { type: 'personal', user: 'demo', scopes: ['write:package', 'write:repository'] },
          packagesOnly: { type: 'personal', user: 'demo', scopes: ['write:package'] },
        },
      },
    },
    pipeline: (s, tag) => ({
      [name === 'forgejo' ? 'FORGEJO_ACTIONS' : 'GITEA_ACTIONS']: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: s.url,
      GITHUB_REPOSITORY: 'demo/app',
      GITHUB_REPOSITORY_OWNER: 'demo',
      GITHUB_REF_TYPE: 'tag',
      GITHUB_REF_NAME: tag,
      GITHUB_SHA: COMMIT,
      RELPACK_TOKEN: s.tokens.giteaOwner!,
    }),
    async read(s, tag) {
      const response = await fetch(`${s.url}/api/v1/repos/demo/app/releases/tags/${encodeURIComponent(tag)}`, { headers: { Authorization: `token ${s.tokens.giteaOwner}` } });
      if (response.status === 404) return undefined;
      assert.equal(response.status, 200);
      const body = (await response.json()) as { body: string; assets: { id: number; name: string; browser_download_url: string }[] };
      return { description: body.body, links: body.assets.map((a) => ({ id: a.id, name: a.name, url: a.browser_download_url })).sort(byName) };
    },
    async createByHand(s, tag, notes, link) {
      const headers = { Authorization: `token ${s.tokens.giteaOwner}` };
      const created = await fetch(`${s.url}/api/v1/repos/demo/app/releases`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ tag_name: tag, target_commitish: COMMIT, body: notes }) });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: number };
      if (name !== 'forgejo') return;
      const form = new FormData();
      form.set('external_url', link.url);
      const asset = await fetch(`${s.url}/api/v1/repos/demo/app/releases/${id}/assets?name=${encodeURIComponent(link.name)}`, { method: 'POST', headers, body: form });
      assert.equal(asset.status, 201, await asset.text());
    },
    publisherOnly: (s) => ({ RELPACK_URL: s.url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo', RELPACK_REPOSITORY: 'demo/app', RELPACK_TOKEN: s.tokens.packagesOnly! }),
    faultRoute: 'gitea.release.asset.create',
    fileUrl: (s, pkg, version, file) => `${s.url}/api/packages/demo/generic/${pkg}/${version}/${encodeURIComponent(file.replace(/\//g, '%2F'))}`,
  };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const ok = (run: CliRun, what: string) => assert.equal(run.code, 0, `${what}:\n${run.stdout}\n${run.stderr}`);

async function build(files: Record<string, string>): Promise<string> {
  return writeTree(await tempDir(), files);
}

const FILES = { 'dist/linux/amd64/my-tool': 'linux build', 'dist/my-tool.exe': 'windows build' };
const NAMES = ['SHA256SUMS', 'linux/amd64/my-tool', 'my-tool.exe'];

for (const platform of [gitlab, giteaPlatform('forgejo')]) {
  describe(`${platform.name}: links as release assets`, () => {
    test('a tag pipeline publishes and creates the release: one link per file to its package URL, the table in the description', async () => {
      const server = await serve({ config: platform.config });
      const work = await build(FILES);
      const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--release', '--json'], { env: platform.pipeline(server, 'v1.0.0'), cwd: work });
      ok(run, 'publish --release');
      const result = JSON.parse(run.stdout);
      assert.equal(result.ref.version, '1.0.0', 'the tag rule: v1.0.0 publishes 1.0.0');
      assert.equal(result.release.tag, 'v1.0.0');
      assert.equal(result.release.created, true);
      assert.deepEqual(result.release.links.map((l: { status: string }) => l.status), ['created', 'created', 'created']);
      const release = await platform.read(server, 'v1.0.0');
      assert.ok(release, 'the release exists');
      assert.deepEqual(release.links.map((l) => l.name), NAMES);
      for (const link of release.links) {
        assert.equal(link.url, platform.fileUrl(server, 'my-tool', '1.0.0', link.name));
        const file = await fetch(link.url, { headers: platform.name === 'gitlab' ? { 'PRIVATE-TOKEN': server.tokens.maintainer! } : { Authorization: `token ${server.tokens.giteaOwner}` } });
        assert.equal(file.status, 200, `${link.name} downloads from its link`);
      }
      assert.match(release.description, /<!-- relpack:files my-tool -->/);
      assert.match(release.description, /\| \[my-tool\.exe\]\([^)]+\) \| 13 B \| `[0-9a-f]{64}` \|/);
      if (platform.name === 'gitlab') {
        const linux = release.links.find((l) => l.name === 'linux/amd64/my-tool')!;
        assert.match(linux.direct!, /\/-\/releases\/v1\.0\.0\/downloads\/linux\/amd64\/my-tool$/);
        const redirect = await fetch(`${server.url}/api/v4/projects/1/releases/v1.0.0/downloads/linux/amd64/my-tool`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer! }, redirect: 'manual' });
        assert.equal(redirect.status, 302);
        assert.equal(redirect.headers.get('location'), linux.url, 'the permanent path redirects to the file');
      }
      assert.match(run.stderr, /release +the .*release v1\.0\.0.*: 3 files of my-tool 1\.0\.0/);
    });

    test('a re-run changes nothing; another version under the same tag relinks, removes stale links, keeps what relpack did not make', async () => {
      const server = await serve({ config: platform.config });
      const env = platform.pipeline(server, 'v2.0.0');
      await platform.createByHand(server, 'v2.0.0', 'Notes written by a person.', { name: 'Changelog', url: 'https://example.com/changelog' });
      const work = await build(FILES);
      ok(await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '2.0.0', '--release'], { env, cwd: work }), 'first');
      const first = await platform.read(server, 'v2.0.0');
      assert.ok(first);
      assert.ok(first.description.startsWith('Notes written by a person.'), 'the notes stay, the table is added after them');
      assert.deepEqual(first.links.map((l) => l.name), ['Changelog', ...NAMES].sort());

      const again = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '2.0.0', '--release', '--json'], { env, cwd: work });
      ok(again, 'the re-run');
      const rerun = JSON.parse(again.stdout).release;
      assert.equal(rerun.created, false);
      assert.equal(rerun.described, false, 'the description already says it all');
      assert.deepEqual(rerun.links.map((l: { status: string }) => l.status), ['kept', 'kept', 'kept']);
      assert.deepEqual(await platform.read(server, 'v2.0.0'), first, 'nothing changed on the release');

      // The tag now stands for 2.0.1, which has no .exe.
      const next = await build({ 'dist/linux/amd64/my-tool': 'linux build 2' });
      const moved = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '2.0.1', '--release', '--json'], { env, cwd: next });
      ok(moved, 'another version under the same tag');
      const statuses = Object.fromEntries(JSON.parse(moved.stdout).release.links.map((l: { name: string; status: string }) => [l.name, l.status]));
      assert.deepEqual(statuses, { SHA256SUMS: 'updated', 'linux/amd64/my-tool': 'updated', 'my-tool.exe': 'deleted' });
      const after = await platform.read(server, 'v2.0.0');
      assert.ok(after);
      assert.deepEqual(after.links.map((l) => l.name), ['Changelog', 'SHA256SUMS', 'linux/amd64/my-tool']);
      assert.equal(after.links.find((l) => l.name === 'Changelog')!.url, 'https://example.com/changelog', 'their link is untouched');
      for (const link of after.links.filter((l) => l.name !== 'Changelog')) assert.equal(link.url, platform.fileUrl(server, 'my-tool', '2.0.1', link.name));
      assert.match(after.description, /my-tool 2\.0\.1/);
      assert.doesNotMatch(after.description, /my-tool 2\.0\.0/, 'the table was replaced, not appended again');
      assert.ok(after.description.startsWith('Notes written by a person.'));
    });

    test('a link relpack did not make that holds a file\'s name is left alone, and the file is reported', async () => {
      const server = await serve({ config: platform.config });
      await platform.createByHand(server, 'v3.0.0', 'notes', { name: 'my-tool.exe', url: 'https://mirror.example.com/my-tool.exe' });
      const work = await build(FILES);
      const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '3.0.0', '--release', '--json'], { env: platform.pipeline(server, 'v3.0.0'), cwd: work });
      ok(run, 'publish --release');
      const exe = JSON.parse(run.stdout).release.links.find((l: { name: string }) => l.name === 'my-tool.exe');
      assert.equal(exe.status, 'left-alone');
      assert.match(run.stderr, /warning: my-tool\.exe: a link named "my-tool\.exe" that relpack did not make points elsewhere/);
      const release = await platform.read(server, 'v3.0.0');
      assert.deepEqual(release!.links.filter((l) => l.name === 'my-tool.exe').map((l) => l.url), ['https://mirror.example.com/my-tool.exe']);
    });

    test('a token that may publish but not write releases is refused before any file is sent', async () => {
      const server = await serve({ config: platform.config });
      const work = await build(FILES);
      const env = { ...platform.publisherOnly(server), CI_COMMIT_TAG: 'v4.0.0' };
      const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '4.0.0', '--release'], { env, cwd: work });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /may not .*(create releases|write the releases).*nothing was published/);
      assert.match(run.stderr, /hint: releases need /);
      const listed = await cli(['list', '--name', 'my-tool'], { env: platform.name === 'gitlab' ? { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer } : { ...platform.publisherOnly(server), RELPACK_TOKEN: server.tokens.giteaOwner }, cwd: work });
      assert.match(listed.stdout, /no versions of my-tool/, 'nothing was published');
      assert.equal(await platform.read(server, 'v4.0.0'), undefined);
    });

    test('a failure half-way leaves a release the next run completes, one link per file', async () => {
      const server = await serve({ config: platform.config });
      const work = await build(FILES);
      const env = platform.pipeline(server, 'v5.0.0');
      server.faults.add({ route: platform.faultRoute, kind: 'status', status: 503, times: [2] });
      const broken = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '5.0.0', '--release', '--concurrency', '1'], { env: { ...env, RELPACK_RETRIES: '1' }, cwd: work });
      assert.equal(broken.code, 1, broken.stderr);
      assert.match(broken.stderr, /HTTP 503/);
      const half = await platform.read(server, 'v5.0.0');
      assert.equal(half?.links.length, 1, 'one link was made before the failure');
      ok(await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '5.0.0', '--release'], { env, cwd: work }), 'the re-run');
      const whole = await platform.read(server, 'v5.0.0');
      assert.deepEqual(whole!.links.map((l) => l.name), NAMES);
    });
  });
}

describe('gitlab: which links are relpack\'s', () => {
  test('the project by path later, a hand-made link to a file under another name, a link of relpack\'s with an old link_type', async () => {
    const server = await serve();
    const work = await build(FILES);
    const env = gitlab.pipeline(server, 'v6.0.0');
    ok(await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '6.0.0', '--release'], { env, cwd: work }), 'publish by project id (CI_PROJECT_ID)');
    const before = await gitlab.read(server, 'v6.0.0');
    const exe = before!.links.find((l) => l.name === 'my-tool.exe')!;
    // Someone links the .exe again under a name of theirs, and turns relpack's SHA256SUMS link into type other.
    const headers = { 'PRIVATE-TOKEN': server.tokens.maintainer!, 'content-type': 'application/json' };
    const base = `${server.url}/api/v4/projects/1/releases/v6.0.0/assets/links`;
    assert.equal((await fetch(base, { method: 'POST', headers, body: JSON.stringify({ name: 'Windows installer', url: `${exe.url}?download=1` }) })).status, 201);
    const sums = before!.links.find((l) => l.name === 'SHA256SUMS')!;
    assert.equal((await fetch(`${base}/${sums.id}`, { method: 'PUT', headers, body: JSON.stringify({ name: 'SHA256SUMS', link_type: 'other' }) })).status, 200);

    const byPath = await cli(['release', '--name', 'my-tool', '--version', '6.0.0', '--project', 'demo/app', '--release-tag', 'v6.0.0', '--json'], { env: { RELPACK_URL: server.url, RELPACK_TOKEN: server.tokens.maintainer! }, cwd: work });
    ok(byPath, 'relpack release with the project path');
    const statuses = Object.fromEntries(JSON.parse(byPath.stdout).release.links.map((l: { name: string; status: string }) => [l.name, l.status]));
    // The links made through /projects/1/ are relpack's although this run names the project by path; the
    // hand-made one is not deleted; the SHA256SUMS link is set back to type package.
    assert.deepEqual(statuses, { SHA256SUMS: 'updated', 'linux/amd64/my-tool': 'updated', 'my-tool.exe': 'updated' });
    const after = await gitlab.read(server, 'v6.0.0');
    assert.deepEqual(after!.links.map((l) => l.name), ['SHA256SUMS', 'Windows installer', 'linux/amd64/my-tool', 'my-tool.exe']);
    const types = (await (await fetch(base, { headers })).json()) as { name: string; link_type: string }[];
    assert.deepEqual(types.filter((l) => l.name !== 'Windows installer').map((l) => l.link_type), ['package', 'package', 'package']);
  });

  test('two runs link the same release at once: the slower one finds its links made and reports them kept', async () => {
    const server = await serve();
    const work = await build(FILES);
    const env = gitlab.pipeline(server, 'v7.0.0');
    ok(await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '7.0.0'], { env, cwd: work }), 'publish');
    const [hold] = server.faults.add({ route: 'gitlab.release.link.create', kind: 'hold', times: [1] });
    const slow = cli(['release', '--name', 'my-tool', '--version', '7.0.0', '--concurrency', '1', '--json'], { env, cwd: work });
    await server.faults.reached(hold);
    ok(await cli(['release', '--name', 'my-tool', '--version', '7.0.0'], { env, cwd: work }), 'the fast run');
    server.faults.release(hold);
    const run = await slow;
    ok(run, 'the slow run');
    const statuses = JSON.parse(run.stdout).release.links.map((l: { status: string; note?: string }) => l.status);
    assert.deepEqual(statuses, ['kept', 'kept', 'kept']);
    assert.deepEqual((await gitlab.read(server, 'v7.0.0'))!.links.map((l) => l.name), NAMES, 'one link per file');
  });

  test('two packages on one release keep each other\'s table, with and without notes', async () => {
    const server = await serve();
    const work = await build({ ...FILES, 'docs/manual.pdf': 'pdf', 'NOTES.md': 'Release notes.\n' });
    const env = gitlab.pipeline(server, 'v8.0.0');
    ok(await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '8.0.0', '--release'], { env, cwd: work }), 'the tool');
    ok(await cli(['publish', 'docs/', '--name', 'my-docs', '--version', '8.0.0', '--release', '--release-notes', 'NOTES.md'], { env, cwd: work }), 'the docs, with notes');
    const release = await gitlab.read(server, 'v8.0.0');
    assert.ok(release!.description.startsWith('Release notes.\n\n<!-- relpack:files my-tool -->'), release!.description);
    assert.doesNotMatch(release!.description, /relpack:files my-docs/, 'with notes, the docs have their links and no table');
    assert.deepEqual(release!.links.map((l) => l.name), ['SHA256SUMS', 'linux/amd64/my-tool', 'manual.pdf', 'my-tool.exe']);
  });
});

describe('gitea: no external assets, the links are in the description', () => {
  test('publish --release writes the table with a link per file; nothing is attached; a re-run keeps it as it is', async () => {
    const platform = giteaPlatform('gitea');
    const server = await serve({ config: platform.config });
    const work = await build(FILES);
    const env = platform.pipeline(server, 'v1.0.0');
    const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--release', '--json'], { env, cwd: work });
    ok(run, 'publish --release');
    const result = JSON.parse(run.stdout).release;
    assert.match(result.inDescription, /cannot hold links to other addresses/);
    assert.deepEqual(result.links.map((l: { status: string }) => l.status), ['in-description', 'in-description', 'in-description']);
    assert.match(run.stderr, /warning: .*cannot hold links to other addresses/);
    const release = await platform.read(server, 'v1.0.0');
    assert.deepEqual(release!.links, []);
    for (const name of NAMES) assert.ok(release!.description.includes(`(${platform.fileUrl(server, 'my-tool', '1.0.0', name)})`), `${name} is linked from the description`);
    const again = JSON.parse((await cli(['publish', 'dist/', '--name', 'my-tool', '--release', '--json'], { env, cwd: work })).stdout).release;
    assert.equal(again.described, false);
  });
});

describe('gitea: a missing tag without a commit', () => {
  test('is refused, not created from the default branch; an existing tag needs no commit', async () => {
    const platform = giteaPlatform('forgejo');
    const server = await serve({ config: platform.config });
    const work = await build(FILES);
    const env = { ...platform.pipeline(server, 'v1.0.0'), GITHUB_SHA: '' };
    const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--release'], { env, cwd: work });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /tag v1\.0\.0 does not exist in demo\/app, and there is no commit to create it from/);
    assert.match(run.stderr, /hint: my-tool 1\.0\.0 is published; once that is fixed, link it with: relpack release --name my-tool --version 1\.0\.0 --release-tag v1\.0\.0/);
    assert.equal(await platform.read(server, 'v1.0.0'), undefined);
  });
});

describe('relpack release, tags and bad input', () => {
  test('relpack release links a version published earlier, with notes from a file; a version with no files is an error', async () => {
    const server = await serve();
    const work = await build({ ...FILES, 'CHANGES.md': '## 1.4.2\n\n- faster\n' });
    const env = { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer!, CI_COMMIT_SHA: COMMIT };
    ok(await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '1.4.2'], { env, cwd: work }), 'publish');
    const run = await cli(['release', '--name', 'my-tool', '--version', '1.4.2', '--release-tag', 'v1.4.2', '--release-notes', 'CHANGES.md'], { env, cwd: work });
    ok(run, 'release');
    assert.match(run.stdout, /my-tool 1\.4\.2: release v1\.4\.2 created: 3 linked, 0 relinked, 0 already linked/);
    const release = await gitlab.read(server, 'v1.4.2');
    assert.equal(release!.description, '## 1.4.2\n\n- faster\n', 'the notes are the description');
    assert.deepEqual(release!.links.map((l) => l.name), NAMES);
    const missing = await cli(['release', '--name', 'my-tool', '--version', '9.9.9', '--release-tag', 'v9.9.9'], { env, cwd: work });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /my-tool 9\.9\.9 has no files to link/);
  });

  test('a tag that does not exist and no commit to create it from: a clear error', async () => {
    const server = await serve();
    const work = await build(FILES);
    const env = { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer! };
    const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '1.0.0', '--release'], { env, cwd: work });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /tag 1\.0\.0 does not exist in project 1, and there is no commit to create it from/);
    const declared = await serve({ config: { gitlab: { projects: [{ tags: ['1.0.0'] }] } } });
    const existing = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '1.0.0', '--release'], { env: { ...env, RELPACK_URL: declared.url }, cwd: work });
    ok(existing, 'a tag that exists needs no commit');
  });

  test('bad input is refused with exit 2 before any request', async () => {
    const server = await serve();
    const work = await build(FILES);
    const env = { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer!, RELPACK_REGISTRY: 'gitlab' };
    const cases: [string[], RegExp][] = [
      [['--release', '--release-tag', 'v1 2'], /invalid release tag "v1 2": it contains a space/],
      [['--release', '--release-tag', 'v1..2'], /invalid release tag/],
      [['--release', '--release-notes', 'missing.md'], /--release-notes missing\.md: no such file/],
      [['--release-tag', 'v1'], /--release-tag needs --release/],
      [['--release-notes', 'x.md'], /--release-notes needs --release/],
    ];
    const requests = () => server.lines.filter((line) => /^(GET|PUT|POST|PATCH|DELETE|HEAD) /.test(line)).length;
    for (const [flags, message] of cases) {
      const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '1.0.0', ...flags], { env, cwd: work });
      assert.equal(run.code, 2, `${flags.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const noRepository = await cli(['publish', 'dist/', '--name', 'my-tool', '--version', '1.0.0', '--release'], { env: { RELPACK_URL: server.url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo', RELPACK_TOKEN: 'x' }, cwd: work });
    assert.equal(noRepository.code, 2);
    assert.match(noRepository.stderr, /no repository for the release[\s\S]*RELPACK_REPOSITORY=owner\/name/);
    assert.equal(requests(), 0, 'no request was sent');
  });

  test('--release --dry-run prints the links it would make and writes nothing', async () => {
    const server = await serve();
    const work = await build(FILES);
    const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--release', '--dry-run', '--json'], { env: gitlab.pipeline(server, 'v1.0.0'), cwd: work });
    ok(run, 'dry run');
    const links = JSON.parse(run.stdout).release.links;
    assert.deepEqual(links.map((l: { name: string; status: string }) => `${l.name} ${l.status}`), ['SHA256SUMS planned', 'linux/amd64/my-tool planned', 'my-tool.exe planned']);
    assert.match(links[1].note, /permanent path \/linux\/amd64\/my-tool/);
    const text = await cli(['publish', 'dist/', '--name', 'my-tool', '--release', '--dry-run'], { env: gitlab.pipeline(server, 'v1.0.0'), cwd: work });
    ok(text, 'dry run, text');
    assert.match(text.stdout, /would link 3 file\(s\) to the release of v1\.0\.0:\n {2}SHA256SUMS -> http:\/\/\S+\/SHA256SUMS \(permanent path \/SHA256SUMS\)\n {2}linux\/amd64\/my-tool -> /);
    assert.equal(await gitlab.read(server, 'v1.0.0'), undefined);
  });

  test('publish --bump --release: the release of the new version, linked after the variable is written', async () => {
    const server = await serve();
    const work = await build(FILES);
    const env = { CI_SERVER_URL: server.url, CI_API_V4_URL: `${server.url}/api/v4`, CI_PROJECT_ID: '1', CI_JOB_TOKEN: server.tokens.job!, RELPACK_VARIABLES_TOKEN: server.tokens.maintainer!, CI_COMMIT_SHA: COMMIT };
    const run = await cli(['publish', 'dist/', '--name', 'my-tool', '--bump', 'minor', '--version-variable', 'MY_TOOL_VERSION', '--release', '--json'], { env, cwd: work });
    ok(run, 'bump --release');
    const result = JSON.parse(run.stdout);
    assert.equal(result.version, '0.1.0');
    assert.equal(result.release.tag, '0.1.0', 'no pipeline tag: the tag is the version');
    assert.deepEqual((await gitlab.read(server, '0.1.0'))!.links.map((l) => l.name), NAMES);
  });
});
