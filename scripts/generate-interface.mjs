#!/usr/bin/env node
// Generates relpack's interface files from component.yml, the one declaration of its inputs and
// outputs:
//   action.yml                          the action's inputs, outputs and runs
//   templates/<t>.yml                   the `spec:` header above `---`, and in the hand-written job
//                                       below it the script's input variables and CLI flags
//                                       (between `# generated:…` comment markers)
//   src/action/interface.generated.ts   the typed input table the action parses inputs with
//   src/cli/commands.generated.ts       the CLI's option tables, per-command help, dotenv report
//   README.md                           the tables between `<!-- generated:KEY -->` markers
// `--check` writes nothing and fails, naming the files, when any of them differs from what
// component.yml generates (a test runs it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const SOURCE = 'component.yml';
const TYPES = ['string', 'boolean', 'number', 'array'];
const SURFACES = ['action', 'component'];

export function loadInterface(text) {
  const doc = YAML.parse(text);
  const fail = (where, message) => {
    throw new Error(`${SOURCE}: ${where}: ${message}`);
  };
  const operations = doc.operations;
  const templates = doc.templates;
  if (!Array.isArray(operations) || !Array.isArray(templates)) fail('top level', 'needs `operations` and `templates` lists');
  for (const t of templates) if (!operations.includes(t)) fail('templates', `${t} is not an operation`);
  const inputs = Object.entries(doc.inputs ?? {}).map(([name, raw]) => {
    const where = `inputs.${name}`;
    const known = ['type', 'description', 'default', 'defaults', 'required', 'options', 'regex', 'operations', 'surfaces', 'cli', 'job'];
    for (const key of Object.keys(raw)) if (!known.includes(key)) fail(where, `unknown key ${key} (known: ${known.join(', ')})`);
    const input = {
      name,
      type: raw.type ?? 'string',
      description: raw.description,
      default: raw.default,
      defaults: raw.defaults ?? {},
      required: raw.required ?? [],
      options: raw.options,
      regex: raw.regex,
      operations: raw.operations,
      surfaces: raw.surfaces ?? SURFACES,
      job: raw.job === true,
      cli: raw.cli === undefined ? undefined : Array.isArray(raw.cli) ? { commands: raw.cli } : raw.cli,
    };
    if (!TYPES.includes(input.type)) fail(where, `type must be one of ${TYPES.join(', ')}`);
    if (typeof input.description !== 'string' || !input.description) fail(where, 'needs a description');
    if (!Array.isArray(input.operations) || input.operations.some((o) => !operations.includes(o))) fail(where, `operations must be a list of ${operations.join(', ')}`);
    if (input.required.some((o) => !input.operations.includes(o))) fail(where, 'required names an operation the input is not used by');
    if (input.surfaces.some((s) => !SURFACES.includes(s))) fail(where, `surfaces must be a list of ${SURFACES.join(', ')}`);
    for (const key of Object.keys(input.defaults)) if (key !== 'action' && !templates.includes(key)) fail(where, `defaults.${key}: not action nor a template`);
    if (input.options && input.regex) fail(where, 'options and regex exclude each other');
    if (input.options && (input.type === 'boolean' || !input.options.every((o) => typeof o === 'string'))) fail(where, 'options must be strings, and not on a boolean');
    if (input.regex && input.type !== 'string') fail(where, 'regex applies to strings only');
    for (const surface of surfaceNames(input, templates)) {
      const value = defaultFor(input, surface);
      if (value === undefined) continue;
      checkValue(input, value, `${where} (default for ${surface})`, fail);
    }
    if (input.cli) {
      for (const key of Object.keys(input.cli)) if (!['commands', 'flag', 'description', 'default'].includes(key)) fail(`${where}.cli`, `unknown key ${key}`);
      if (input.type === 'array') fail(`${where}.cli`, 'an array is not a flag');
    }
    return input;
  });
  const commands = Object.entries(doc.commands ?? {}).map(([name, raw]) => ({ name, usage: raw.usage ?? '', summary: raw.summary }));
  const commandNames = commands.map((c) => c.name);
  for (const c of commands) if (typeof c.summary !== 'string') fail(`commands.${c.name}`, 'needs a summary');
  const cliFlags = Object.entries(doc['cli-flags'] ?? {}).map(([name, raw]) => {
    const where = `cli-flags.${name}`;
    const flag = { name, type: raw.type ?? 'string', short: raw.short, description: raw.description, commands: raw.commands === 'all' ? commandNames : raw.commands };
    if (!['string', 'boolean'].includes(flag.type)) fail(where, 'type must be string or boolean');
    if (typeof flag.description !== 'string') fail(where, 'needs a description');
    if (!Array.isArray(flag.commands) || flag.commands.some((c) => !commandNames.includes(c))) fail(where, `commands must be all or a list of ${commandNames.join(', ')}`);
    return flag;
  });
  for (const input of inputs) {
    if (input.cli && (!Array.isArray(input.cli.commands) || input.cli.commands.some((c) => !commandNames.includes(c)))) fail(`inputs.${input.name}.cli`, `commands must be a list of ${commandNames.join(', ')}`);
  }
  const outputs = Object.entries(doc.outputs ?? {}).map(([name, raw]) => {
    const where = `outputs.${name}`;
    const output = { name, description: raw.description, operations: raw.operations, dotenv: raw.dotenv, artifact: raw.artifact === true };
    if (typeof output.description !== 'string') fail(where, 'needs a description');
    if (!Array.isArray(output.operations) || output.operations.some((o) => !operations.includes(o))) fail(where, `operations must be a list of ${operations.join(', ')}`);
    if (!output.dotenv === !output.artifact) fail(where, 'needs either `dotenv: NAME` or `artifact: true`');
    if (output.dotenv && !/^[A-Z_][A-Z0-9_]*$/.test(output.dotenv)) fail(where, 'dotenv must be a variable name');
    return output;
  });
  return { operations, templates, inputs, outputs, commands, cliFlags };
}

