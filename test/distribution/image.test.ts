/**
 * The container image (the component's default): no Docker engine runs here, so its Dockerfile is
 * checked for what GitLab needs of a job image (a Node 22 base with a shell, no ENTRYPOINT) and its
 * install step is run as written, against the packed npm package, with the registry out of reach:
 * the same bytes the release pipeline's buildah job puts in the image.
 */
import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempDir } from '../helpers/harness.js';
import { offlineNpmEnv, packRelpack } from '../helpers/packed.js';
import { bash } from '../helpers/readme.js';

const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('Dockerfile: a Debian-based Node 22 image (it has /bin/sh), relpack only from the packed package, no ENTRYPOINT', () => {
  const from = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  assert.equal(from.length, 1);
  assert.match(from[0]!, /^node:22-(bookworm|trixie)(-slim)?$/);
  assert.doesNotMatch(dockerfile, /^ENTRYPOINT/m, 'GitLab runs job scripts through the image\'s shell');
  assert.deepEqual([...dockerfile.matchAll(/^COPY (.*)$/gm)].map((m) => m[1]), ['relpack.tgz /tmp/relpack.tgz'], 'the build context is the packed package alone');
});

test('Dockerfile: its RUN step installs the packed package offline and relpack answers with the release version', async () => {
  const steps = [...dockerfile.matchAll(/^RUN (.*)$/gm)].map((m) => m[1]!);
  assert.equal(steps.length, 1);
  const { tarball } = await packRelpack();
  const root = await tempDir('relpack-image-');
  const copied = join(root, 'relpack.tgz');
  await copyFile(tarball, copied);
  // `--global` goes to npm_config_prefix: the image's /usr/local, here a folder of the test's own.
  const prefix = join(root, 'usr-local');
  const env: Record<string, string> = { ...(await offlineNpmEnv()), npm_config_prefix: prefix };
  env.PATH = `${join(prefix, 'bin')}:${env.PATH}`;
  const run = await bash(steps[0]!.replaceAll('/tmp/relpack.tgz', copied), { cwd: root, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, new RegExp(`^${pkg.version.replace(/\./g, '\\.')}$`, 'm'), 'the build ends by running relpack --version');
  assert.ok(!existsSync(copied), 'the tarball is removed from the image');
  assert.ok(existsSync(join(prefix, 'bin/relpack')));
});
