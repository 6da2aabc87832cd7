/** The README's runnable examples: blocks marked `<!-- readme-test: NAME -->`, run by bash with the installed npm package's `relpack` on PATH. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './harness.js';
import { installRelpack } from './packed.js';

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

/** The folder holding `relpack` as `npm install --global` of the packed package gives it. */
export async function relpackOnPath(): Promise<string> {
  return (await installRelpack()).binDir;
}
