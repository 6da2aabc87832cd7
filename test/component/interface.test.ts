/**
 * component.yml is the one declaration of the inputs and outputs: action.yml, the templates'
 * `spec:` blocks, the action's input table and the README tables are generated from it and must
 * not drift; the hand-written template jobs must use exactly the inputs their spec declares and
 * write every dotenv variable component.yml promises.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { ROOT } from '../helpers/harness.js';

const exec = promisify(execFile);

interface Interface {
  templates: string[];
  inputs: Record<string, { operations: string[]; surfaces?: string[] }>;
  outputs: Record<string, { operations: string[]; dotenv?: string }>;
}

const spec = YAML.parse(await readFile(join(ROOT, 'component.yml'), 'utf8')) as Interface;

test('action.yml, the template specs and flags, the action input table, the CLI tables and the README tables match component.yml', async () => {
  const run = await exec(process.execPath, ['scripts/generate-interface.mjs', '--check'], { cwd: ROOT }).catch((error: { stdout: string; stderr: string }) => error);
  assert.ok(!('code' in run) || run.code === 0, `${run.stdout}${run.stderr}`);
});

for (const template of spec.templates) {
  test(`templates/${template}.yml: the job uses every declared input, only declared inputs, and writes its dotenv variables`, async () => {
    const text = await readFile(join(ROOT, 'templates', `${template}.yml`), 'utf8');
    const [header, body] = text.split(/^---$/m);
    const declared = Object.keys((YAML.parse(header!) as { spec: { inputs: Record<string, unknown> } }).spec.inputs).sort();
    const expected = Object.entries(spec.inputs)
      .filter(([, i]) => i.operations.includes(template) && (i.surfaces ?? ['action', 'component']).includes('component'))
      .map(([name]) => name)
      .sort();
    assert.deepEqual(declared, expected, 'the generated spec lists the inputs component.yml gives this operation');
    const used = [...new Set([...body!.matchAll(/\$\[\[ inputs\.([\w-]+) \]\]/g)].map((m) => m[1]!))].sort();
    assert.deepEqual(used, declared, 'the job uses each declared input and no other');
    // The dotenv report is written by the CLI itself (`--dotenv`), from component.yml's outputs:
    // no script reads the JSON result's fields.
    assert.match(body!, /--dotenv relpack\.env/, 'the job asks the CLI for the dotenv report');
    assert.doesNotMatch(body!, /JSON\.parse\([^)]*relpack\.json/, 'no inline script reads the result');
    assert.match(body!, /reports:\n\s+dotenv: relpack\.env/);
    assert.match(body!, /paths:\n\s+- relpack\.json/);
    if (template === 'bump') assert.match(body!, /resource_group: /);
  });
}

test('the action reads every input action.yml declares', async () => {
  const action = YAML.parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; main: string } };
  assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js' });
  const source = (await readFile(join(ROOT, 'src/action/inputs.ts'), 'utf8')) + (await readFile(join(ROOT, 'src/action/run.ts'), 'utf8'));
  for (const name of Object.keys(action.inputs)) assert.ok(source.includes(`'${name}'`), `src/action reads input ${name}`);
});
