/**
 * The README's examples run as written: each ```sh block marked `<!-- readme-test: NAME -->` is
 * executed by bash with `genpack` on PATH (the built bundle) against `genpack serve`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

/** A folder with a `genpack` executable that runs the bundle, as `npm install -g` would give. */
async function genpackOnPath(): Promise<string> {
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
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: work, env, encoding: 'utf8' });
    assert.equal(run.status, 0, `${name}:\n${run.stdout}\n${run.stderr}`);
  }
  const publish = JSON.parse(await readFile(join(work, 'publish.json'), 'utf8'));
  assert.equal(publish.uploaded, 0, 'the second publish skipped everything');
  assert.equal(await readFile(join(work, 'my-tool/linux/amd64/my-tool'), 'utf8'), 'elf');
  assert.equal(await readFile(join(work, 'bin/linux/amd64/my-tool'), 'utf8'), 'elf');
});
