/**
 * What a shell hands every operation: where it runs, where its progress goes, how it masks. The
 * operations own the rest of a run (connect, resolve, register secrets, work, close), so the CLI,
 * the action and the component's jobs only translate their inputs and render the result.
 */
import type { Reporter } from '../core/progress.js';

export interface OperationContext {
  env: NodeJS.ProcessEnv;
  /** Relative paths (files to publish, the download folder) are resolved against it. */
  cwd: string;
  /** Progress, notices (the connection, a resolved range) and warnings. */
  reporter: Reporter;
  /** Masks a value in everything the shell prints from now on. */
  addSecret: (value: string | undefined) => void;
  /** `relpack/1.2.3` or `relpack-action/1.2.3`. */
  userAgent: string;
  /**
   * Seconds the whole command may take (`--timeout`); when it is up, every request and retry
   * stops and the operation fails with a TIMEOUT error. Default: RELPACK_TIMEOUT, else no limit.
   */
  timeout?: number | string;
}

/**
 * Environment variables that may hold a token, masked by every shell whether or not the run uses
 * them: relpack's own, GitLab's job token and registry password, and the tokens Gitea, Forgejo and
 * GitHub runners put in a job's environment.
 */
export const TOKEN_VARIABLES = [
  'RELPACK_TOKEN',
  'RELPACK_VARIABLES_TOKEN',
  'CI_JOB_TOKEN',
  'CI_REGISTRY_PASSWORD',
  'GITEA_TOKEN',
  'FORGEJO_TOKEN',
  'GITHUB_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
] as const;

/** Registers every token the environment holds with the shell's mask, before anything is printed. */
export function maskEnvironmentTokens(env: NodeJS.ProcessEnv, addSecret: (value: string | undefined) => void): void {
  for (const name of TOKEN_VARIABLES) addSecret(env[name]);
}
