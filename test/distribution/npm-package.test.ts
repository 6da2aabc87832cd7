/**
 * The npm package `relpack` as users get it: `npm pack` holds the one-file CLI and the documents
 * and nothing else, declares no dependencies, and installs with the registry out of reach (no
 * network, an empty cache), so nothing it needs can come from anywhere but the tarball. The
 * installed `relpack` then publishes and downloads a release against `relpack serve`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { gitlabEnv, ROOT, serve, tempDir } from '../helpers/harness.js';
import { offlineNpmEnv, packRelpack } from '../helpers/packed.js';
import { publishAndDownload, relpackCommand, run } from './round-trip.js';

const exec = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('npm pack: the one-file CLI, README, LICENSE, CHANGELOG and a manifest without dependencies; installed offline, `relpack` publishes and downloads', async () => {
  const env = await offlineNpmEnv();
  const { tarball, files } = await packRelpack();
  assert.deepEqual(files, ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/relpack.mjs', 'package.json']);

  const unpacked = await tempDir('relpack-unpacked-');
  await exec('tar', ['-xzf', tarball, '-C', unpacked, 'package/package.json']);
  const packedManifest = JSON.parse(await readFile(join(unpacked, 'package/package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'bundleDependencies', 'bundledDependencies', 'optionalDependencies', 'peerDependencies']) {
    assert.equal(packedManifest[field], undefined, `the packed package.json has ${field}: everything is bundled into dist/relpack.mjs`);
  }
  assert.deepEqual(packedManifest.bin, { relpack: 'dist/relpack.mjs' });

  const prefix = await tempDir('relpack-prefix-');
  const install = await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: prefix, env });
  assert.equal(install.code, 0, install.stderr);
  const installed = join(prefix, 'lib/node_modules/relpack');
  assert.ok(existsSync(join(installed, 'dist/relpack.mjs')));
  assert.ok(!existsSync(join(installed, 'node_modules')), 'npm installed something beside the package');

  const bin = join(prefix, 'bin/relpack');
  const version = await run(bin, ['--version'], { cwd: prefix, env: { PATH: env.PATH } });
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `${manifest.version}\n`);

  const server = await serve();
  await publishAndDownload(relpackCommand([bin], { PATH: env.PATH, ...gitlabEnv(server, server.tokens.maintainer) }, prefix), 'from-npm');
});
