/**
 * The README's examples run as written: each ```sh block marked `<!-- readme-test: NAME -->` is
 * executed by bash with `relpack` on PATH (the built bundle) against `relpack serve`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve, tempDir, writeTree } from './helpers/harness.js';
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
