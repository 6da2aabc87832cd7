/**
 * Local problems are the user's machine's, not the network's (issue 13, point 16): a directory
 * where a file goes, an output path that is a file or too long, a full disk, a token with a
 * trailing newline each get their own sentence and no network hint; and nothing a user sees is a
 * stack trace, in any mode.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { RelpackError, asRelpackError, relpackErrors } from '../../src/base/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { cli, gitlabEnv, serve, tempDir, writeTree, type CliRun } from '../helpers/harness.js';

const NETWORK_HINT = /check that the URL is right|the registry or the network is failing/;

async function published() {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const up = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(up.code, 0, up.stderr);
  return { server, env };
}

function assertLocal(run: CliRun, message: RegExp): void {
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, NETWORK_HINT);
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.equal(JSON.parse(run.stdout).errors[0].code, 'FILESYSTEM');
}

test('EISDIR: a directory where a downloaded file goes is named, before anything is fetched', async () => {
  const { env } = await published();
  const out = await tempDir();
  await mkdir(join(out, 'a.bin'));
  const run = await cli(['download', 'a.bin', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env });
  assertLocal(run, /a\.bin is a directory, where "a\.bin" is to be written/);
});

test('EEXIST and ENAMETOOLONG: an --out that is a file, or too long a name, is said as such', async () => {
  const { env } = await published();
  const file = join(await tempDir(), 'not-a-dir');
  await writeFile(file, 'x');
  assertLocal(await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', file, '--json'], { env }), /not-a-dir already exists \(EEXIST in mkdir\)/);
  const long = join(await tempDir(), 'x'.repeat(300));
  assertLocal(await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', long, '--json'], { env }), /the path .*x{300} is too long for the file system \(ENAMETOOLONG/);
});

test('EACCES: an output directory relpack may not write to', { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false }, async () => {
  const { env } = await published();
  const out = await tempDir();
  await chmod(out, 0o500);
  const run = await cli(['download', 'a.bin', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env });
  await chmod(out, 0o700);
  assertLocal(run, /permission denied for .*\(EACCES/);
});

test('ENOSPC: a full disk is said as such, naming the file, whatever call failed', { skip: existsSync('/dev/full') ? false : 'no /dev/full here' }, () => {
  let full: unknown;
  try {
    writeFileSync('/dev/full', 'x');
  } catch (error) {
    full = error;
  }
  // A write names no path in its error: the caller names the file.
  const described = asRelpackError(full, '/dev/full');
  assert.equal(described.code, 'FILESYSTEM');
  assert.match(described.describe(), /no space left on the device while writing \/dev\/full \(ENOSPC in write\)\n {2}hint: free space on that file system/);
  assert.match(asRelpackError(full).message, /no space left on the device while writing a file/);
  const bare = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });
  // Inside a transfer's retries, the HTTP client passes it on as it is: no network hint is added.
  const http = new HttpClient();
  assert.equal(http.networkError({ method: 'GET', url: 'http://127.0.0.1:1/x' }, bare), bare);
  void http.close();
});

for (const [label, token, message] of [
  ['a trailing newline', 'glpat-dev-maintainer\n', /RELPACK_TOKEN ends with a line break, which cannot be sent in a header[\s\S]*hint: remove the final newline/],
  ['a trailing CRLF', 'glpat-dev-maintainer\r\n', /RELPACK_TOKEN ends with a line break/],
  ['a newline inside', 'glpat-dev\nmaintainer', /RELPACK_TOKEN contains a control character/],
] as const) {
  test(`a token with ${label} is refused before anything is sent, without showing it`, async () => {
    const server = await serve();
    const run = await cli(['list', '--name', 'app', '--json'], { env: { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: token } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, NETWORK_HINT);
    assert.doesNotMatch(run.stderr + run.stdout, /maintainer/, 'the token is not shown');
    assert.equal(JSON.parse(run.stdout).errors[0].code, 'INVALID_INPUT');
    assert.deepEqual(server.lines.filter((line) => line.startsWith('GET ')), [], 'nothing was sent');
  });
}

test('an error that is not relpack\'s own is shown as a sentence with its code, never a stack trace', () => {
  const [internal] = relpackErrors(new TypeError("Cannot read properties of null (reading 'file_name')"));
  assert.equal(internal.code, 'INTERNAL');
  assert.equal(internal.exitCode, 1);
  assert.equal(internal.describe().split('\n')[0], "unexpected TypeError: Cannot read properties of null (reading 'file_name')");
  assert.doesNotMatch(internal.describe(), /\bat /);
  // A batch of parallel failures is each error on its own.
  const batch = relpackErrors({ errors: [new RelpackError('NETWORK', 'one'), new Error('two')] });
  assert.deepEqual(
    batch.map((e) => [e.code, e.message]),
    [
      ['NETWORK', 'one'],
      ['INTERNAL', 'unexpected Error: two'],
    ],
  );
});
