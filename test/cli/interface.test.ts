/**
 * The CLI's flags, help and dotenv report come from component.yml (src/cli/commands.generated.ts):
 * each command takes and documents exactly its own flags, and `--dotenv` writes the variables the
 * component's report promises, with the values the action sets as outputs.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { cli, gitlabEnv, ROOT, serve, tempDir, writeTree } from '../helpers/harness.js';

const spec = YAML.parse(await readFile(join(ROOT, 'component.yml'), 'utf8')) as { outputs: Record<string, { operations: string[]; dotenv?: string }> };
const promised = (operation: string) =>
  Object.values(spec.outputs)
    .filter((o) => o.dotenv && o.operations.includes(operation))
    .map((o) => o.dotenv!)
    .sort();

test('each command has its own --help with its own flags', async () => {
  const download = await cli(['download', '--help']);
  assert.equal(download.code, 0);
  assert.match(download.stdout, /^Usage: relpack download \[FILE\.\.\.\] --name NAME/);
  assert.match(download.stdout, /--no-verify +Skip the SHA-256 checks/);
  assert.match(download.stdout, /--out OUT +The folder to download into/);
  assert.doesNotMatch(download.stdout, /--if-exists/, 'a publish flag is not in download\'s help');
  const publish = await cli(['publish', '--help']);
  assert.match(publish.stdout, /--include-hidden +Also publish hidden files/);
  assert.match(publish.stdout, /--if-exists skip\|fail\|replace/);
  const commit = await cli(['version', 'commit', '--help']);
  assert.match(commit.stdout, /--previous-version PREVIOUS_VERSION/);
  const misplaced = await cli(['download', '--if-exists', 'skip', '--name', 'x', '--version', '1', '--out', 'o']);
  assert.equal(misplaced.code, 2);
  assert.match(misplaced.stderr, /Unknown option '--if-exists'[\s\S]*run relpack download --help/);
  const overview = await cli(['--help']);
  assert.match(overview.stdout, /relpack version commit --name NAME --version-variable VAR/);
});

test('--dotenv: publish and download write the variables component.yml promises, with the run\'s values', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'dist/a.bin': 'a', 'dist/b.bin': 'b' });
  const published = await cli(['publish', 'dist', '--name', 'app', '--version', '1.2.3', '--dotenv', 'publish.env', '-q'], { env, cwd: work });
  assert.equal(published.code, 0, published.stderr);
  const parse = async (file: string) => Object.fromEntries((await readFile(join(work, file), 'utf8')).trimEnd().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
  const publishEnv = await parse('publish.env');
  assert.deepEqual(Object.keys(publishEnv).sort(), promised('publish'));
  assert.equal(publishEnv.RELPACK_VERSION, '1.2.3');
  assert.equal(publishEnv.RELPACK_PACKAGE_NAME, 'app');
  assert.equal(publishEnv.RELPACK_PACKAGE_URL, `${server.url}/api/v4/projects/1/packages/generic/app/1.2.3`);
  assert.equal(publishEnv.RELPACK_UPLOADED, '3');
  assert.equal(publishEnv.RELPACK_SKIPPED, '0');

  const downloaded = await cli(['download', '--name', 'app', '--version', '^1', '--out', 'got', '--dotenv', 'download.env', '-q'], { env, cwd: work });
  assert.equal(downloaded.code, 0, downloaded.stderr);
  const downloadEnv = await parse('download.env');
  assert.deepEqual(Object.keys(downloadEnv).sort(), promised('download'));
  assert.equal(downloadEnv.RELPACK_VERSION, '1.2.3', 'the range as resolved');
  assert.equal(downloadEnv.RELPACK_DOWNLOADED, '3');
});
