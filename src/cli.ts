/**
 * The relpack command line: argv + environment -> typed options -> core -> printed result and exit
 * status (0 success, 1 the operation failed, 2 bad usage or invalid input).
 *
 * Progress goes to stderr, the result to stdout (a summary, or JSON with --json). Everything
 * printed passes through the secret mask first.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { downloadPackage } from './core/download.js';
import { RelpackError, usageError } from './base/errors.js';
import { formatBytes } from './base/format.js';
import { listPackage } from './core/list.js';
import { DEFAULT_MANIFEST } from './base/manifest.js';
import type { Reporter, TransferResult } from './core/progress.js';
import { publishFiles, type IfExists } from './core/publish.js';
import { deletePackage } from './core/remove.js';
import { maskSecrets, redactUrl } from './http/redact.js';
import { connect, type ConnectionInput } from './options/connection.js';
import { commitVersion, nextVersion, publishNextVersion, resolveVersion, showVersion, type VersionOptions } from './core/release.js';
import { DEFAULT_INITIAL_VERSION, parseBumpLevel, parseVersionSource, type VersionSource } from './core/versioning.js';
import { pipelineTag, resolveVersionStore, type ResolvedVersionStore } from './options/version-store.js';

export const DEFAULT_CONCURRENCY = 8;

const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  project: { type: 'string' },
  owner: { type: 'string' },
  registry: { type: 'string' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `relpack ${pkg.version}: publish, verify and fetch release binaries in GitLab and Gitea/Forgejo generic package registries

Usage:
  relpack publish <file|dir|glob>... --name NAME --version VERSION
          [--if-exists skip|fail|replace] [--concurrency N] [--checksums SHA256SUMS|none]
          [--include-hidden] [--hidden] [--dry-run] [--json]
  relpack download [FILE...] --name NAME --version VERSION --out DIR
          [--concurrency N] [--no-verify] [--json]
  relpack list --name NAME [--version VERSION] [--json]
  relpack delete --name NAME --version VERSION [FILE...] [--yes] [--json]
  relpack publish <file|dir|glob>... --name NAME --bump LEVEL [--preid ID]
          [--version-variable VAR] [--version-from variable|tag|registry]
          [--version-store gitlab|gitea|github] [--initial-version 0.0.0]
          [--include-hidden] [--dry-run] [--json]
  relpack version show|next|commit --name NAME [--version-variable VAR] [--version-from …]
          [--bump LEVEL] [--preid ID] [--version VERSION --previous-version VERSION|none]
  (LEVEL: major, minor, patch, premajor, preminor, prepatch, prerelease, auto;
   download --version also takes ^1.4, ~1.4.2, latest, latest-prerelease;
   variables token: RELPACK_VARIABLES_TOKEN, else RELPACK_TOKEN)
  relpack serve [--config FILE] [--host 127.0.0.1] [--port N] [--data-dir DIR]

Connection (flag, else environment, else CI default):
  --url URL          RELPACK_URL, else CI_SERVER_URL (GitLab) / GITHUB_SERVER_URL (Gitea)
  --project ID|PATH  RELPACK_PROJECT, else CI_PROJECT_ID                      (GitLab)
  --owner OWNER      RELPACK_OWNER, else GITHUB_REPOSITORY_OWNER             (Gitea)
  --registry gitlab|gitea   RELPACK_REGISTRY, else detected
  token              RELPACK_TOKEN (RELPACK_TOKEN_TYPE=private|deploy|basic), else CI_JOB_TOKEN

Exit status: 0 success, 1 the operation failed, 2 bad usage or invalid input.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const secrets: string[] = [];
  const mask = (text: string) => maskSecrets(text, secrets);
  const out = (text: string) => io.stdout(mask(text));
  const err = (text: string) => io.stderr(mask(text));
  for (const name of ['RELPACK_TOKEN', 'RELPACK_VARIABLES_TOKEN', 'CI_JOB_TOKEN', 'GITEA_TOKEN', 'FORGEJO_TOKEN', 'GITHUB_TOKEN']) {
    const value = io.env[name];
    if (value) secrets.push(value);
  }

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
        return await publishCommand(rest, io, out, err, secrets);
      case 'download':
        return await downloadCommand(rest, io, out, err, secrets);
      case 'list':
        return await listCommand(rest, io, out, err, secrets);
      case 'delete':
        return await deleteCommand(rest, io, out, err, secrets);
      case 'version':
        return await versionCommand(rest, io, out, err, secrets);
      case 'serve': {
        const { runServe } = await import('./server/index.js');
        return await runServe(rest);
      }
      default:
        throw usageError(`unknown command ${JSON.stringify(command)}`, 'run relpack --help for the commands');
    }
  } catch (error) {
    const errors = Array.isArray((error as { errors?: unknown[] }).errors) ? (error as { errors: unknown[] }).errors : [error];
    for (const e of errors) err(`relpack: error: ${e instanceof RelpackError ? e.describe() : ((e as Error).stack ?? String(e))}\n`);
    // With --json, a failure is machine-readable too: scripts read stdout, people read stderr.
    if (rest.includes('--json')) {
      const described = errors.map((e) =>
        e instanceof RelpackError ? { code: e.code, message: e.message, hint: e.hint, request: e.request } : { code: 'INTERNAL', message: (e as Error).message ?? String(e) },
      );
      out(JSON.stringify({ command, ok: false, errors: described }, null, 2) + '\n');
    }
    return Math.max(...errors.map((e) => (e instanceof RelpackError ? e.exitCode : 1)));
  }
}

type Out = (text: string) => void;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, command: string) {
  try {
    return parseArgs({ args, options: { ...CONNECTION_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${command}: ${(error as Error).message}`, `run relpack --help for the options of ${command}`);
  }
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') throw usageError(`${command} needs ${flag}`);
  return value;
}

function concurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw usageError(`--concurrency must be a whole number from 1 to 64, not ${JSON.stringify(value)}`);
  return n;
}

function connectionInput(values: { url?: string; project?: string; owner?: string; registry?: string }): ConnectionInput {
  return { url: values.url, project: values.project, owner: values.owner, registry: values.registry };
}

async function open(values: { url?: string; project?: string; owner?: string; registry?: string; quiet?: boolean }, io: CliIo, err: Out, secrets: string[]) {
  const log = (line: string) => {
    if (!values.quiet) err(`${line}\n`);
  };
  const { registry, connection } = await connect(connectionInput(values), io.env, { log, userAgent: `relpack/${pkg.version}` });
  secrets.push(...connection.secrets, ...registry.http.secrets());
  log(`${connection.flavour} registry at ${redactUrl(connection.url).replace(/\/$/, '')} (${connection.detectedBy}), ${connection.flavour === 'gitlab' ? `project ${connection.project}` : `owner ${connection.owner}`}, using ${connection.credentialLabel}`);
  return { registry, connection };
}

function cliReporter(err: Out, quiet: boolean): Reporter {
  const line = (text: string) => {
    if (!quiet) err(`${text}\n`);
  };
  return {
    info: line,
    warn: (message) => err(`warning: ${message}\n`),
    start: (verb, name, size) => line(`${verb} ${name} (${formatBytes(size)})`),
    progress: (_name, text) => line(`  ${text}`),
    done: (result) => line(describeResult(result)),
  };
}

function describeResult(result: TransferResult): string {
  const sha = result.sha256 ? ` sha256:${result.sha256.slice(0, 12)}` : '';
  const note = result.note ? ` (${result.note})` : '';
  return `${result.status.padEnd(10)} ${result.name} ${formatBytes(result.size)}${sha}${note}`;
}

async function publishCommand(args: string[], io: CliIo, out: Out, err: Out, secrets: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      name: { type: 'string' },
      version: { type: 'string' },
      'if-exists': { type: 'string', default: 'skip' },
      concurrency: { type: 'string' },
      checksums: { type: 'string', default: DEFAULT_MANIFEST },
      hidden: { type: 'boolean', default: false },
      'include-hidden': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      ...VERSION_OPTIONS,
    },
    'publish',
  );
  if (values.help) return out(USAGE), 0;
  if (values.bump !== undefined || values['version-variable'] !== undefined || values['version-from'] !== undefined) {
    return await releaseCommand(values, positionals, io, out, err, secrets);
  }
  const ifExists = values['if-exists'] as string;
  if (!['skip', 'fail', 'replace'].includes(ifExists)) throw usageError(`--if-exists must be skip, fail or replace, not ${JSON.stringify(ifExists)}`);
  if (positionals.length === 0) throw usageError('publish needs at least one file, directory or glob');
  const checksums = values.checksums === 'none' ? null : (values.checksums as string);
  const ref = { name: required(values.name, '--name', 'publish'), version: required(values.version, '--version', 'publish') };
  const parallel = concurrency(values.concurrency);
  const { registry } = await open(values, io, err, secrets);
  try {
    const result = await publishFiles(
      registry,
      { ref, inputs: positionals, cwd: io.cwd, ifExists: ifExists as IfExists, concurrency: parallel, checksums, hidden: values.hidden as boolean, includeHidden: values['include-hidden'] as boolean, dryRun: values['dry-run'] as boolean },
      cliReporter(err, values.quiet as boolean),
    );
    if (values.json) out(JSON.stringify({ command: 'publish', ...result }, null, 2) + '\n');
    else out(`${result.dryRun ? 'dry run: ' : ''}published ${ref.name} ${ref.version}: ${result.uploaded} uploaded, ${result.skipped} skipped\n${result.packageUrl}\n`);
    return 0;
  } finally {
    await registry.http.close();
  }
}

async function downloadCommand(args: string[], io: CliIo, out: Out, err: Out, secrets: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      name: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      'no-verify': { type: 'boolean', default: false },
      checksums: { type: 'string', default: DEFAULT_MANIFEST },
    },
    'download',
  );
  if (values.help) return out(USAGE), 0;
  const ref = { name: required(values.name, '--name', 'download'), version: required(values.version, '--version', 'download') };
  const outDir = required(values.out, '--out', 'download');
  const parallel = concurrency(values.concurrency);
  const { registry } = await open(values, io, err, secrets);
  try {
    const resolved = await resolveVersion(registry, ref.name, ref.version);
    if (resolved.resolved && !values.quiet) err(`--version ${resolved.spec} resolved to ${resolved.version}\n`);
    ref.version = resolved.version;
    const result = await downloadPackage(
      registry,
      { ref, files: positionals, outDir: resolvePath(io.cwd, outDir), concurrency: parallel, verify: !values['no-verify'], checksums: values.checksums as string },
      cliReporter(err, values.quiet as boolean),
    );
    if (values.json) out(JSON.stringify({ command: 'download', ...result }, null, 2) + '\n');
    else out(`downloaded ${ref.name} ${ref.version} to ${result.outDir}: ${result.downloaded} downloaded, ${result.skipped} already present${values['no-verify'] ? ' (not verified)' : ', all verified'}\n`);
    return 0;
  } finally {
    await registry.http.close();
  }
}

async function listCommand(args: string[], io: CliIo, out: Out, err: Out, secrets: string[]): Promise<number> {
  const { values } = parse(args, { name: { type: 'string' }, version: { type: 'string' } }, 'list');
  if (values.help) return out(USAGE), 0;
  const name = required(values.name, '--name', 'list');
  const { registry } = await open(values, io, err, secrets);
  try {
    const result = await listPackage(registry, { name, version: values.version });
    if (values.json) out(JSON.stringify({ command: 'list', ...result }, null, 2) + '\n');
    else if (result.versions) out(result.versions.length ? result.versions.map((v) => `${v.version}\t${v.createdAt ?? ''}`).join('\n') + '\n' : `no versions of ${name}\n`);
    else out(result.files!.map((f) => `${f.sha256 ?? '-'}\t${f.size ?? '-'}\t${f.fileName}`).join('\n') + '\n');
    return 0;
  } finally {
    await registry.http.close();
  }
}

async function deleteCommand(args: string[], io: CliIo, out: Out, err: Out, secrets: string[]): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, version: { type: 'string' }, yes: { type: 'boolean', default: false } }, 'delete');
  if (values.help) return out(USAGE), 0;
  const ref = { name: required(values.name, '--name', 'delete'), version: required(values.version, '--version', 'delete') };
  const { registry } = await open(values, io, err, secrets);
  try {
    const result = await deletePackage(registry, { ref, files: positionals, yes: values.yes as boolean }, cliReporter(err, values.quiet as boolean));
    if (values.json) out(JSON.stringify({ command: 'delete', ...result }, null, 2) + '\n');
    else if (result.dryRun) out(`would delete ${result.wholeVersion ? `${ref.name} ${ref.version} and its` : ''} ${result.files.length} file(s); nothing was deleted: pass --yes to delete\n`);
    else out(`deleted ${result.wholeVersion ? `${ref.name} ${ref.version} (${result.files.length} files)` : `${result.files.length} file(s) from ${ref.name} ${ref.version}`}\n`);
    return 0;
  } finally {
    await registry.http.close();
  }
}

function resolvePath(cwd: string, path: string): string {
  return path.startsWith('/') ? path : `${cwd}/${path}`;
}

// --- versions: `publish --bump …` and `relpack version show|next|commit` -------------------------

const VERSION_OPTIONS = {
  bump: { type: 'string' },
  preid: { type: 'string' },
  'version-variable': { type: 'string' },
  'version-store': { type: 'string' },
  'version-from': { type: 'string' },
  'initial-version': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

interface VersionValues {
  name?: string;
  bump?: string;
  preid?: string;
  'version-variable'?: string;
  'version-store'?: string;
  'version-from'?: string;
  'initial-version'?: string;
  quiet?: boolean;
}

function versionOptions(values: VersionValues, io: CliIo, command: string): VersionOptions {
  const variable = values['version-variable'];
  const from: VersionSource = values['version-from'] !== undefined ? parseVersionSource(values['version-from']) : variable ? 'variable' : 'registry';
  return {
    name: required(values.name, '--name', command),
    from,
    variable,
    tag: pipelineTag(io.env),
    initialVersion: values['initial-version'] ?? DEFAULT_INITIAL_VERSION,
    cwd: io.cwd,
  };
}

/** The variable store, when a variable is named; fails (exit 2) before any write when only a job token is there. */
function openStore(values: VersionValues, connection: Parameters<typeof resolveVersionStore>[0]['connection'], io: CliIo, err: Out, secrets: string[]): ResolvedVersionStore | undefined {
  if (!values['version-variable']) return undefined;
  const log = (line: string) => {
    if (!values.quiet) err(`${line}\n`);
  };
  const resolved = resolveVersionStore({ store: values['version-store'], connection }, io.env, { log, userAgent: `relpack/${pkg.version}` });
  secrets.push(...resolved.secrets);
  log(`version variable ${values['version-variable']}: ${resolved.kind} ${resolved.location} (${resolved.detectedBy}), using ${resolved.credentialLabel}`);
  return resolved;
}

