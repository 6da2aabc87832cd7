/**
 * The GitHub-style action (GitHub, Gitea and Forgejo Actions): inputs + environment -> typed
 * options (src/action/inputs.ts) -> the same connection and core as the CLI -> outputs, a job
 * summary and masks. Every token is masked before the first line is logged; failures go through
 * setFailed with the CLI's messages.
 */
import * as core from '@actions/core';
import pkg from '../../package.json' with { type: 'json' };
import { downloadPackage } from '../core/download.js';
import { RelpackError } from '../base/errors.js';
import { listPackage } from '../core/list.js';
import type { Reporter } from '../core/progress.js';
import { publishFiles } from '../core/publish.js';
import { publishNextVersion } from '../core/release.js';
import { parseBumpLevel } from '../core/versioning.js';
import { maskSecrets, redactUrl } from '../http/redact.js';
import { connect, type Connection } from '../options/connection.js';
import { pipelineTag, resolveVersionStore } from '../options/version-store.js';
import type { RegistryAdapter } from '../registry/types.js';
import { envInputReader, readActionInputs, type ActionOptions } from './inputs.js';
import { inActionTerms } from './terms.js';
import { actionReporter } from './reporter.js';
import { writeFailureSummary, writeSummary, type FileRow, type SummaryData } from './summary.js';

/** Environment variables that may hold a token, masked whether or not relpack uses them. */
const TOKEN_VARIABLES = ['RELPACK_TOKEN', 'RELPACK_VARIABLES_TOKEN', 'CI_JOB_TOKEN', 'FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN'];

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const secrets: string[] = [];
  const addSecret = (value: string | undefined) => {
    // A value that contains a masked secret ("token abc", "Bearer abc") is masked with it already.
    if (!value || secrets.some((secret) => value.includes(secret))) return;
    secrets.push(value);
    core.setSecret(value);
  };
  const read = envInputReader(env);
  addSecret(read('token'));
  addSecret(read('variables-token'));
  for (const name of TOKEN_VARIABLES) addSecret(env[name]);
  const mask = (text: string) => maskSecrets(inActionTerms(text), secrets);
  const log = (line: string) => core.info(mask(line));

  try {
    const options = readActionInputs(read, env);
    const { registry, connection } = await connect(options.connection, env, { log, userAgent: `relpack-action/${pkg.version}` });
    for (const secret of [...connection.secrets, ...registry.http.secrets()]) addSecret(secret);
    log(`${connection.flavour} registry at ${redactUrl(connection.url)} (${connection.detectedBy}), ${connection.flavour === 'gitlab' ? `project ${connection.project}` : `owner ${connection.owner}`}, using ${connection.credentialLabel}`);
    const reporter = actionReporter(mask);
    try {
      const data = await runCommand(registry, connection, options, env, reporter, addSecret);
      setOutputs(data);
      if (env.GITHUB_STEP_SUMMARY) await writeSummary(data);
    } finally {
      await registry.http.close();
    }
  } catch (error) {
    const message = mask(describeError(error));
    core.setFailed(message);
    if (env.GITHUB_STEP_SUMMARY) await writeFailureSummary(message).catch(() => {});
  }
}

async function runCommand(registry: RegistryAdapter, connection: Connection, options: ActionOptions, env: NodeJS.ProcessEnv, reporter: Reporter, addSecret: (value: string | undefined) => void): Promise<SummaryData> {
  const ref = { name: options.name, version: options.version };
  const cwd = workspace(env);
  switch (options.command) {
    case 'publish': {
      const result = await publishFiles(
        registry,
        { ref, inputs: options.files, cwd, ifExists: options.ifExists, concurrency: options.concurrency, checksums: options.checksums, hidden: options.hidden, includeHidden: options.includeHidden, dryRun: options.dryRun },
        reporter,
      );
      return { command: 'publish', name: ref.name, version: ref.version, packageUrl: result.packageUrl, files: result.files, uploaded: result.uploaded, skipped: result.skipped, dryRun: result.dryRun };
    }
    case 'download': {
      const outDir = options.out.startsWith('/') ? options.out : `${cwd}/${options.out}`;
      const result = await downloadPackage(
        registry,
        { ref, files: options.files, outDir, concurrency: options.concurrency, verify: options.verify, checksums: options.checksums ?? undefined },
        reporter,
      );
      return { command: 'download', name: ref.name, version: ref.version, packageUrl: result.packageUrl, files: result.files, downloaded: result.downloaded, skipped: result.skipped, outDir: result.outDir };
    }
    case 'list': {
      const result = await listPackage(registry, { name: options.name, version: options.version || undefined });
      const files = (result.files ?? []).map((file): FileRow => ({ name: file.fileName, size: file.size ?? 0, sha256: file.sha256 ?? '', url: file.url, status: 'listed' }));
      return { command: 'list', name: options.name, version: options.version, packageUrl: options.version ? registry.packageUrl(ref) : undefined, files, versions: result.versions?.map((v) => ({ version: v.version, createdAt: v.createdAt })) };
    }
    case 'bump':
      return runBump(registry, connection, options, env, reporter, addSecret);
  }
}

