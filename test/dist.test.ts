/** The committed bundles in dist/ are what the sources build to (issue 3 and 6: "a test fails when dist/ is stale"). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ROOT } from './helpers/harness.js';

test('dist/ is rebuilt from the current sources and committed', () => {
  const run = spawnSync(process.execPath, ['scripts/build.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});