async function releaseCommand(
  values: VersionValues & { version?: string; 'if-exists'?: string; concurrency?: string; checksums?: string; hidden?: boolean; 'include-hidden'?: boolean; 'dry-run'?: boolean; json?: boolean } & Parameters<typeof open>[0],
  positionals: string[],
  io: CliIo,
  out: Out,
  err: Out,
  secrets: string[],
): Promise<number> {
  if (values.version !== undefined) {
    throw usageError('--version cannot be combined with --bump, --version-variable or --version-from', 'the version is computed: drop --version, or drop the versioning flags to publish a fixed version');
  }
  if (values['if-exists'] !== undefined && values['if-exists'] !== 'skip' && values['if-exists'] !== 'fail') {
    throw usageError(`--if-exists ${values['if-exists']} does not apply to a bumped version`, 'a bumped version is always new: its files are published with --if-exists fail');
  }
  if (positionals.length === 0) throw usageError('publish needs at least one file, directory or glob');
  const options = versionOptions(values, io, 'publish');
  const bump = values.bump !== undefined ? parseBumpLevel(values.bump) : undefined;
  const checksums = values.checksums === 'none' ? null : (values.checksums as string);
  const parallel = concurrency(values.concurrency);
  const { registry, connection } = await open(values, io, err, secrets);
  let store: ResolvedVersionStore | undefined;
  try {
    store = openStore(values, connection, io, err, secrets);
    const result = await publishNextVersion(
      registry,
      store?.store,
      { ...options, bump, preid: values.preid, inputs: positionals, concurrency: parallel, checksums, hidden: values.hidden as boolean, includeHidden: values['include-hidden'] as boolean, dryRun: values['dry-run'] as boolean },
      cliReporter(err, values.quiet as boolean),
    );
    if (values.json) out(JSON.stringify({ command: 'publish', ...result }, null, 2) + '\n');
    else {
      const variable = result.variable
        ? result.variable.outcome === 'planned'
          ? `\n${result.variable.name} would be set to ${result.version}`
          : `\n${result.variable.name} ${result.variable.outcome}: ${result.variable.expected ?? '(new)'} -> ${result.version}`
        : '';
      out(`${result.dryRun ? 'dry run: ' : ''}published ${result.ref.name} ${result.version} (previous ${result.previousVersion}): ${result.uploaded} uploaded, ${result.skipped} skipped${variable}\n${result.packageUrl}\n`);
    }
    return 0;
  } finally {
    await registry.http.close();
    await store?.store.http.close();
  }
}