/**
 * The next version from the version variable, published and verified, then written back: the
 * same flow as `relpack publish --bump` (core/release.ts). The variable's token is
 * `variables-token`, else RELPACK_VARIABLES_TOKEN, else the registry token when the variable lives
 * on the registry's own origin.
 */
async function runBump(registry: RegistryAdapter, connection: Connection, options: ActionOptions, env: NodeJS.ProcessEnv, reporter: Reporter, addSecret: (value: string | undefined) => void): Promise<SummaryData> {
  // The registry token goes in as RELPACK_TOKEN, so the store uses it only on its own origin.
  const storeEnv = { ...env, RELPACK_VARIABLES_TOKEN: options.variablesToken || env.RELPACK_VARIABLES_TOKEN || undefined, RELPACK_TOKEN: options.connection.token || env.RELPACK_TOKEN };
  const log = (line: string) => reporter.info(line);
  const resolved = resolveVersionStore({ connection }, storeEnv, { log, userAgent: `relpack-action/${pkg.version}` });
  for (const secret of resolved.secrets) addSecret(secret);
  log(`version variable ${options.versionVariable}: ${resolved.kind} ${resolved.location} (${resolved.detectedBy}), using ${resolved.credentialLabel}`);
  try {
    const result = await publishNextVersion(
      registry,
      resolved.store,
      {
        name: options.name,
        from: 'variable',
        variable: options.versionVariable,
        tag: pipelineTag(env),
        cwd: workspace(env),
        bump: parseBumpLevel(options.bump),
        preid: options.preid || undefined,
        inputs: options.files,
        concurrency: options.concurrency,
        checksums: options.checksums,
        hidden: options.hidden,
        includeHidden: options.includeHidden,
        dryRun: options.dryRun,
      },
      reporter,
    );
    return {
      command: 'bump',
      name: options.name,
      version: result.version,
      previousVersion: result.previousVersion,
      packageUrl: result.packageUrl,
      files: result.files,
      uploaded: result.uploaded,
      skipped: result.skipped,
      dryRun: result.dryRun,
    };
  } finally {
    await resolved.store.http.close();
  }
}

function workspace(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_WORKSPACE || process.cwd();
}

function setOutputs(data: SummaryData): void {
  core.setOutput('name', data.name);
  if (data.version) core.setOutput('version', data.version);
  if (data.command === 'bump') core.setOutput('previous-version', data.previousVersion ?? '');
  if (data.packageUrl) core.setOutput('package-url', data.packageUrl);
  core.setOutput('files', JSON.stringify(data.files.map((f) => ({ name: f.name, path: f.path ?? null, size: f.size, sha256: f.sha256, url: f.url, status: f.status }))));
  if (data.versions) core.setOutput('versions', JSON.stringify(data.versions));
  if (data.uploaded !== undefined) core.setOutput('uploaded', String(data.uploaded));
  if (data.skipped !== undefined) core.setOutput('skipped', String(data.skipped));
  if (data.downloaded !== undefined) core.setOutput('downloaded', String(data.downloaded));
}

/** The CLI's message (code, request, hints); each error of a parallel batch on its own. */
function describeError(error: unknown): string {
  if (error instanceof RelpackError) return error.describe();
  const pool = error as { errors?: unknown[] };
  if (Array.isArray(pool.errors)) return pool.errors.map((e) => (e instanceof RelpackError ? e.describe() : (e as Error).message)).join('\n');
  return (error as Error).stack ?? String(error);
}
