/**
 * Runs GitLab pipelines locally with gitlab-ci-local 4.73.0 (installed by
 * scripts/ensure-gitlab-ci-local.sh), shell executor, in a temporary git repository that holds
 * this project's templates/ and whose `gcl-origin` remote points at `relpack serve`: so
 * CI_SERVER_URL, CI_SERVER_FQDN and CI_API_V4_URL are the local registry's, and
 * `component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA` resolves to templates/.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir, writeTree } from '../helpers/harness.js';

const exec = promisify(execFile);

/** The command the templates' `cli` input gets: this checkout's CLI bundle. */
export const LOCAL_CLI = `${process.execPath} ${join(ROOT, 'dist/relpack.mjs')}`;

let installed: Promise<{ bin?: string; reason?: string }> | undefined;

/** The gitlab-ci-local executable, installing it on first use; `reason` when it cannot be had. */
export function gitlabCiLocal(): Promise<{ bin?: string; reason?: string }> {
  installed ??= exec('bash', [join(ROOT, 'scripts/ensure-gitlab-ci-local.sh')], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => ({ bin: stdout.trim().split('\n').pop() }),
    (error: { stderr?: string; message: string }) => ({ reason: `gitlab-ci-local 4.73.0 could not be installed: ${(error.stderr || error.message).trim().split('\n').slice(-3).join(' ')}` }),
  );
  return installed;
}

export interface PipelineRepo {
  dir: string;
  /** Commits the work tree (gitlab-ci-local reads committed or added files for includes). */
  commit(files?: Record<string, string>): Promise<void>;
}

/** A git repository `demo/app` on the server's origin, with templates/ and the given files. */
export async function pipelineRepo(serverUrl: string, files: Record<string, string>): Promise<PipelineRepo> {
  const dir = await tempDir('relpack-pipeline-');
  const git = (...args: string[]) => exec('git', ['-c', 'user.name=relpack test', '-c', 'user.email=test@relpack.invalid', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'relpack test');
  await git('config', 'user.email', 'test@relpack.invalid');
  await git('remote', 'add', 'gcl-origin', `${serverUrl}/demo/app.git`);
  await cp(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  await mkdir(join(dir, '.gitlab-ci-local'), { recursive: true });
  const repo: PipelineRepo = {
    dir,
    async commit(more = {}) {
      await writeTree(dir, more);
      await writeFile(join(dir, '.gitignore'), '.gitlab-ci-local/\n');
      await git('add', '-A');
      await git('commit', '-q', '--allow-empty', '-m', 'pipeline under test');
    },
  };
  await repo.commit(files);
  return repo;
}

export interface PipelineRun {
  code: number;
  /** Everything gitlab-ci-local printed (job logs are prefixed with the job name). */
  output: string;
  /** The lines one job printed, without the `job >` prefix. */
  job(name: string): string[];
}

/**
 * Runs the whole pipeline. `variables` are what GitLab would set (CI_COMMIT_TAG, CI_JOB_TOKEN, …)
 * and project CI/CD variables; CI_PROJECT_ID defaults to the server's project 1. `path` goes first
 * on the jobs' PATH: the folder of the installed npm package's `relpack`, which is what the
 * templates' default image holds (the shell executor ignores `image:`), for runs with defaults.
 */
export async function runPipeline(bin: string, repo: PipelineRepo, variables: Record<string, string> = {}, args: string[] = [], options: { path?: string } = {}): Promise<PipelineRun> {
  const all = { CI_PROJECT_ID: '1', ...variables };
  const argv = [
    '--force-shell-executor',
    '--no-color',
    '--home', join(repo.dir, '.gitlab-ci-local', 'home'),
    '--ignore-predefined-vars', Object.keys(all).join(','),
    ...Object.entries(all).flatMap(([k, v]) => ['--variable', `${k}=${v}`]),
    ...args,
  ];
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(bin, argv, { cwd: repo.dir, env: { PATH: options.path ? `${options.path}:${process.env.PATH}` : process.env.PATH, HOME: join(repo.dir, '.gitlab-ci-local', 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ code: status ?? -1, output: text }));
  });
  return {
    code,
    output,
    job(name) {
      const prefix = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+> ?`);
      return output.split('\n').filter((line) => prefix.test(line)).map((line) => line.replace(prefix, ''));
    },
  };
}
