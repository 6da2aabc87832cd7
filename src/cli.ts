/**
 * The relpack command line: argv + environment -> one request object -> an operation
 * (src/operations/) -> the printed result and exit status (0 success, 1 the operation failed,
 * 2 bad usage or invalid input). Nothing here connects, resolves or decides: it translates.
 *
 * Progress goes to stderr, the result to stdout (a summary, or JSON with --json). Everything
 * printed passes through the secret mask first.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { relpackErrors, usageError } from './base/errors.js';
import { escapeUnprintable } from './base/format.js';
import { lineReporter, type Reporter } from './core/progress.js';
import type { IfExists } from './core/publish.js';
import { parseBumpLevel, parseVersionSource } from './core/versioning.js';
import { maskSecrets } from './http/redact.js';
import type { ConnectionInput } from './options/connection.js';
import { COMMANDS, DOTENV, type CommandName } from './cli/commands.generated.js';
import { maskEnvironmentTokens, type OperationContext } from './operations/context.js';
import { formatDotenv, summarizeBump, summarizeDownload, summarizePrune, summarizePublish, type RunSummary } from './operations/outputs.js';
import { release, releaseSettings } from './operations/release.js';
import type { ReleaseOutcome } from './core/release-links.js';
import { prune } from './operations/prune.js';
import { download } from './operations/download.js';
import { list } from './operations/list.js';
import { publish, type FilesRequest, type PublishRequest } from './operations/publish.js';
import { parseChecksums, parseConcurrency } from './operations/values.js';
import { remove } from './operations/remove.js';
import { bump, commitPublishedVersion, showCurrentVersion, showNextVersion, type VersionRequest } from './operations/version.js';

/** The overview `relpack --help` prints; each command's own help comes from component.yml. */
const USAGE = `relpack ${pkg.version}: publish, verify and fetch release binaries in GitLab and Gitea/Forgejo generic package registries

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}\n      ${c.summary}`)
  .join('\n')}
  relpack serve [--config FILE] [--host 127.0.0.1] [--port N] [--data-dir DIR] [--max-connections N] [--recover-journal]
      A local registry with GitLab's and Gitea's API shapes, to try relpack and test against.

Connection (flag, else environment, else CI default):
  --url URL          RELPACK_URL, else CI_SERVER_URL (GitLab) / GITHUB_SERVER_URL (Gitea)
  --project ID|PATH  RELPACK_PROJECT, else CI_PROJECT_ID                      (GitLab)
  --owner OWNER      RELPACK_OWNER, else GITHUB_REPOSITORY_OWNER             (Gitea)
  --registry gitlab|gitea   RELPACK_REGISTRY, else detected
  token              RELPACK_TOKEN (RELPACK_TOKEN_TYPE=private|deploy|basic), else CI_JOB_TOKEN

Run relpack <command> --help for a command's options.
Exit status: 0 success, 1 the operation failed, 2 bad usage or invalid input.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type Out = (text: string) => void;

/** What every command gets: the masked streams and a way to build the operation's context. */
interface Shell {
  io: CliIo;
  out: Out;
  err: Out;
  /** The operation's context for a command's `--quiet` and `--timeout`. */
  context(values: { quiet?: boolean; timeout?: string }): OperationContext;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const secrets: string[] = [];
  const addSecret = (value: string | undefined) => {
    if (value && !secrets.includes(value)) secrets.push(value);
  };
  maskEnvironmentTokens(io.env, addSecret);
  const out = (text: string) => io.stdout(maskSecrets(text, secrets));
  const err = (text: string) => io.stderr(maskSecrets(text, secrets));
  const shell: Shell = {
    io,
    out,
    err,
    context: (values) => ({ env: io.env, cwd: io.cwd, reporter: cliReporter(err, values.quiet ?? false), addSecret, userAgent: `relpack/${pkg.version}`, timeout: values.timeout }),
  };

  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-V':
        out(`${pkg.version}\n`);
        return 0;
      case 'publish':
        return await publishCommand(rest, shell);
      case 'download':
        return await downloadCommand(rest, shell);
      case 'list':
        return await listCommand(rest, shell);
      case 'delete':
        return await deleteCommand(rest, shell);
      case 'prune':
        return await pruneCommand(rest, shell);
      case 'release':
        return await releaseCommand(rest, shell);
      case 'version':
        return await versionCommand(rest, shell);
      case 'serve': {
        const { runServe } = await import('./server/index.js');
        return await runServe(rest);
      }
      default:
        throw usageError(`unknown command ${JSON.stringify(command)}`, 'run relpack --help for the commands');
    }
  } catch (error) {
    // Every failure as a sentence with its code (base/errors.ts relpackErrors): never a stack trace.
    const errors = relpackErrors(error);
    for (const e of errors) err(`relpack: error: ${e.describe()}\n`);
    // With --json, a failure is machine-readable too: scripts read stdout, people read stderr. The
    // escape is JSON's own: the text stays JSON, and shows no control character a server sent.
    if (rest.includes('--json')) out(`${escapeUnprintable(JSON.stringify({ command, ok: false, errors: errors.map((e) => e.toJSON()) }, null, 2))}\n`);
    return Math.max(...errors.map((e) => e.exitCode));
  }
}

