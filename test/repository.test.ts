/**
 * Repository-wide checks: what every tracked file must (not) say. The product was renamed from
 * an earlier working name to relpack; that name belongs to another package on npm, so a leftover
 * in a command, a variable or a doc would send users to a stranger's code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/harness.js';

/** Spelled in pieces so that this file does not contain it. */
const OLD_NAME = ['gen', 'pack'].join('');

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
}

test('the old working name is gone from every tracked file and path', () => {
  const word = new RegExp(OLD_NAME, 'i');
  const hits: string[] = [];
  for (const file of trackedFiles()) {
    if (word.test(file)) hits.push(`${file} (path)`);
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'latin1');
    } catch {
      continue; // deleted in the work tree, not yet committed
    }
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (word.test(line)) hits.push(`${file}:${i + 1}`);
    });
  }
  assert.deepEqual(hits, [], `rename leftovers:\n${hits.join('\n')}`);
});
