/**
 * Test plumbing: a `relpack serve` in-process on a free port with its own data directory, the CLI
 * run in-process (or as the built bundle), and small file trees.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { main } from '../../src/cli.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/index.js';

export const ROOT = new URL('../../', import.meta.url).pathname;

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

export async function tempDir(prefix = 'relpack-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface ServeLog {
  lines: string[];
}

export async function serve(options: Omit<ServeOptions, 'port' | 'dataDir'> & { dataDir?: string } = {}): Promise<RunningServer & ServeLog> {
  const lines: string[] = [];
  const server = await startServer({ port: 0, dataDir: options.dataDir ?? (await tempDir('relpack-data-')), log: (line) => lines.push(line), ...options });
  cleanups.push(() => server.close());
  return Object.assign(server, { lines });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with a clean environment (nothing from the developer's CI leaks in). */
export async function cli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { PATH: process.env.PATH, RELPACK_RETRY_DELAY_MS: '20', ...options.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

/** Runs a program to its end with exactly `env` (plus spawn options such as uid), collecting its output. */
export function runProcess(file: string, args: string[], options: SpawnOptions & { cwd: string; env: Record<string, string | undefined> }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the built bundle as a process, as users run it. */
export function cliProcess(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
  return runProcess(process.execPath, [join(ROOT, 'dist/relpack.mjs'), ...args], { cwd: options.cwd ?? ROOT, env: { PATH: process.env.PATH, ...options.env } });
}

export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return root;
}

/** Environment that points the CLI at a server as the given token. */
export function gitlabEnv(server: RunningServer, token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: token, ...extra };
}