type Options<C extends CommandName> = (typeof COMMANDS)[C]['options'];

/** A command's parsed flags, typed from its table: booleans for boolean flags, strings for the rest. */
type Flags<C extends CommandName> = { -readonly [K in keyof Options<C>]?: Options<C>[K] extends { type: 'boolean' } ? boolean : string };

/** argv after the command -> its flags (component.yml's table for it) and positionals. */
function parse<C extends CommandName>(args: string[], command: C): { values: Flags<C>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: COMMANDS[command].options, allowPositionals: true, strict: true });
    // An empty value is no value (`--url "$UNSET"`), as for the action's inputs: the flag's
    // default, else unset.
    const values = parsed.values as Record<string, unknown>;
    const options = COMMANDS[command].options as Record<string, { default?: unknown }>;
    for (const [name, value] of Object.entries(values)) {
      if (value !== '') continue;
      if (options[name]?.default === undefined) delete values[name];
      else values[name] = options[name].default;
    }
    return parsed as unknown as { values: Flags<C>; positionals: string[] };
  } catch (error) {
    const name = command.replace('-', ' ');
    throw usageError(`${name}: ${(error as Error).message}`, `run relpack ${name} --help for its options`);
  }
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') throw usageError(`${command} needs ${flag}`);
  return value;
}

/** Flags with a default in component.yml always have a value once parsed. */
function concurrency(value: string | undefined): number {
  return parseConcurrency(value ?? '', '--concurrency');
}

function connectionInput(values: { url?: string; project?: string; owner?: string; registry?: string }): ConnectionInput {
  return { url: values.url, project: values.project, owner: values.owner, registry: values.registry };
}

function checksumsOption(value: string | undefined): string | null {
  return parseChecksums(value ?? '');
}

/** The part of a publish that a bump shares: what to send and how. */
function filesRequest(values: Flags<'publish'>, positionals: string[]): FilesRequest {
  return {
    files: positionals,
    concurrency: concurrency(values.concurrency),
    checksums: checksumsOption(values.checksums),
    hidden: values.hidden ?? false,
    includeHidden: values['include-hidden'] ?? false,
    followSymlinks: values['follow-symlinks'],
    dryRun: values['dry-run'] ?? false,
  };
}

/** The release lines of a publish, a bump or `relpack release`: what happened to the release and its links. */
function describeRelease(outcome: ReleaseOutcome | undefined, dryRun = false): string {
  if (!outcome) return '';
  const text = (value: string) => escapeUnprintable(value, { lines: false });
  if (dryRun) {
    const lines = outcome.links.map((link) => `  ${text(link.name)} -> ${text(link.url)}${link.note ? ` (${text(link.note)})` : ''}`);
    return `would link ${outcome.links.length} file(s) to the release of ${text(outcome.tag)}:\n${lines.join('\n')}\n`;
  }
  const count = (status: string) => outcome.links.filter((link) => link.status === status).length;
  const parts = outcome.inDescription
    ? [`${count('in-description')} linked from its description`]
    : [`${count('created')} linked`, `${count('updated')} relinked`, `${count('kept')} already linked`, ...(count('deleted') ? [`${count('deleted')} stale removed`] : []), ...(count('left-alone') ? [`${count('left-alone')} left alone`] : [])];
  return `release ${text(outcome.tag)} ${outcome.created ? 'created' : 'updated'}: ${parts.join(', ')}${outcome.webUrl ? `\n${text(outcome.webUrl)}` : ''}\n`;
}

