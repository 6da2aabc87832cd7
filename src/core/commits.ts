/**
 * Reads commit messages with git (through @actions/exec, so the action and the CLI run it the
 * same way) for `--bump auto`.
 */
import { getExecOutput } from '@actions/exec';
import { RelpackError } from '../base/errors.js';

export interface CommitRange {
  /** The tag the range starts after (`v1.4.2` or `1.4.2`), or undefined: every commit up to HEAD. */
  tag?: string;
  /** Full messages, newest first. */
  messages: string[];
  /** True when the clone is shallow and no tag was found: older commits may be missing. */
  shallow: boolean;
}

const SEPARATOR = '\x1e';

async function git(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const out = await getExecOutput('git', args, { cwd, silent: true, ignoreReturnCode: true });
    return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr };
  } catch (error) {
    throw new RelpackError('INVALID_INPUT', `cannot run git for --bump auto: ${(error as Error).message}`, {
      hint: 'install git, or give the bump level (--bump patch|minor|major)',
      cause: error,
    });
  }
}

/**
 * The messages of the commits since the current version's tag (`v<version>`, else `<version>`).
 * Without such a tag every commit reachable from HEAD counts.
 */
export async function commitsSince(version: string | undefined, cwd: string): Promise<CommitRange> {
  const inside = await git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') {
    throw new RelpackError('INVALID_INPUT', `--bump auto reads the commit history, but ${cwd} is not in a git work tree`, {
      hint: 'run relpack in the repository checkout, or give the bump level (--bump patch|minor|major)',
    });
  }
  let tag: string | undefined;
  for (const candidate of version ? [`v${version}`, version] : []) {
    const found = await git(['rev-parse', '-q', '--verify', `refs/tags/${candidate}^{commit}`], cwd);
    if (found.code === 0) {
      tag = candidate;
      break;
    }
  }
  const log = await git(['log', `--format=%B${SEPARATOR}`, tag ? `refs/tags/${tag}..HEAD` : 'HEAD'], cwd);
  if (log.code !== 0) {
    // A repository without commits has no HEAD: nothing to analyse.
    if (/does not have any commits|unknown revision|bad revision/i.test(log.stderr)) return { tag, messages: [], shallow: false };
    throw new RelpackError('INVALID_INPUT', `git log failed: ${log.stderr.trim()}`);
  }
  const shallow = !tag && (await git(['rev-parse', '--is-shallow-repository'], cwd)).stdout.trim() === 'true';
  const messages = log.stdout
    .split(SEPARATOR)
    .map((m) => m.trim())
    .filter((m) => m !== '');
  return { tag, messages, shallow };
}
