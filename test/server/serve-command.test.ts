// `relpack serve` as a process: prints URL and tokens, serves, exits 0 on SIGTERM/SIGINT; 2 on bad usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generic, put, rm, send, tempDir } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));

function spawnServe(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const check = () => {
      // the banner ends with the admin token line
      const m = /relpack serve listening on (http:\/\/\S+)/.exec(out);
      if (m && /admin token/.test(out)) resolve(m[1]!);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  url.catch(() => {}); // usage-error tests never listen
  return { child, url, exited, output: () => out, errors: () => err };
}

test('serve command: prints URL and tokens, serves, SIGTERM → exit 0 with data kept', async (t) => {
  const dataDir = await tempDir();
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const p = spawnServe(['--port', '0', '--data-dir', dataDir, '--quiet']);
  const url = await p.url;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(p.output(), /maintainer\s+glpat-dev-maintainer/);
  assert.match(p.output(), /job\s+glcbt-dev-job/);
  assert.match(p.output(), /deployRo\s+gldt-dev-ro/);
  const s = { url, tokens: { maintainer: 'glpat-dev-maintainer' } } as never;
  assert.equal((await put(s, generic('f.bin'), 'from a process')).status, 201);
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0);
  assert.match(p.output(), /shutting down/);

  // same data dir, SIGINT this time
  const q = spawnServe(['--port', '0', '--data-dir', dataDir, '--quiet']);
  const url2 = await q.url;
  const r = await send(url2, 'GET', generic('f.bin'), { token: 'glpat-dev-maintainer' });
  assert.equal(r.text, 'from a process');
  q.child.kill('SIGINT');
  assert.equal(await q.exited, 0);
});

test('serve command: bad usage and bad config → exit 2 with a clear message', async (t) => {
  const a = spawnServe(['--port', 'abc']);
  assert.equal(await a.exited, 2);
  assert.match(a.errors(), /--port must be a number/);
  const b = spawnServe(['--bogus']);
  assert.equal(await b.exited, 2);
  assert.match(b.errors(), /Unknown option '--bogus'/);
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.yml');
  await writeFile(file, 'gitlab:\n  projects:\n    - id: 1\n      path: demo/app\n      visibility: secret\n');
  const c = spawnServe(['--config', file, '--port', '0']);
  assert.equal(await c.exited, 2);
  assert.match(c.errors(), /gitlab\.projects\[0\]\.visibility.*must be one of private, internal, public/);
});