function cliReporter(err: Out, quiet: boolean): Reporter {
  const line = (text: string) => {
    if (!quiet) err(`${text}\n`);
  };
  return lineReporter(line, (message) => err(`warning: ${message}\n`));
}

/** Prints help text; the command then ends with status 0. */
function printed(shell: Shell, text: string): number {
  shell.out(text);
  return 0;
}

function json(out: Out, command: string, result: object): void {
  out(JSON.stringify({ command, ...result }, null, 2) + '\n');
}

async function publishCommand(args: string[], shell: Shell): Promise<number> {
  const { values, positionals } = parse(args, 'publish');
  if (values.help) return printed(shell, COMMANDS.publish.help);
  if (values.bump !== undefined || values['version-variable'] !== undefined || values['version-from'] !== undefined) {
    return await bumpCommand(values, positionals, shell);
  }
  const ifExists = values['if-exists'] as string;
  if (!['skip', 'fail', 'replace'].includes(ifExists)) throw usageError(`--if-exists must be skip, fail or replace, not ${JSON.stringify(ifExists)}`);
  if (positionals.length === 0) throw usageError('publish needs at least one file, directory or glob');
  const releaseRequest = releaseSettings(values.release ?? false, values['release-tag'], values['release-notes']);
  const dotenv = await openDotenv(values.dotenv, shell.io.cwd);
  const result = await publish(shell.context(values), {
    connection: connectionInput(values),
    name: required(values.name, '--name', 'publish'),
    version: values.version,
    ifExists: ifExists as IfExists,
    archive: values.archive as PublishRequest['archive'],
    archiveName: values['archive-name'],
    release: releaseRequest,
    ...filesRequest(values, positionals),
  });
  await dotenv(summarizePublish(result));
  if (values.json) json(shell.out, 'publish', result);
  else shell.out(`${result.dryRun ? 'dry run: ' : ''}published ${result.ref.name} ${result.ref.version}: ${result.uploaded} uploaded, ${result.skipped} skipped\n${result.packageUrl}\n${describeRelease(result.release, result.dryRun)}`);
  return 0;
}

async function downloadCommand(args: string[], shell: Shell): Promise<number> {
  const { values, positionals } = parse(args, 'download');
  if (values.help) return printed(shell, COMMANDS.download.help);
  const name = required(values.name, '--name', 'download');
  const dotenv = await openDotenv(values.dotenv, shell.io.cwd);
  const result = await download(shell.context(values), {
    connection: connectionInput(values),
    name,
    version: required(values.version, '--version', 'download'),
    files: positionals,
    out: required(values.out, '--out', 'download'),
    concurrency: concurrency(values.concurrency),
    verify: !values['no-verify'],
    maxFileSize: values['max-size'],
    extract: values.extract,
    cache: values.cache,
    cacheMax: values['cache-max'],
    checksums: checksumsOption(values.checksums),
  });
  await dotenv(summarizeDownload(result));
  if (values.json) json(shell.out, 'download', result);
  else shell.out(`downloaded ${name} ${result.ref.version} to ${result.outDir}: ${result.downloaded} downloaded, ${result.skipped} already present${values['no-verify'] ? ' (not verified)' : ', all verified'}\n`);
  return 0;
}

async function listCommand(args: string[], shell: Shell): Promise<number> {
  const { values } = parse(args, 'list');
  if (values.help) return printed(shell, COMMANDS.list.help);
  const name = required(values.name, '--name', 'list');
  const result = await list(shell.context(values), { connection: connectionInput(values), name, version: values.version });
  if (values.json) json(shell.out, 'list', result);
  else if (result.versions) shell.out(result.versions.length ? result.versions.map((v) => `${v.version}\t${v.createdAt ?? ''}`).join('\n') + '\n' : `no versions of ${name}\n`);
  else shell.out(result.files!.map((f) => `${f.sha256 ?? '-'}\t${f.size ?? '-'}\t${f.fileName}`).join('\n') + '\n');
  return 0;
}

