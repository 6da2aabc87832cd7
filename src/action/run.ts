/**
 * The GitHub-style action (GitHub, Gitea and Forgejo Actions): inputs + environment -> one typed
 * request (src/action/inputs.ts) -> the same operation the CLI runs (src/operations/) -> outputs,
 * a job summary and masks. Every token is masked before the first line is logged; failures go
 * through setFailed with the CLI's messages, in the workflow's terms.
 */
import * as core from '@actions/core';
import pkg from '../../package.json' with { type: 'json' };
import { relpackErrors } from '../base/errors.js';
import { lineReporter } from '../core/progress.js';
import { parseBumpLevel } from '../core/versioning.js';
import { maskSecrets } from '../http/redact.js';
import { maskEnvironmentTokens, type OperationContext } from '../operations/context.js';
import { download } from '../operations/download.js';
import { list } from '../operations/list.js';
import { publish, type FilesRequest, type PublishRequest } from '../operations/publish.js';
import { outputValues, summarizeBump, summarizeDownload, summarizeList, summarizePrune, summarizePublish, summarizeRelease, type RunSummary } from '../operations/outputs.js';
import { prune } from '../operations/prune.js';
import { bump } from '../operations/version.js';
import { release, releaseSettings } from '../operations/release.js';
import { envInputReader, readActionInputs, type ActionOptions } from './inputs.js';
import { writeFailureSummary, writeSummary } from './summary.js';
import { inActionTerms } from './terms.js';

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
  maskEnvironmentTokens(env, addSecret);
  const mask = (text: string) => maskSecrets(inActionTerms(text), secrets);

  try {
    const options = readActionInputs(read, env);
    const ctx: OperationContext = {
      env,
      cwd: env.GITHUB_WORKSPACE || process.cwd(),
      reporter: lineReporter((text) => core.info(mask(text)), (message) => core.warning(mask(message))),
      addSecret,
      userAgent: `relpack-action/${pkg.version}`,
      timeout: options.timeout || undefined,
    };
    const data = await runCommand(ctx, options);
    setOutputs(data);
    if (env.GITHUB_STEP_SUMMARY) await writeSummary(data);
  } catch (error) {
    const message = mask(describeError(error));
    core.setFailed(message);
    if (env.GITHUB_STEP_SUMMARY) await writeFailureSummary(message).catch(() => {});
  }
}

async function runCommand(ctx: OperationContext, options: ActionOptions): Promise<RunSummary> {
  const { connection, name } = options;
  const transfer = { concurrency: options.concurrency, checksums: options.checksums };
  // What a publish and a bump share (operations/publish.ts FilesRequest).
  const sent: FilesRequest = {
    files: options.files,
    ...transfer,
    hidden: options.hidden,
    includeHidden: options.includeHidden,
    followSymlinks: options.followSymlinks,
    dryRun: options.dryRun,
  };
  // Without `release`, a release-tag or release-notes is refused as the CLI refuses it; `command: release` always links.
  const linked = options.command === 'release' ? { tag: options.releaseTag || undefined, notesFile: options.releaseNotes || undefined } : releaseSettings(options.release, options.releaseTag, options.releaseNotes);
  switch (options.command) {
    case 'publish':
      return summarizePublish(
        await publish(ctx, {
          connection,
          name,
          version: options.version,
          ifExists: options.ifExists,
          archive: (options.archive || undefined) as PublishRequest['archive'],
          archiveName: options.archiveName || undefined,
          release: linked,
          ...sent,
        }),
      );
    case 'download':
      return summarizeDownload(await download(ctx, { connection, name, version: options.version, files: options.files, out: options.out, ...transfer, verify: options.verify, maxFileSize: options.maxSize || undefined, extract: options.extract, cache: options.cache || undefined, cacheMax: options.cacheMax || undefined }));
    case 'list':
      return summarizeList(await list(ctx, { connection, name, version: options.version }));
    case 'prune':
      // The action deletes only when `dry-run` is false, as the template; the CLI asks for --yes.
      return summarizePrune(
        await prune(ctx, {
          connection,
          name,
          keep: options.keep,
          olderThan: options.olderThan || undefined,
          match: options.match || undefined,
          store: { variable: options.versionVariable || undefined, token: options.variablesToken, registryToken: connection.token },
          yes: !options.dryRun,
        }),
      );
    case 'bump':
      // The variable's token is `variables-token`, else RELPACK_VARIABLES_TOKEN, else the registry
      // token when the variable lives on the registry's own origin.
      return summarizeBump(
        await bump(ctx, {
          connection,
          name,
          from: 'variable',
          store: { variable: options.versionVariable, token: options.variablesToken, registryToken: connection.token },
          bump: parseBumpLevel(options.bump),
          preid: options.preid || undefined,
          release: linked,
          ...sent,
        }),
      );
    case 'release':
      return summarizeRelease(await release(ctx, { connection, name, version: options.version || undefined, ...linked, concurrency: options.concurrency }));
  }
}

function setOutputs(summary: RunSummary): void {
  for (const [name, value] of Object.entries(outputValues(summary))) core.setOutput(name, value);
}

/** The CLI's message (code, request, hints); each error of a parallel batch on its own; never a stack trace. */
function describeError(error: unknown): string {
  return relpackErrors(error)
    .map((e) => e.describe())
    .join('\n');
}