/** The CLI command an operation's template runs: a bump is `publish --bump`. */
const TEMPLATE_COMMAND = { publish: 'publish', download: 'download', bump: 'publish', prune: 'prune' };

/** Every flag of one CLI command: from the inputs that declare one, then the CLI's own. */
export function commandFlags(spec, command) {
  const fromInputs = spec.inputs
    .filter((i) => i.cli?.commands.includes(command))
    .map((i) => ({
      name: i.cli.flag ?? i.name,
      input: i.name,
      type: i.type === 'boolean' ? 'boolean' : 'string',
      negates: i.cli.flag !== undefined && i.type === 'boolean',
      description: i.cli.description ?? cliDescription(i.description),
      // parseArgs takes a string flag's default as a string (a number input's `8` is `'8'`).
      default: i.cli.default ? (i.type === 'boolean' ? i.default : String(i.default)) : i.type === 'boolean' ? false : undefined,
      valueName: i.type === 'number' ? 'N' : i.options ? i.options.filter((o) => o !== '').join('|') : i.name.toUpperCase().replace(/-/g, '_'),
    }));
  const own = spec.cliFlags
    .filter((f) => f.commands.includes(command))
    .map((f) => ({ name: f.name, type: f.type, short: f.short, description: f.description, default: f.type === 'boolean' ? false : undefined, valueName: f.name.toUpperCase().replace(/-/g, '_') }));
  return [...fromInputs, ...own];
}

/** An input's description without the sentences meant for the action or the component only. */
function cliDescription(text) {
  return text.replace(/\s*(Action|Component): [^.]*(\.[^ .][^.]*)*\./g, '').trim();
}

function surfaceNames(input, templates) {
  const names = [];
  if (input.surfaces.includes('action')) names.push('action');
  if (input.surfaces.includes('component')) names.push(...templates.filter((t) => input.operations.includes(t)));
  return names;
}

