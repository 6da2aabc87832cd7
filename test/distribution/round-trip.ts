/**
 * What both distribution tests do with a relpack as users get it (the installed npm package, the
 * one file alone): run it as a process, and publish a small release then download it back, every
 * byte compared. The registry is the harness's `relpack serve`, in this process, so the runs are
 * asynchronous.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess, tempDir, writeTree, type CliRun } from '../helpers/harness.js';

export type Relpack = (args: string[], options?: { cwd?: string }) => Promise<CliRun>;

/** `argv` (the executable and any arguments before relpack's own) run with exactly `env`. */
export function relpackCommand(argv: string[], env: Record<string, string | undefined>, cwd: string): Relpack {
  return (args, options = {}) => run(argv[0]!, [...argv.slice(1), ...args], { cwd: options.cwd ?? cwd, env });
}

export function run(file: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<CliRun> {
  return runProcess(file, args, options);
}

/** Publishes a tree (a binary large enough to stream, a nested text file) and downloads it into an empty folder. */
export async function publishAndDownload(relpack: Relpack, name: string): Promise<void> {
  const files: Record<string, Buffer> = {
    'tool-linux-amd64': randomBytes(3 * 1024 * 1024 + 17),
    'docs/README.txt': Buffer.from(`${name} release notes\n`),
  };
  const work = await writeTree(await tempDir('relpack-release-'), files);
  const published = await relpack(['publish', '.', '--name', name, '--version', '1.0.0', '--json'], { cwd: work });
  assert.equal(published.code, 0, `publish: ${published.stderr}`);

  const out = await tempDir('relpack-fetched-');
  const downloaded = await relpack(['download', '--name', name, '--version', '1.0.0', '--out', out, '--json'], { cwd: out });
  assert.equal(downloaded.code, 0, `download: ${downloaded.stderr}`);
  const names = (JSON.parse(downloaded.stdout) as { files: { name: string }[] }).files.map((f) => f.name).sort();
  assert.deepEqual(names, ['SHA256SUMS', ...Object.keys(files)].sort());
  for (const [file, bytes] of Object.entries(files)) assert.ok((await readFile(join(out, file))).equals(bytes), `${file} came back changed`);
}
