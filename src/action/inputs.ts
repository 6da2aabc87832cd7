/**
 * The action's inputs -> one typed options object. The operations never read an input: they get
 * this object. Types, options and patterns come from component.yml (through the generated
 * table), so the action checks exactly what action.yml and the GitLab templates declare; every
 * error names the input.
 */
import { inputError } from '../base/errors.js';
import { DEFAULT_MANIFEST } from '../base/manifest.js';
import type { IfExists } from '../core/publish.js';
import type { ConnectionInput } from '../options/connection.js';
import { parseChecksums, parseConcurrency } from '../operations/values.js';
import { ACTION_INPUTS, type InputName, type InputSpec, type Operation } from './interface.generated.js';

export interface ActionOptions {
  command: Operation;
  connection: ConnectionInput;
  name: string;
  /** Empty for `list` without a version and for `bump`. */
  version: string;
  files: string[];
  bump: string;
  /** Prerelease identifier for the pre* levels; empty for none. */
  preid: string;
  versionVariable: string;
  /** The token for the version variable (bump), when given. */
  variablesToken?: string;
  ifExists: IfExists;
  concurrency: number;
  /** Manifest name, or null for none. */
  checksums: string | null;
  hidden: boolean;
  includeHidden: boolean;
  followSymlinks: boolean;
  /** `50GiB`, `512MiB` or bytes; empty for the default. */
  maxSize: string;
  /** Seconds the run may take; empty for RELPACK_TIMEOUT, else no limit. */
  timeout: string;
  archive: string;
  archiveName: string;
  extract: boolean;
  cache: string;
  cacheMax: string;
  /** prune: versions to keep (text; the operation checks it). */
  keep: string;
  olderThan: string;
  match: string;
  out: string;
  verify: boolean;
  dryRun: boolean;
  /** Link the published files to the release of a tag (publish, bump). */
  release: boolean;
  releaseTag: string;
  releaseNotes: string;
}

/** Reads one raw input as the runner passes it (`INPUT_<NAME>`), '' when unset. */
export type InputReader = (name: InputName) => string;

/** The runner's convention: INPUT_ + the name upper-cased, spaces as `_`, hyphens kept. */
export function envInputReader(env: NodeJS.ProcessEnv): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function readActionInputs(read: InputReader, env: NodeJS.ProcessEnv): ActionOptions {
  const raw = (name: InputName): string => read(name) || (ACTION_INPUTS[name].default ?? '');
  const command = checked('command', raw('command')) as Operation;

  const string = (name: InputName): string => {
    const value = raw(name);
    if (value !== '') checked(name, value);
    return value;
  };
  const boolean = (name: InputName): boolean => {
    const value = raw(name);
    // The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them.
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    throw inputError(`input "${name}" must be true or false, not ${JSON.stringify(value)}`);
  };
  const lines = (name: InputName): string[] =>
    raw(name)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  const need = (name: InputName, value: string | string[], hint?: string): void => {
    const spec = ACTION_INPUTS[name];
    const empty = Array.isArray(value) ? value.length === 0 : value === '';
    if (empty && (spec.required as readonly string[]).includes(command)) {
      throw inputError(`input "${name}" is required for command ${command}`, hint);
    }
  };

  // The repository's name by default. The version of a publish defaults to the tag that triggered
  // the workflow, by the operation's tag rule (src/operations/publish.ts), as in every shell.
  const name = string('name') || (env.GITHUB_REPOSITORY?.split('/')[1] ?? '');
  need('name', name, 'set name: to the package name');
  const version = command === 'bump' ? '' : string('version');
  need('version', version, 'set version:, e.g. from an earlier job\'s version output, or a range such as ^1.4');
  const files = lines('files');
  need('files', files, 'list the files, directories or globs to publish, one per line');

  const concurrency = parseConcurrency(raw('concurrency'), 'input "concurrency"');
  const checksums = string('checksums');
  const out = string('out');
  if (command === 'download' && out === '') throw inputError('input "out" must name a folder');

  const optional = (value: string) => (value === '' ? undefined : value);
  const token = read('token');
  return {
    command,
    connection: {
      registry: optional(string('registry')),
      url: optional(string('url')),
      project: optional(string('project')),
      owner: optional(string('owner')),
      token: optional(token),
    },
    name,
    version,
    files,
    bump: string('bump'),
    preid: string('preid'),
    // prune protects the variable's version only when one is named: reading a variable needs a
    // token a job rarely has, so the bump's default name is not assumed there.
    versionVariable: command === 'prune' ? (read('version-variable') === '' ? '' : string('version-variable')) : string('version-variable'),
    variablesToken: optional(read('variables-token')),
    ifExists: string('if-exists') as IfExists,
    concurrency,
    checksums: parseChecksums(checksums || DEFAULT_MANIFEST),
    hidden: boolean('hidden'),
    includeHidden: boolean('include-hidden'),
    followSymlinks: boolean('follow-symlinks'),
    maxSize: string('max-size'),
    timeout: string('timeout'),
    archive: string('archive'),
    archiveName: string('archive-name'),
    extract: boolean('extract'),
    cache: string('cache'),
    cacheMax: string('cache-max'),
    keep: raw('keep'),
    olderThan: string('older-than'),
    match: string('match'),
    out,
    verify: boolean('verify'),
    dryRun: boolean('dry-run'),
    release: boolean('release'),
    releaseTag: string('release-tag'),
    releaseNotes: string('release-notes'),
  };
}

/** Checks a value against the input's declared options or pattern; returns it. */
function checked(name: InputName, value: string): string {
  const spec: InputSpec = ACTION_INPUTS[name];
  if (spec.options && !spec.options.includes(value)) {
    throw inputError(`input "${name}" must be one of ${spec.options.filter((o) => o !== '').join(', ')}, not ${JSON.stringify(value)}`);
  }
  if (spec.regex && !new RegExp(spec.regex).test(value)) {
    throw inputError(`input "${name}" must match ${spec.regex}, not ${JSON.stringify(value)}`);
  }
  return value;
}
