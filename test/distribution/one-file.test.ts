/**
 * dist/relpack.mjs is the whole CLI: copied alone into an empty folder outside the repository
 * (no node_modules on the way up, no chunk beside it), `node relpack.mjs` answers --version,
 * publishes and downloads a release, and runs `relpack serve`, whose code is loaded only then.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { test } from 'node:test';
import { gitlabEnv, ROOT, serve, tempDir } from '../helpers/harness.js';
import { publishAndDownload, relpackCommand } from './round-trip.js';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const PATH = process.env.PATH;

/** The folder holding the copy; runs give its path, so they may start in any folder. */
async function fileAlone(): Promise<string> {
  const dir = await tempDir('relpack-one-file-');
  assert.ok(!dir.startsWith(ROOT), 'the folder is outside the repository');
  for (let up = dir; up !== parse(up).root; up = dirname(up)) assert.ok(!existsSync(join(up, 'node_modules')), `${up} has a node_modules the file could resolve from`);
  copyFileSync(join(ROOT, 'dist/relpack.mjs'), join(dir, 'relpack.mjs'));
  return dir;
}

test('node relpack.mjs alone: --version, then a publish and a download against relpack serve, bytes compared', async () => {
  const dir = await fileAlone();
  const server = await serve();
  const relpack = relpackCommand([process.execPath, join(dir, 'relpack.mjs')], { PATH, ...gitlabEnv(server, server.tokens.maintainer) }, dir);

  const version = await relpack(['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `${manifest.version}\n`);
  await publishAndDownload(relpack, 'one-file');
});

test('node relpack.mjs alone: serve --help, and `serve` itself takes a publish and a download from the same file', async () => {
  const dir = await fileAlone();
  const help = await relpackCommand([process.execPath, 'relpack.mjs'], { PATH }, dir)(['serve', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: relpack serve /);

  const child = spawn(process.execPath, ['relpack.mjs', 'serve', '--port', '0', '--quiet', '--data-dir', await tempDir('relpack-data-')], { cwd: dir, env: { PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const seen = (d: Buffer) => {
        output += d;
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]!);
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('close', (code) => reject(new Error(`relpack serve exited with ${code} before listening:\n${output}`)));
    });
    // relpack serve's zero-config project and maintainer token (docs/serve.md).
    const env = { PATH, RELPACK_URL: url, RELPACK_PROJECT: '1', RELPACK_TOKEN: 'glpat-dev-maintainer' };
    await publishAndDownload(relpackCommand([process.execPath, join(dir, 'relpack.mjs')], env, dir), 'served-by-one-file');
  } finally {
    child.kill();
  }
});
