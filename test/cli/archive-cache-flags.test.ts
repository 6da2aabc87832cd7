/**
 * The archive and cache flags, declared once in component.yml, reach their operations from the
 * CLI: publish --archive, download --extract, download --cache (a second download fetches no file
 * body but the manifest), against `relpack serve`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

test('publish --archive tar.gz, then download --extract --cache twice: the tree comes back, the second time from the cache', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'dist/bin/tool': 'tool', 'dist/share/doc.txt': 'doc' });
  const published = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--archive', 'tar.gz', '--json'], { env, cwd: work });
  assert.equal(published.code, 0, published.stderr);
  assert.deepEqual(JSON.parse(published.stdout).files.map((f: { name: string }) => f.name), ['SHA256SUMS', 'app-1.0.0.tar.gz']);

  const cache = join(work, 'cache');
  for (const out of ['first', 'second']) {
    const before = server.lines.length;
    const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out, '--extract', '--cache', cache], { env, cwd: work });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await readFile(join(work, out, 'bin/tool'), 'utf8'), 'tool');
    assert.equal(await readFile(join(work, out, 'share/doc.txt'), 'utf8'), 'doc');
    const bodies = server.lines.slice(before).filter((line) => /^GET \S+\/packages\/generic\/app\/1\.0\.0\/\S+ 200 /.test(line));
    if (out === 'second') assert.ok(bodies.every((line) => line.includes('/SHA256SUMS ')), `only the manifest is fetched again:\n${bodies.join('\n')}`);
    else assert.ok(bodies.some((line) => line.includes('app-1.0.0.tar.gz')), 'the first download fetches the archive');
  }

  const bad = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.1', '--archive', 'rar'], { env, cwd: work });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--archive must be tar\.gz or zip/);
});