function checkValue(input, value, where, fail) {
  const ok = { string: typeof value === 'string', boolean: typeof value === 'boolean', number: typeof value === 'number', array: Array.isArray(value) }[input.type];
  if (!ok) fail(where, `${JSON.stringify(value)} is not a ${input.type}`);
  if (input.options && !input.options.includes(value)) fail(where, `${JSON.stringify(value)} is not one of the options`);
  if (input.regex && !new RegExp(input.regex).test(value)) fail(where, `${JSON.stringify(value)} does not match ${input.regex}`);
}

/** The default on one surface (`action` or a template name); undefined when the input is required there. */
export function defaultFor(input, surface) {
  if (Object.hasOwn(input.defaults, surface)) return input.defaults[surface];
  if (surface === 'action') return input.required.length > 0 && input.operations.every((o) => input.required.includes(o)) ? undefined : input.default;
  return input.required.includes(surface) ? undefined : input.default;
}

const actionInputs = (spec) => spec.inputs.filter((i) => i.surfaces.includes('action'));
const templateInputs = (spec, template) => spec.inputs.filter((i) => i.surfaces.includes('component') && i.operations.includes(template));

/** An action input's default as the runner passes it (a string). */
function actionDefault(input) {
  const value = defaultFor(input, 'action');
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join('\n');
  return String(value);
}

function actionDescription(input) {
  const parts = [input.description];
  if (input.type === 'array') parts.push('One per line.');
  if (input.type === 'boolean') parts.push('`true` or `false`.');
  if (input.options) parts.push(`One of: ${input.options.filter((o) => o !== '').map((o) => `\`${o}\``).join(', ')}.`);
  if (input.operations.length < 4) parts.push(`Used by: ${input.operations.join(', ')}.`);
  if (input.required.length && input.required.length < input.operations.length && defaultFor(input, 'action') !== undefined) parts.push(`Required for: ${input.required.join(', ')}.`);
  return parts.join(' ');
}

const HEADER = '# Generated from component.yml by scripts/generate-interface.mjs: edit component.yml, then run `node scripts/generate-interface.mjs`.\n';
const YAML_OPTIONS = { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' };

export function renderActionYml(spec) {
  const inputs = {};
  for (const input of actionInputs(spec)) {
    const value = actionDefault(input);
    inputs[input.name] = { description: actionDescription(input), required: value === undefined, ...(value === undefined ? {} : { default: value }) };
  }
  const outputs = {};
  for (const output of spec.outputs) outputs[output.name] = { description: `${output.description} (${output.operations.join(', ')})` };
  const doc = {
    name: 'relpack',
    // GitHub Marketplace refuses a description of 125 characters or more (a test checks it).
    description: 'Publish and fetch release binaries in GitLab and Gitea/Forgejo generic package registries, SHA-256 verified end to end.',
    author: 'relpack',
    branding: { icon: 'package', color: 'orange' },
    inputs,
    outputs,
    runs: { using: 'node24', main: 'dist/index.js' },
  };
  return HEADER + YAML.stringify(doc, YAML_OPTIONS);
}

export function renderTemplateSpec(spec, template) {
  const inputs = {};
  for (const input of templateInputs(spec, template)) {
    const entry = { description: input.description };
    if (input.type !== 'string') entry.type = input.type;
    const value = defaultFor(input, template);
    if (value !== undefined) entry.default = value;
    if (input.options) entry.options = input.options;
    if (input.regex) entry.regex = input.regex;
    inputs[input.name] = entry;
  }
  const header = '# The spec below is generated from component.yml by scripts/generate-interface.mjs; the job under `---` is written by hand.\n';
  // No `spec: component` (GitLab 18.6+): the templates must load on GitLab 17.0 and later, and the
  // version they run is stamped into the `image` default by the release script instead.
  return header + YAML.stringify({ spec: { inputs } }, YAML_OPTIONS) + '---\n';
}

export function renderInterfaceTs(spec) {
  const inputs = actionInputs(spec).map((i) => {
    const fields = [
      `type: '${i.type}'`,
      `default: ${JSON.stringify(actionDefault(i))}`,
      `operations: ${JSON.stringify(i.operations)}`,
      `required: ${JSON.stringify(i.required)}`,
      ...(i.options ? [`options: ${JSON.stringify(i.options)}`] : []),
      ...(i.regex ? [`regex: ${JSON.stringify(i.regex)}`] : []),
    ];
    return `  '${i.name}': { ${fields.join(', ')} },`;
  });
  const outputs = spec.outputs.map((o) => `  '${o.name}': ${JSON.stringify(o.operations)},`);
  return `// Generated from component.yml by scripts/generate-interface.mjs: do not edit.
