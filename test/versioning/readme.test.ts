/**
 * The README's Versioning examples run as written, with the built bundle as `relpack`, in the
 * environment of a GitLab job: packages with CI_JOB_TOKEN, the variable with a Maintainer's token.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve, tempDir, writeTree } from '../helpers/harness.js';
import { bash, relpackOnPath, readmeBlocks } from '../helpers/readme.js';

test('README Versioning examples: bump and publish twice, download by range, then the same as steps', async () => {
  const blocks = await readmeBlocks();
  const server = await serve();
  const bin = await relpackOnPath();
  const work = await writeTree(await tempDir(), { 'dist/linux/amd64/my-tool': 'elf', 'dist/my-tool.exe': 'pe' });
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    CI_SERVER_URL: server.url,
    CI_API_V4_URL: `${server.url}/api/v4`,
    CI_PROJECT_ID: '1',
    CI_JOB_TOKEN: server.tokens.job,
    RELPACK_VARIABLES_TOKEN: server.tokens.maintainer,
  };
  for (const name of ['versioning-publish', 'versioning-steps']) {
    const script = blocks.get(name);
    assert.ok(script, `README has the ${name} example`);
    const run = await bash(script!, { cwd: work, env });
    assert.equal(run.status, 0, `${name}:\n${run.stdout}\n${run.stderr}`);
    assert.ok(!run.stderr.includes(server.tokens.maintainer) && !run.stderr.includes(server.tokens.job));
  }
  const release = JSON.parse(await readFile(join(work, 'release.json'), 'utf8'));
  assert.deepEqual([release.version, release.previousVersion, release.variable.outcome], ['0.1.0', '0.0.1', 'updated']);
  assert.equal(await readFile(join(work, 'my-tool/linux/amd64/my-tool'), 'utf8'), 'elf');
  const variable = await fetch(`${server.url}/api/v4/projects/1/variables/MY_TOOL_VERSION`, { headers: { 'PRIVATE-TOKEN': server.tokens.maintainer } });
  assert.equal(((await variable.json()) as { value: string }).value, '0.1.1-rc.0');
});
