/**
 * The CLI's flags, help and dotenv report come from component.yml (src/cli/commands.generated.ts):
 * each command takes and documents exactly its own flags, and `--dotenv` writes the variables the
 * component's report promises, with the values the action sets as outputs.
 */
import assert from 'node:assert/strict';
import { readFile, symlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

test('flags declared once reach the operation: --max-size and --timeout are checked before any request, --timeout bounds the run, --follow-symlinks opts in', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await tempDir();
  const badSize = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', 'got', '--max-size', 'lots'], { env, cwd: work });
  assert.equal(badSize.code, 2, badSize.stderr);
  assert.match(badSize.stderr, /--max-size must be a size such as 50GiB/);
  const badTimeout = await cli(['list', '--name', 'app', '--timeout', '0'], { env, cwd: work });
  assert.equal(badTimeout.code, 2, badTimeout.stderr);
  assert.match(badTimeout.stderr, /--timeout must be a number of seconds above 0/);
  assert.deepEqual(server.lines, [], 'nothing was sent for either');

  // A registry that accepts the connection and never answers: --timeout ends the command.
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as AddressInfo).port;
    const stuck = await cli(['list', '--name', 'app', '--timeout', '0.3', '--url', `http://127.0.0.1:${port}`, '--project', '1'], { env: { RELPACK_TOKEN: 'x' }, cwd: work });
    assert.equal(stuck.code, 1, stuck.stderr);
    assert.match(stuck.stderr, /--timeout/);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }

  const outside = await writeTree(await tempDir(), { 'secret.txt': 'outside' });
  const tree = await writeTree(await tempDir(), { 'dist/app.bin': 'app' });
  await symlink(join(outside, 'secret.txt'), join(tree, 'dist/linked.txt'));
  const refused = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0'], { env, cwd: tree });
  assert.equal(refused.code, 2, refused.stderr);
  const followed = await cli(['publish', 'dist', '--name', 'app', '--version', '1.0.0', '--follow-symlinks', '--json'], { env, cwd: tree });
  assert.equal(followed.code, 0, followed.stderr);
  assert.ok(JSON.parse(followed.stdout).files.some((f: { name: string }) => f.name === 'linked.txt'));
});
