/**
 * The README's examples run as written: each ```sh block marked `<!-- readme-test: NAME -->` is
 * executed by bash with `relpack` on PATH (the packed npm package, installed) against `relpack serve`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, serve, tempDir, writeTree } from './helpers/harness.js';
import { offlineNpmEnv, packRelpack } from './helpers/packed.js';
import { bash, relpackOnPath, readmeBlocks } from './helpers/readme.js';

test('README CLI examples: publish, re-publish, download and sha256sum -c', async () => {
  const blocks = await readmeBlocks();
  const server = await serve();
  const bin = await relpackOnPath();
  const work = await writeTree(await tempDir(), {
    'dist/linux/amd64/my-tool': 'elf',
    'dist/darwin/arm64/my-tool': 'mach-o',
    'installer.sh': '#!/bin/sh\necho install\n',
  });
  const env = { PATH: `${bin}:${process.env.PATH}`, RELPACK_URL: server.url, RELPACK_PROJECT: 'demo/app', RELPACK_TOKEN: server.tokens.maintainer };
  for (const name of ['cli-publish', 'cli-download']) {
    const script = blocks.get(name);
    assert.ok(script, `README has the ${name} example`);
    const run = await bash(script, { cwd: work, env });
    assert.equal(run.status, 0, `${name}:\n${run.stdout}\n${run.stderr}`);
  }
  const publish = JSON.parse(await readFile(join(work, 'publish.json'), 'utf8'));
  assert.equal(publish.uploaded, 0, 'the second publish skipped everything');
  assert.equal(await readFile(join(work, 'my-tool/linux/amd64/my-tool'), 'utf8'), 'elf');
  assert.equal(await readFile(join(work, 'bin/linux/amd64/my-tool'), 'utf8'), 'elf');
});

test('README Releases example: publish --release in a tag pipeline, then relpack release with notes', async () => {
  const script = (await readmeBlocks()).get('cli-release');
  assert.ok(script, 'README has the cli-release example');
  const server = await serve();
  const bin = await relpackOnPath();
  const work = await writeTree(await tempDir(), { 'dist/linux/amd64/my-tool': 'elf', 'dist/my-tool.exe': 'pe', 'CHANGES.md': '## 1.4.2\n\n- first release\n' });
  const env = { PATH: `${bin}:${process.env.PATH}`, CI_SERVER_URL: server.url, CI_PROJECT_ID: '1', CI_JOB_TOKEN: server.tokens.job, CI_COMMIT_TAG: 'v1.4.2', CI_COMMIT_SHA: 'f'.repeat(40) };
  const run = await bash(script, { cwd: work, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const response = await fetch(`${server.url}/api/v4/projects/1/releases/v1.4.2`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer! } });
  const release = (await response.json()) as { description: string; assets: { links: { name: string; url: string }[] } };
  assert.deepEqual(release.assets.links.map((l) => l.name).sort(), ['SHA256SUMS', 'linux/amd64/my-tool', 'my-tool.exe']);
  assert.equal(release.description, '## 1.4.2\n\n- first release\n', 'the notes replaced the table');
});

test('README Gitea example: publish and download against the Gitea shape', async () => {
  const script = (await readmeBlocks()).get('cli-gitea');
  assert.ok(script, 'README has the cli-gitea example');
  const server = await serve();
  const bin = await relpackOnPath();
  const work = await writeTree(await tempDir(), { 'dist/linux/amd64/my-tool': 'elf', 'dist/my-tool.exe': 'pe' });
  const env = { PATH: `${bin}:${process.env.PATH}`, RELPACK_URL: server.url, RELPACK_OWNER: 'demo', RELPACK_TOKEN: server.tokens.giteaOwner };
  const run = await bash(script, { cwd: work, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(await readFile(join(work, 'my-tool/linux/amd64/my-tool'), 'utf8'), 'elf');
});

test('README serve example: a config file, a fault that fires once, relpack retrying through it', async () => {
  const script = (await readmeBlocks()).get('serve');
  assert.ok(script, 'README has the serve example');
  const bin = await relpackOnPath();
  const work = await tempDir();
  const run = await bash(script, { cwd: work, env: { PATH: `${bin}:${process.env.PATH}` } });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /retrying PUT .*hello\.txt.*HTTP 503/);
});

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('README Install › npm: the block installs the package and relpack answers its version (the packed tarball, npm offline)', async () => {
  const script = (await readmeBlocks()).get('install-npm');
  assert.ok(script, 'README has the install-npm example');
  assert.match(script, new RegExp(`relpack@${pkg.version.replace(/\./g, '\\.')}\\b`), 'the block pins the current version');
  // The only difference from a user's run: the package comes from this checkout's tarball, not
  // the registry (the version it names is not published until the release pipeline runs).
  const { tarball } = await packRelpack();
  const prefix = await tempDir('relpack-prefix-');
  const env: Record<string, string> = { ...(await offlineNpmEnv()), npm_config_prefix: prefix };
  env.PATH = `${join(prefix, 'bin')}:${env.PATH}`;
  const run = await bash(script.replace(`relpack@${pkg.version}`, tarball), { cwd: prefix, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, new RegExp(`^${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
});

test('README Install › one file: download relpack.mjs and SHA256SUMS, check, run (published as the release pipeline does)', async () => {
  const script = (await readmeBlocks()).get('install-one-file');
  assert.ok(script, 'README has the install-one-file example');
  const server = await serve({
    config: { gitlab: { projects: [{ id: 1, path: 'demo/app' }, { id: 2, path: 'relpack/relpack', visibility: 'public', members: { maintainer: 'maintainer' } }] } },
  });
  // The release pipeline publishes the one-file CLI with relpack itself (SHA256SUMS comes along).
  const release = await writeTree(await tempDir(), { 'release/relpack.mjs': await readFile(join(ROOT, 'dist/relpack.mjs')) });
  const bin = await relpackOnPath();
  const env = { PATH: `${bin}:${process.env.PATH}`, RELPACK_URL: server.url, RELPACK_PROJECT: 'relpack/relpack', RELPACK_TOKEN: server.tokens.maintainer };
  const published = await bash(`relpack publish release/relpack.mjs --name relpack --version ${pkg.version}`, { cwd: release, env });
  assert.equal(published.status, 0, published.stderr);

  // The user's machine: an empty folder, no token (the project is public), only curl, sha256sum and node.
  const user = await tempDir('relpack-user-');
  const local = script.replace('https://gitlab.com/api/v4/projects/relpack%2Frelpack', `${server.url}/api/v4/projects/relpack%2Frelpack`);
  assert.notEqual(local, script, 'the block downloads from the project\'s package registry');
  const run = await bash(local, { cwd: user, env: { PATH: process.env.PATH } });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^relpack\.mjs: OK$/m);
  assert.match(run.stdout, new RegExp(`^${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
});

test('README prune example: the plan, then --yes, against published versions', async () => {
  const script = (await readmeBlocks()).get('cli-prune');
  assert.ok(script, 'README has the cli-prune example');
  const server = await serve();
  const bin = await relpackOnPath();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const env = { PATH: `${bin}:${process.env.PATH}`, RELPACK_URL: server.url, RELPACK_PROJECT: 'demo/app', RELPACK_TOKEN: server.tokens.maintainer };
  for (const version of ['1.0.0', '1.1.0-rc.1', '1.1.0-rc.2', '1.1.0']) {
    const published = await bash(`relpack publish a.bin --name my-tool --version ${version} -q`, { cwd: work, env });
    assert.equal(published.status, 0, published.stderr);
  }
  const run = await bash(script, { cwd: work, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /would prune 0 of 4 version\(s\) of my-tool, kept 4/);
  assert.match(run.stdout, /pruned 0 of 2 version\(s\) of my-tool, kept 2/, 'the --match run considers the two release candidates; both are too new to go');
});

test('README archive example: publish one archive, download it verified, extracted and cached', async () => {
  const script = (await readmeBlocks()).get('cli-archive');
  assert.ok(script, 'README has the cli-archive example');
  const server = await serve();
  const bin = await relpackOnPath();
  const home = await tempDir();
  const work = await writeTree(await tempDir(), { 'dist/linux/my-tool': 'elf', 'dist/README.txt': 'readme' });
  const env = { PATH: `${bin}:${process.env.PATH}`, HOME: home, RELPACK_URL: server.url, RELPACK_PROJECT: 'demo/app', RELPACK_TOKEN: server.tokens.maintainer };
  const run = await bash(script, { cwd: work, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(await readFile(join(work, 'my-tool/linux/my-tool'), 'utf8'), 'elf');
  assert.equal(await readFile(join(work, 'my-tool/README.txt'), 'utf8'), 'readme');
});