async function deleteCommand(args: string[], shell: Shell): Promise<number> {
  const { values, positionals } = parse(args, 'delete');
  if (values.help) return printed(shell, COMMANDS.delete.help);
  const ref = { name: required(values.name, '--name', 'delete'), version: required(values.version, '--version', 'delete') };
  const result = await remove(shell.context(values), { connection: connectionInput(values), ...ref, files: positionals, yes: values.yes as boolean });
  if (values.json) json(shell.out, 'delete', result);
  else if (result.dryRun) shell.out(`would delete ${result.wholeVersion ? `${ref.name} ${ref.version} and its` : ''} ${result.files.length} file(s); nothing was deleted: pass --yes to delete\n`);
  else shell.out(`deleted ${result.wholeVersion ? `${ref.name} ${ref.version} (${result.files.length} files)` : `${result.files.length} file(s) from ${ref.name} ${ref.version}`}\n`);
  return 0;
}

async function pruneCommand(args: string[], shell: Shell): Promise<number> {
  const { values } = parse(args, 'prune');
  if (values.help) return printed(shell, COMMANDS.prune.help);
  const name = required(values.name, '--name', 'prune');
  const dotenv = await openDotenv(values.dotenv, shell.io.cwd);
  const result = await prune(shell.context(values), {
    connection: connectionInput(values),
    name,
    keep: required(values.keep, '--keep', 'prune'),
    olderThan: values['older-than'],
    match: values.match,
    store: { variable: values['version-variable'], store: values['version-store'] },
    yes: values.yes ?? false,
  });
  await dotenv(summarizePrune(result));
  if (values.json) json(shell.out, 'prune', result);
  else shell.out(`${result.dryRun ? `would prune ${result.pruned}` : `pruned ${result.pruned}`} of ${result.pruned + result.kept} version(s) of ${name}, kept ${result.kept}${result.dryRun && result.pruned ? ': pass --yes to delete' : ''}\n`);
  return 0;
}

async function releaseCommand(args: string[], shell: Shell): Promise<number> {
  const { values } = parse(args, 'release');
  if (values.help) return printed(shell, COMMANDS.release.help);
  const result = await release(shell.context(values), {
    connection: connectionInput(values),
    name: required(values.name, '--name', 'release'),
    version: values.version,
    tag: values['release-tag'],
    notesFile: values['release-notes'],
    concurrency: concurrency(values.concurrency),
  });
  if (values.json) json(shell.out, 'release', result);
  else shell.out(`${result.ref.name} ${result.ref.version}: ${describeRelease(result.release)}`);
  return 0;
}

// --- versions: `publish --bump …` and `relpack version show|next|commit` -------------------------

interface VersionValues {
  name?: string;
  bump?: string;
  preid?: string;
  'version-variable'?: string;
  'version-store'?: string;
  'version-from'?: string;
  'initial-version'?: string;
  url?: string;
  project?: string;
  owner?: string;
  registry?: string;
  quiet?: boolean;
}

function versionRequest(values: VersionValues, command: string): VersionRequest {
  return {
    connection: connectionInput(values),
    name: required(values.name, '--name', command),
    from: values['version-from'] !== undefined ? parseVersionSource(values['version-from']) : undefined,
    store: { variable: values['version-variable'], store: values['version-store'] },
    initialVersion: values['initial-version'],
  };
}

async function bumpCommand(values: Flags<'publish'>, positionals: string[], shell: Shell): Promise<number> {
  if (values.version !== undefined) {
    throw usageError('--version cannot be combined with --bump, --version-variable or --version-from', 'the version is computed: drop --version, or drop the versioning flags to publish a fixed version');
  }
  if (values['if-exists'] !== undefined && values['if-exists'] !== 'skip' && values['if-exists'] !== 'fail') {
    throw usageError(`--if-exists ${values['if-exists']} does not apply to a bumped version`, 'a bumped version is always new: its files are published with --if-exists fail');
  }
  if (positionals.length === 0) throw usageError('publish needs at least one file, directory or glob');
  const request = versionRequest(values, 'publish');
  const releaseRequest = releaseSettings(values.release ?? false, values['release-tag'], values['release-notes']);
  const dotenv = await openDotenv(values.dotenv, shell.io.cwd);
  const result = await bump(shell.context(values), {
    ...request,
    bump: values.bump !== undefined ? parseBumpLevel(values.bump) : undefined,
    preid: values.preid,
    release: releaseRequest,
    ...filesRequest(values, positionals),
  });
  await dotenv(summarizeBump(result));
  if (values.json) json(shell.out, 'publish', result);
  else {
    const variable = result.variable
      ? result.variable.outcome === 'planned'
        ? `\n${result.variable.name} would be set to ${result.version}`
        : `\n${result.variable.name} ${result.variable.outcome}: ${result.variable.expected ?? '(new)'} -> ${result.version}`
      : '';
    shell.out(`${result.dryRun ? 'dry run: ' : ''}published ${result.ref.name} ${result.version} (previous ${result.previousVersion}): ${result.uploaded} uploaded, ${result.skipped} skipped${variable}\n${result.packageUrl}\n${describeRelease(result.release, result.dryRun)}`);
  }
  return 0;
}