// The action's inputs as the runner passes them (strings), with what each operation needs.
export type Operation = ${spec.operations.map((o) => `'${o}'`).join(' | ')};

export interface InputSpec {
  type: 'string' | 'boolean' | 'number' | 'array';
  /** The default action.yml declares; undefined for a required input. */
  default: string | undefined;
  operations: readonly Operation[];
  /** Operations that need a value. */
  required: readonly Operation[];
  options?: readonly string[];
  regex?: string;
}

export const ACTION_INPUTS = {
${inputs.join('\n')}
} as const satisfies Record<string, InputSpec>;

export type InputName = keyof typeof ACTION_INPUTS;

/** Each output and the operations that set it. */
export const ACTION_OUTPUTS = {
${outputs.join('\n')}
} as const satisfies Record<string, readonly Operation[]>;

export type OutputName = keyof typeof ACTION_OUTPUTS;
`;
}

export function renderCommandsTs(spec) {
  const entries = spec.commands.map((command) => {
    const flags = commandFlags(spec, command.name);
    const options = flags.map((f) => {
      const fields = [`type: '${f.type}'`, ...(f.short ? [`short: '${f.short}'`] : []), ...(f.default !== undefined ? [`default: ${JSON.stringify(f.default)}`] : [])];
      return `      '${f.name}': { ${fields.join(', ')} },`;
    });
    return `  '${command.name}': {
    usage: ${JSON.stringify(`relpack ${command.name.replace('-', ' ')} ${command.usage}`)},
    summary: ${JSON.stringify(command.summary)},
    options: {
${options.join('\n')}
    },
    help: ${JSON.stringify(renderHelp(command, flags))},
  },`;
  });
  const dotenv = spec.templates.map((t) => {
    const pairs = spec.outputs.filter((o) => o.dotenv && o.operations.includes(t)).map((o) => `${o.dotenv}: '${o.name}'`);
    return `  ${t}: { ${pairs.join(', ')} },`;
  });
  return `// Generated from component.yml by scripts/generate-interface.mjs: do not edit.
// The CLI's commands: each one's parseArgs options (flags from the inputs that declare one, then
// the CLI's own), its --help text, and the dotenv report (variable -> output) of each operation.
export const COMMANDS = {
${entries.join('\n')}
} as const;

export type CommandName = keyof typeof COMMANDS;

export const DOTENV = {
${dotenv.join('\n')}
} as const;
`;
}

const WIDTH = 100;

function wrap(text, indent) {
  const words = text.replace(/`/g, '').split(/\s+/);
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function renderHelp(command, flags) {
  const words = command.name.replace('-', ' ');
  const left = (f) => `--${f.name}${f.short ? `, -${f.short}` : ''}${f.type === 'string' ? ` ${f.valueName}` : ''}`;
  const column = Math.min(30, Math.max(...flags.map((f) => left(f).length)) + 4);
  const rows = flags.map((f) => {
    const head = `  ${left(f)}`;
    const pad = head.length + 2 <= column ? ' '.repeat(column - head.length) : `\n${' '.repeat(column)}`;
    const suffix = f.default !== undefined && f.default !== false ? ` (default ${f.default})` : '';
    return `${head}${pad}${wrap(f.description + suffix, column)}`;
  });
  return `Usage: relpack ${words} ${command.usage}\n\n${wrap(command.summary, 0)}\n\nOptions:\n${rows.join('\n')}\n`;
}

