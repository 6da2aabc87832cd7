/** This repository's workflows: each step that runs the action from the checkout (`uses: ./`) passes only inputs action.yml declares and reads only its outputs. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { ROOT } from '../helpers/harness.js';

test('.github/workflows: tests, dist freshness, and uses: ./ with declared inputs and outputs', async () => {
  const action = YAML.parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
  const dir = join(ROOT, '.github/workflows');
  const texts = new Map<string, string>();
  for (const name of await readdir(dir)) texts.set(name, await readFile(join(dir, name), 'utf8'));
  const all = [...texts.values()].join('\n');
  assert.match(all, /npm test/);
  assert.match(all, /scripts\/build\.mjs --check/);
  assert.match(all, /scripts\/generate-interface\.mjs --check/);
  let local = 0;
  for (const [name, text] of texts) {
    const workflow = YAML.parse(text) as { jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }> };
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const ids = new Set<string>();
      for (const step of job.steps) {
        if (step.uses !== './') continue;
        local++;
        if (step.id) ids.add(step.id);
        for (const input of Object.keys(step.with ?? {})) assert.ok(input in action.inputs, `${name} ${jobName}: input ${input} is not in action.yml`);
      }
      for (const m of YAML.stringify(job).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (ids.has(m[1]!)) assert.ok(m[2]! in action.outputs, `${name} ${jobName}: output ${m[2]} is not in action.yml`);
      }
    }
  }
  assert.ok(local >= 2, 'a job runs the action from the checkout');
});
