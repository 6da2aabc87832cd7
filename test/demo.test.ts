/** The README's first quick-start command: `npm run demo` publishes, re-publishes, downloads and verifies. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { ROOT } from './helpers/harness.js';

test('npm run demo: the quick start round trip succeeds', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /published relpack-demo 1\.0\.0: 5 uploaded, 0 skipped/);
  assert.match(output, /published relpack-demo 1\.0\.0: 0 uploaded, 5 skipped/);
  assert.match(output, /demo OK: 4 files and SHA256SUMS published/);
});
