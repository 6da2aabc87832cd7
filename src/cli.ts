/**
 * The genpack command line: argv + environment -> typed options -> core -> printed result and exit
 * status (0 success, 1 the operation failed, 2 bad usage or invalid input).
 *
 * Progress goes to stderr, the result to stdout (a summary, or JSON with --json). Everything
 * printed passes through the secret mask first.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { downloadPackage } from './core/download.js';
import { GenpackError, usageError } from './core/errors.js';
import { formatBytes } from './core/format.js';
import { listPackage } from './core/list.js';
import { DEFAULT_MANIFEST } from './core/manifest.js';
import type { Reporter, TransferResult } from './core/progress.js';
import { publishFiles, type IfExists } from './core/publish.js';
import { deletePackage } from './core/remove.js';
import { maskSecrets, redactUrl } from './http/redact.js';
import { connect, type ConnectionInput } from './options/connection.js';

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

const USAGE = `genpack ${pkg.version}: publish, verify and fetch release binaries in GitLab and Gitea/Forgejo generic package registries

Usage:
  genpack publish <file|dir|glob>... --name NAME --version VERSION
          [--if-exists skip|fail|replace] [--concurrency N] [--checksums SHA256SUMS|none]
          [--hidden] [--dry-run] [--json]
  genpack download [FILE...] --name NAME --version VERSION --out DIR
          [--concurrency N] [--no-verify] [--json]
  genpack list --name NAME [--version VERSION] [--json]
  genpack delete --name NAME --version VERSION [FILE...] [--yes] [--json]
  genpack serve [--config FILE] [--host 127.0.0.1] [--port N] [--data-dir DIR]

Connection (flag, else environment, else CI default):
  --url URL          GENPACK_URL, else CI_SERVER_URL (GitLab) / GITHUB_SERVER_URL (Gitea)
  --project ID|PATH  GENPACK_PROJECT, else CI_PROJECT_ID                      (GitLab)
  --owner OWNER      GENPACK_OWNER, else GITHUB_REPOSITORY_OWNER             (Gitea)
  --registry gitlab|gitea   GENPACK_REGISTRY, else detected
  token              GENPACK_TOKEN (GENPACK_TOKEN_TYPE=private|deploy|basic), else CI_JOB_TOKEN

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
  for (const name of ['GENPACK_TOKEN', 'CI_JOB_TOKEN', 'GITEA_TOKEN', 'FORGEJO_TOKEN', 'GITHUB_TOKEN']) {
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
      case 'serve': {
        const { runServe } = await import('./server/index.js');
        return await runServe(rest);
      }
      default:
        throw usageError(`unknown command ${JSON.stringify(command)}`, 'run genpack --help for the commands');
    }
  } catch (error) {
    if (error instanceof GenpackError) {
      err(`genpack: error: ${error.describe()}\n`);
      return error.exitCode;
    }
    const pool = error as { errors?: unknown[] };
    if (Array.isArray(pool.errors)) {
      for (const e of pool.errors) err(`genpack: error: ${e instanceof GenpackError ? e.describe() : (e as Error).message}\n`);
      return Math.max(...pool.errors.map((e) => (e instanceof GenpackError ? e.exitCode : 1)));
    }
    err(`genpack: error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

type Out = (text: string) => void;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, command: string) {
  try {
    return parseArgs({ args, options: { ...CONNECTION_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${command}: ${(error as Error).message}`, `run genpack --help for the options of ${command}`);
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
  const { registry, connection } = await connect(connectionInput(values), io.env, { log, userAgent: `genpack/${pkg.version}` });
  secrets.push(...connection.secrets, ...registry.http.secrets());
  log(`${connection.flavour} registry at ${redactUrl(connection.url)} (${connection.detectedBy}), ${connection.flavour === 'gitlab' ? `project ${connection.project}` : `owner ${connection.owner}`}, using ${connection.credentialLabel}`);
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
      'dry-run': { type: 'boolean', default: false },
    },
    'publish',
  );
  if (values.help) return out(USAGE), 0;
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
      { ref, inputs: positionals, cwd: io.cwd, ifExists: ifExists as IfExists, concurrency: parallel, checksums, hidden: values.hidden as boolean, dryRun: values['dry-run'] as boolean },
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
