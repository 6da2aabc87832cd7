/**
 * The README's examples run as written: each ```sh block marked `<!-- readme-test: NAME -->` is
 * executed by bash with `genpack` on PATH (the built bundle) against `genpack serve`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, serve, tempDir, writeTree } from './helpers/harness.js';

export async function readmeBlocks(): Promise<Map<string, string>> {
  const text = await readFile(join(ROOT, 'README.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const match of text.matchAll(/<!-- readme-test: ([\w-]+) -->\n```(?:sh|bash|yaml)\n([\s\S]*?)```/g)) blocks.set(match[1], match[2]);
  return blocks;
}

/** Runs a script with bash, asynchronously: the registry it talks to runs in this process. */
export function bash(script: string, options: { cwd: string; env: Record<string, string | undefined> }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A folder with a `genpack` executable that runs the bundle, as `npm install -g` would give. */
export async function genpackOnPath(): Promise<string> {
  const bin = await tempDir('genpack-bin-');
  await writeFile(join(bin, 'genpack'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/index.js')}" "$@"\n`);
  await chmod(join(bin, 'genpack'), 0o755);
  return bin;
}

test('README CLI examples: publish, re-publish, download and sha256sum -c', async () => {
  const blocks = await readmeBlocks();
  const server = await serve();
  const bin = await genpackOnPath();
  const work = await writeTree(await tempDir(), {
    'dist/linux/amd64/my-tool': 'elf',
    'dist/darwin/arm64/my-tool': 'mach-o',
    'installer.sh': '#!/bin/sh\necho install\n',
  });
  const env = { PATH: `${bin}:${process.env.PATH}`, GENPACK_URL: server.url, GENPACK_PROJECT: 'demo/app', GENPACK_TOKEN: server.tokens.maintainer };
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
  const bin = await genpackOnPath();
  const work = await writeTree(await tempDir(), { 'dist/linux/amd64/my-tool': 'elf', 'dist/my-tool.exe': 'pe' });
  const env = { PATH: `${bin}:${process.env.PATH}`, GENPACK_URL: server.url, GENPACK_OWNER: 'demo', GENPACK_TOKEN: server.tokens.giteaOwner };
  const run = await bash(script, { cwd: work, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(await readFile(join(work, 'my-tool/linux/amd64/my-tool'), 'utf8'), 'elf');
});

test('README serve example: a config file, a fault that fires once, genpack retrying through it', async () => {
  const script = (await readmeBlocks()).get('serve');
  assert.ok(script, 'README has the serve example');
  const bin = await genpackOnPath();
  const work = await tempDir();
  const run = await bash(script, { cwd: work, env: { PATH: `${bin}:${process.env.PATH}` } });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /retrying PUT .*hello\.txt.*HTTP 503/);
});