async function versionCommand(args: string[], shell: Shell): Promise<number> {
  const [step, ...rest] = args;
  switch (step) {
    case 'show':
      return versionShow(rest, shell);
    case 'next':
      return versionNext(rest, shell);
    case 'commit':
      return versionCommit(rest, shell);
    case '--help':
    case '-h':
      return printed(shell, [COMMANDS['version-show'].help, COMMANDS['version-next'].help, COMMANDS['version-commit'].help].join('\n'));
    default:
      throw usageError(`relpack version needs show, next or commit, not ${JSON.stringify(step ?? '')}`, 'run relpack version --help');
  }
}

async function versionShow(args: string[], shell: Shell): Promise<number> {
  const { values } = parse(args, 'version-show');
  if (values.help) return printed(shell, COMMANDS['version-show'].help);
  const request = versionRequest(values, 'version show');
  const current = await showCurrentVersion(shell.context(values), request);
  if (values.json) json(shell.out, 'version show', { name: request.name, ...current });
  else shell.out(`${current.version}\n`);
  return 0;
}

async function versionNext(args: string[], shell: Shell): Promise<number> {
  const { values } = parse(args, 'version-next');
  if (values.help) return printed(shell, COMMANDS['version-next'].help);
  const request = versionRequest(values, 'version next');
  const bumpLevel = values.bump !== undefined ? parseBumpLevel(values.bump) : undefined;
  const next = await showNextVersion(shell.context(values), { ...request, bump: bumpLevel, preid: values.preid });
  if (values.json) {
    json(shell.out, 'version next', { name: request.name, version: next.version, previousVersion: next.previousVersion, level: next.level, reasons: next.reasons, from: next.current.from, variable: next.current.variable });
  } else shell.out(`${next.version}\n`);
  return 0;
}

async function versionCommit(args: string[], shell: Shell): Promise<number> {
  const command = 'version commit';
  const { values } = parse(args, 'version-commit');
  if (values.help) return printed(shell, COMMANDS['version-commit'].help);
  const request = versionRequest(values, command);
  if (!values['version-variable']) throw usageError('version commit needs --version-variable NAME');
  const version = required(values.version, '--version', command);
  const previous = values['previous-version'];
  if (previous === undefined) {
    throw usageError('version commit needs --previous-version (what `relpack version show` printed, or none)', 'it is what makes the write safe: the variable is only written if it still holds that value');
  }
  const result = await commitPublishedVersion(shell.context(values), {
    ...request,
    version,
    previousVersion: previous === 'none' || previous === '' ? undefined : previous,
    dryRun: values['dry-run'] as boolean,
  });
  if (values.json) json(shell.out, command, result);
  else shell.out(`${result.variable.outcome === 'planned' ? 'dry run: would set' : `${result.variable.outcome}:`} ${result.variable.name} ${result.previousVersion ?? '(new)'} -> ${result.version}\n`);
  return 0;
}

/**
 * `--dotenv FILE`: the run's outputs as the component's dotenv report (component.yml's `dotenv:`
 * names). The file is created before the work starts, so a path that cannot be written fails the
 * command before anything is sent, never after a publish or a bump has happened.
 */
async function openDotenv(file: string | undefined, cwd: string): Promise<(summary: RunSummary) => Promise<void>> {
  if (!file) return async () => {};
  const path = resolve(cwd, file);
  await writeFile(path, '');
  return (summary) => writeFile(path, formatDotenv(summary, DOTENV[summary.command as keyof typeof DOTENV]));
}