async function versionCommand(args: string[], io: CliIo, out: Out, err: Out, secrets: string[]): Promise<number> {
  const [step, ...rest] = args;
  if (step !== 'show' && step !== 'next' && step !== 'commit') {
    if (step === '--help' || step === '-h') return out(USAGE), 0;
    throw usageError(`relpack version needs show, next or commit, not ${JSON.stringify(step ?? '')}`, 'run relpack --help');
  }
  const command = `version ${step}`;
  const { values } = parse(
    rest,
    { name: { type: 'string' }, version: { type: 'string' }, 'previous-version': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, ...VERSION_OPTIONS },
    command,
  );
  if (values.help) return out(USAGE), 0;
  const options = versionOptions(values, io, command);
  if (step === 'commit') {
    if (!values['version-variable']) throw usageError('version commit needs --version-variable NAME');
    required(values.version, '--version', command);
    if (values['previous-version'] === undefined) {
      throw usageError('version commit needs --previous-version (what `relpack version show` printed, or none)', 'it is what makes the write safe: the variable is only written if it still holds that value');
    }
  } else if (values.version !== undefined || values['previous-version'] !== undefined) {
    throw usageError(`--version and --previous-version are for version commit, not ${command}`);
  }
  const bump = values.bump !== undefined ? parseBumpLevel(values.bump) : undefined;
  if (step === 'next' && !bump && options.from !== 'tag') throw usageError('version next needs --bump LEVEL');
  const { registry, connection } = await open(values, io, err, secrets);
  let store: ResolvedVersionStore | undefined;
  const reporter = cliReporter(err, values.quiet as boolean);
  try {
    store = openStore(values, connection, io, err, secrets);
    if (step === 'show') {
      const current = await showVersion(registry, store?.store, options);
      if (values.json) out(JSON.stringify({ command, name: options.name, ...current }, null, 2) + '\n');
      else out(`${current.version}\n`);
      return 0;
    }
    if (step === 'next') {
      const next = await nextVersion(registry, store?.store, { ...options, bump, preid: values.preid }, reporter);
      if (values.json) out(JSON.stringify({ command, name: options.name, version: next.version, previousVersion: next.previousVersion, level: next.level, reasons: next.reasons, from: next.current.from, variable: next.current.variable }, null, 2) + '\n');
      else out(`${next.version}\n`);
      return 0;
    }
    const previous = values['previous-version'] as string;
    const result = await commitVersion(
      registry,
      store!.store,
      {
        name: options.name,
        variable: values['version-variable'] as string,
        version: values.version as string,
        expected: previous === 'none' || previous === '' ? undefined : previous,
        initialVersion: options.initialVersion,
        dryRun: values['dry-run'] as boolean,
      },
      reporter,
    );
    if (values.json) out(JSON.stringify({ command, ...result }, null, 2) + '\n');
    else out(`${result.variable.outcome === 'planned' ? 'dry run: would set' : `${result.variable.outcome}:`} ${result.variable.name} ${result.previousVersion ?? '(new)'} -> ${result.version}\n`);
    return 0;
  } finally {
    await registry.http.close();
    await store?.store.http.close();
  }
}
