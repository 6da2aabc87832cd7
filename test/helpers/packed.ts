/**
 * relpack as users install it: this checkout packed by `npm pack` and installed from the tarball
 * with `npm install --global`, into a prefix of its own, with the npm registry out of reach (an
 * empty cache, a registry address that refuses connections), so nothing can come from anywhere
 * but the tarball. The README, component and Dockerfile tests run this `relpack`, not the source.
 * Packed and installed once per test file (each file is its own process).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir } from './harness.js';

const exec = promisify(execFile);

/** npm with nothing from the developer's configuration, and a registry that refuses every connection. */
export async function offlineNpmEnv(): Promise<Record<string, string>> {
  const home = await tempDir('relpack-npm-home-');
  await writeFile(join(home, '.npmrc'), '');
  await mkdir(join(home, 'cache'));
  return {
    PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
    HOME: home,
    npm_config_userconfig: join(home, '.npmrc'),
    npm_config_cache: join(home, 'cache'),
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

export interface Packed {
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** What `npm pack --json` says it holds. */
  files: string[];
}

let packed: Promise<Packed> | undefined;

/** `npm pack` of this checkout, once. */
export function packRelpack(): Promise<Packed> {
  packed ??= (async () => {
    const env = await offlineNpmEnv();
    const dir = await tempDir('relpack-pack-');
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env });
    const [pack] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    return { tarball: join(dir, pack!.filename), files: pack!.files.map((f) => f.path).sort() };
  })();
  return packed;
}

export interface Installed {
  prefix: string;
  /** The folder to put first on PATH: it holds `relpack`. */
  binDir: string;
  bin: string;
}

let installed: Promise<Installed> | undefined;

/** The packed tarball installed globally into a fresh prefix, offline, once. */
export function installRelpack(): Promise<Installed> {
  installed ??= (async () => {
    const { tarball } = await packRelpack();
    const env = await offlineNpmEnv();
    const prefix = await tempDir('relpack-prefix-');
    await exec('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: prefix, env });
    return { prefix, binDir: join(prefix, 'bin'), bin: join(prefix, 'bin', 'relpack') };
  })();
  return installed;
}
