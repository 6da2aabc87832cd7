/**
 * Runs the bundled action (dist/index.js) the way a GitHub, Gitea or Forgejo runner starts it:
 * inputs as INPUT_<NAME> (upper-cased, hyphens kept), fresh GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY files, the workspace as cwd and GITHUB_WORKSPACE, and nothing else from
 * this process's environment. Async spawn: the registry under test runs in this process.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/harness.js';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>;
  summary: string;
}

export async function runAction(inputs: Record<string, string>, options: { env?: Record<string, string | undefined>; workspace?: string } = {}): Promise<ActionRun> {
  const dir = await tempDir('relpack-runner-');
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
  for (const path of Object.values(files)) await writeFile(path, '');
  const workspace = options.workspace ?? (await tempDir('relpack-workspace-'));
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dir,
    RELPACK_RETRY_DELAY_MS: '20',
    ...files,
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], { cwd: workspace, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ code: status ?? -1, stdout: out, stderr: err }));
  });
  return { code, stdout, stderr, outputs: parseOutputFile(await readFile(files.GITHUB_OUTPUT, 'utf8')), summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

/** The runner's file-command format: `name<<DELIMITER\nvalue\nDELIMITER\n` (or `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`output ${name}: no closing delimiter ${delimiter}`);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}
