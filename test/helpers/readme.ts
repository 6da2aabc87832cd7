/** The README's runnable examples: blocks marked `<!-- readme-test: NAME -->`, run by bash with `relpack` on PATH. */
import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, tempDir } from './harness.js';

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

/** A folder with a `relpack` executable that runs the bundle, as `npm install -g` would give. */
export async function relpackOnPath(): Promise<string> {
  const bin = await tempDir('relpack-bin-');
  await writeFile(join(bin, 'relpack'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/relpack.mjs')}" "$@"\n`);
  await chmod(join(bin, 'relpack'), 0o755);
  return bin;
}

