/**
 * `npm run demo`: relpack's main job end to end on a fresh machine, with no registry to install.
 * Starts the embedded `relpack serve`, publishes a sample release directory with the built CLI,
 * downloads it back into another directory, and checks every file byte for byte.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../src/server/index.js';

const root = new URL('..', import.meta.url).pathname;
const bundle = join(root, 'dist/relpack.mjs');
if (!existsSync(bundle)) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });

const work = await mkdtemp(join(tmpdir(), 'relpack-demo-'));
const server = await startServer({ port: 0, dataDir: join(work, 'registry') });
let failed = false;
try {
  const release = join(work, 'release');
  const files: Record<string, Buffer> = {
    'relpack-demo-linux-amd64.tar.gz': randomBytes(8 * 1024 * 1024),
    'relpack-demo-darwin-arm64.tar.gz': randomBytes(6 * 1024 * 1024),
    'docs/README.txt': Buffer.from('relpack demo release\n'),
    'docs/licenses/THIRD-PARTY.txt': Buffer.from('none\n'),
  };
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(release, name)), { recursive: true });
    await writeFile(join(release, name), data);
  }
  const env = { ...process.env, RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer };
  // The registry runs in this process, so the CLI runs beside it asynchronously.
  const relpack = async (...args: string[]) => {
    console.log(`\n$ relpack ${args.join(' ')}`);
    const child = spawn(process.execPath, [bundle, ...args], { stdio: 'inherit', env, cwd: work });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (status !== 0) throw new Error(`relpack ${args[0]} exited with ${status}`);
  };

  console.log(`relpack serve is listening on ${server.url} (project 1 = demo/app)`);
  await relpack('publish', 'release', '--name', 'relpack-demo', '--version', '1.0.0');
  await relpack('publish', 'release', '--name', 'relpack-demo', '--version', '1.0.0');
  await relpack('list', '--name', 'relpack-demo', '--version', '1.0.0');
  await relpack('download', '--name', 'relpack-demo', '--version', '1.0.0', '--out', 'downloaded');

  const downloaded = join(work, 'downloaded');
  for (const [name, data] of Object.entries(files)) {
    const got = await readFile(join(downloaded, name));
    if (!got.equals(data)) throw new Error(`${name} differs after the round trip`);
  }
  const all = (await readdir(downloaded, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const sums = await readFile(join(downloaded, 'SHA256SUMS'), 'utf8');
  for (const [name, data] of Object.entries(files)) {
    if (!sums.includes(`${createHash('sha256').update(data).digest('hex')}  ${name}\n`)) throw new Error(`SHA256SUMS lacks ${name}`);
  }
  console.log(`\ndemo OK: ${Object.keys(files).length} files and SHA256SUMS published, re-published idempotently, downloaded into ${downloaded} (${all.length} files) and verified byte for byte`);
} catch (error) {
  failed = true;
  console.error(`\ndemo FAILED: ${(error as Error).message}`);
} finally {
  await server.close();
  await rm(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