/**
 * The generated parts of a template's job: the `variables:` that carry its string inputs to the
 * script (GitLab expands $VARIABLES in them and the shell never parses an input as code), and the
 * lines that turn its inputs into the CLI's flags, between `# generated:NAME` markers.
 */
export function renderTemplateBlocks(spec, template) {
  const command = TEMPLATE_COMMAND[template];
  const inputs = templateInputs(spec, template);
  const variable = (name) => `RELPACK_INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
  const viaVariable = inputs.filter((i) => i.type === 'string' && !i.job);
  const variables = viaVariable.map((i) => `    ${variable(i.name)}: $[[ inputs.${i.name} ]]`);
  const flags = [];
  for (const i of inputs.filter((i) => i.cli?.commands.includes(command))) {
    const flag = `--${i.cli.flag ?? i.name}`;
    if (i.type === 'boolean') flags.push(`      if [ $[[ inputs.${i.name} ]] = ${i.cli.flag ? 'false' : 'true'} ]; then set -- "$@" ${flag}; fi`);
    else if (i.type === 'number') flags.push(`      set -- "$@" ${flag} $[[ inputs.${i.name} ]]`);
    else flags.push(`      if [ -n "$${variable(i.name)}" ]; then set -- "$@" ${flag} "$${variable(i.name)}"; fi`);
  }
  return { variables: variables.join('\n'), flags: flags.join('\n') };
}

function applyTemplateBlocks(text, path, blocks) {
  let out = text;
  for (const [key, body] of Object.entries(blocks)) {
    // The opening marker and the comment lines right after it stay; what is up to the closing one is replaced.
    const pattern = new RegExp(`(\\n *# generated:${key}[^\\n]*\\n(?: *#(?! /generated)[^\\n]*\\n)*)[\\s\\S]*?( *# /generated:${key})`);
    if (!pattern.test(out)) throw new Error(`${path}: lacks the markers # generated:${key} … # /generated:${key}`);
    out = out.replace(pattern, (_m, open, close) => `${open}${body ? `${body}\n` : ''}${close}`);
  }
  return out;
}

const cell = (text) => String(text).replace(/\|/g, '\\|');
const code = (value) => (value === '' ? '`""`' : Array.isArray(value) ? (value.length ? `\`${JSON.stringify(value)}\`` : '`[]`') : `\`${value}\``);

export function renderReadmeTables(spec) {
  const tables = {};
  tables['action-inputs'] = [
    '| input | default | used by | description |',
    '| --- | --- | --- | --- |',
    ...actionInputs(spec).map((i) => {
      const value = actionDefault(i);
      return `| \`${i.name}\` | ${value === undefined ? '**required**' : code(value)} | ${i.operations.length === spec.operations.length ? 'all' : i.operations.join(', ')} | ${cell(actionDescription(i).replace(/ Used by: [^.]*\./, ''))} |`;
    }),
  ].join('\n');
  tables['cli-commands'] = [
    '| command | what it does | flags |',
    '| --- | --- | --- |',
    ...spec.commands.map((c) => {
      const flags = commandFlags(spec, c.name).filter((f) => !['help', 'quiet', 'json'].includes(f.name));
      return `| \`relpack ${c.name.replace('-', ' ')} ${cell(c.usage)}\` | ${cell(c.summary)} | ${flags.map((f) => `\`--${f.name}\``).join(' ')} |`;
    }),
    '',
    'Every command also takes `--json` (the result, or the errors, as JSON on stdout), `--quiet` (`-q`) and `--help` (`-h`).',
  ].join('\n');
  tables['action-outputs'] = [
    '| output | set by | description |',
    '| --- | --- | --- |',
    ...spec.outputs.map((o) => `| \`${o.name}\` | ${o.operations.join(', ')} | ${cell(o.description)} |`),
  ].join('\n');
  const componentInputs = spec.inputs.filter((i) => i.surfaces.includes('component'));
  tables['component-inputs'] = [
    `| input | type | ${spec.templates.join(' | ')} | description |`,
    `| --- | --- | ${spec.templates.map(() => '---').join(' | ')} | --- |`,
    ...componentInputs.map((i) => {
      const cells = spec.templates.map((t) => {
        if (!i.operations.includes(t)) return '—';
        const value = defaultFor(i, t);
        return value === undefined ? '**required**' : code(value);
      });
      const constraint = i.options ? ` One of: ${i.options.map((o) => code(o)).join(', ')}.` : i.regex ? ` Must match \`${i.regex}\`.` : '';
      return `| \`${i.name}\` | ${i.type} | ${cells.map(cell).join(' | ')} | ${cell(i.description + constraint)} |`;
    }),
  ].join('\n');
  tables['component-outputs'] = [
    '| dotenv variable | set by | description |',
    '| --- | --- | --- |',
    ...spec.outputs.filter((o) => o.dotenv).map((o) => `| \`${o.dotenv}\` | ${o.operations.filter((op) => spec.templates.includes(op)).join(', ')} | ${cell(o.description)} |`),
  ].join('\n');
  return tables;
}

export function applyReadmeTables(readme, tables) {
  let text = readme;
  const missing = [];
  for (const [key, table] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- generated:${key} -->\\n)[\\s\\S]*?(<!-- /generated:${key} -->)`);
    if (!pattern.test(text)) {
      missing.push(key);
      continue;
    }
    text = text.replace(pattern, (_m, open, close) => `${open}${table}\n${close}`);
  }
  return { text, missing };
}

function replaceSpec(existing, template, header) {
  if (existing === undefined) return `${header}\n# The ${template} job goes here.\n`;
  const end = existing.search(/^---[ \t]*$/m);
  if (end < 0) return `${header}${existing}`;
  const after = existing.slice(end).replace(/^---[ \t]*\n?/, '');
  return header + after;
}

export function generate(rootDir = root) {
  const spec = loadInterface(readFileSync(join(rootDir, SOURCE), 'utf8'));
  const read = (path) => (existsSync(join(rootDir, path)) ? readFileSync(join(rootDir, path), 'utf8') : undefined);
  const files = new Map();
  files.set('action.yml', renderActionYml(spec));
  for (const template of spec.templates) {
    const path = `templates/${template}.yml`;
    files.set(path, applyTemplateBlocks(replaceSpec(read(path), template, renderTemplateSpec(spec, template)), path, renderTemplateBlocks(spec, template)));
  }
  files.set('src/action/interface.generated.ts', renderInterfaceTs(spec));
  files.set('src/cli/commands.generated.ts', renderCommandsTs(spec));
  const readme = read('README.md') ?? '';
  const { text, missing } = applyReadmeTables(readme, renderReadmeTables(spec));
  files.set('README.md', text);
  return { spec, files, missing, read };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, missing, read } = generate();
  const stale = [];
  for (const [path, content] of files) {
    if (read(path) === content) continue;
    stale.push(path);
    if (!check) writeFileSync(join(root, path), content);
  }
  if (missing.length) {
    console.error(`README.md lacks the markers for: ${missing.map((k) => `<!-- generated:${k} -->`).join(', ')}`);
    process.exitCode = 1;
  }
  if (check) {
    if (stale.length) {
      console.error(`out of date with ${SOURCE}: ${stale.join(', ')}: run 'node scripts/generate-interface.mjs' and commit`);
      process.exitCode = 1;
    } else if (!missing.length) {
      console.log(`${[...files.keys()].join(', ')} match ${SOURCE}`);
    }
  } else {
    console.log(stale.length ? `wrote ${stale.map((p) => relative('.', join(root, p))).join(', ')}` : `everything matches ${SOURCE}`);
  }
}
