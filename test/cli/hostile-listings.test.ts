/**
 * What relpack does with a registry listing it cannot trust (issue 13, points 7, 9 and 16), with
 * `relpack serve`'s `status` fault answering the listing in the registry's place:
 * - a name with control characters is refused like a name that would leave --out, and nothing a
 *   user sees carries the raw character: not the error lines, not the `--json` document;
 * - an unsafe name in the server's listing is the registry's fault: exit 1 (2 is bad usage);
 * - an answer of the wrong shape (a null name, a number for a string, not JSON, a null row, a
 *   missing field) is a PROTOCOL error naming the field and the request, never a stack trace.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { cli, serve, tempDir, writeTree, type CliRun } from '../helpers/harness.js';
import { gitea, gitlab, type Flavour } from '../helpers/flavours.js';

const SHA = 'c'.repeat(64);
/** C0 (newline, ESC, CR), DEL, C1 (CSI), and the right-to-left override. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the test looks for
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

async function published(flavour: Flavour = gitlab) {
  const server = await serve();
  const env = flavour.writer(server);
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const up = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0'], { env, cwd: work });
  assert.equal(up.code, 0, up.stderr);
  return { server, env };
}

function rows(...names: unknown[]): string {
  return JSON.stringify(names.map((file_name, i) => ({ id: 100 + i, package_id: 1, file_name, size: 1, file_sha256: SHA })));
}

function assertNoStack(run: CliRun): void {
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace on stderr');
  assert.doesNotMatch(run.stdout, /\n\s+at .+:\d+:\d+/, 'no stack trace on stdout');
}

for (const [label, name] of [
  ['a newline', 'evil\nrelpack: downloaded everything.bin'],
  ['an ESC sequence', 'evil\u001b[2J\u001b[31m.bin'],
  ['a carriage return', 'a.bin\rok.bin'],
  ['DEL', 'evil\u007f.bin'],
  ['a C1 CSI', 'evil\u009b31m.bin'],
  ['a right-to-left override', 'evil\u202etxt.exe'],
] as const) {
  test(`a listed name with ${label} is refused (exit 1) and shown escaped, in the text and in --json`, async () => {
    const { server, env } = await published();
    server.faults.add({ route: 'gitlab.package_files.list', kind: 'status', status: 200, body: rows('a.bin', name), headers: { 'content-type': 'application/json' } });
    const out = await tempDir();
    const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /refusing ".*": the name holds control characters/);
    assert.doesNotMatch(run.stderr, UNPRINTABLE, 'stderr carries no raw control character');
    assert.doesNotMatch(run.stdout, UNPRINTABLE, 'stdout carries no raw control character');
    const json = JSON.parse(run.stdout);
    assert.equal(json.errors[0].code, 'UNSAFE_PATH');
    assert.ok(json.errors[0].message.includes(JSON.stringify(name)), 'the JSON message quotes the name as a JSON string');
    assert.deepEqual(await readdir(out), [], 'nothing was written');
    const listed = await cli(['list', '--name', 'app', '--version', '1.0.0'], { env });
    assert.equal(listed.code, 1, listed.stderr);
    assert.match(listed.stderr, /the registry lists a file named ".*", with control characters/);
    assert.doesNotMatch(listed.stderr + listed.stdout, UNPRINTABLE);
    assertNoStack(run);
  });
}

test('a listed version with control characters is refused by list, not printed', async () => {
  const { server, env } = await published();
  server.faults.add({
    route: 'gitlab.packages.list',
    kind: 'status',
    status: 200,
    body: JSON.stringify([{ id: 1, name: 'app', version: '1.0.0\u001b]0;pwned\u0007', package_type: 'generic' }]),
    headers: { 'content-type': 'application/json' },
  });
  const run = await cli(['list', '--name', 'app'], { env });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /lists a version named "1\.0\.0\\u001b\]0;pwned\\u0007", with control characters/);
  assert.doesNotMatch(run.stderr + run.stdout, UNPRINTABLE);
});

test('a name in the server\'s listing that would leave --out exits 1: the registry is at fault, not the usage', async () => {
  const { server, env } = await published();
  const out = await tempDir();
  for (const name of ['../escape.bin', '/etc/passwd', 'a/../../b.bin']) {
    server.faults.add({ id: 'listing', route: 'gitlab.package_files.list', kind: 'status', status: 200, body: rows(name), headers: { 'content-type': 'application/json' } });
    const run = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out, '--json'], { env });
    assert.equal(run.code, 1, `${name}: ${run.stderr}`);
    assert.equal(JSON.parse(run.stdout).errors[0].code, 'UNSAFE_PATH', 'the code stays what it was');
  }
  // The same names typed by the user are bad usage, refused before anything is sent.
  const typed = await cli(['download', '../escape.bin', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
  assert.equal(typed.code, 2, typed.stderr);
});

const MALFORMED: [string, string, RegExp][] = [
  ['file_name is null', rows(null), /row 1: "file_name" is null, where a string was expected/],
  ['file_name is a number', rows(42), /row 1: "file_name" is the number 42, where a string was expected/],
  ['size is a string', JSON.stringify([{ id: 1, package_id: 1, file_name: 'a.bin', size: '1', file_sha256: SHA }]), /row 1: "size" is the string "1", where a whole number was expected/],
  ['the id is missing', JSON.stringify([{ package_id: 1, file_name: 'a.bin', size: 1 }]), /row 1: "id" is missing, where a whole number was expected/],
  ['a row is null', `[${rows('a.bin').slice(1, -1)},null]`, /row 2 is null, where an object was expected/],
  ['the SHA-256 is not hex', JSON.stringify([{ id: 1, package_id: 1, file_name: 'a.bin', size: 1, file_sha256: 'not-a-digest' }]), /"file_sha256" is the string "not-a-digest", where a SHA-256 in hex was expected/],
  ['the body is an object', '{"message":"ok"}', /the body is an object, where a list was expected/],
  ['the body is not JSON', '<html><body>Sign in</body></html>', /is not JSON: it starts "<html><body>Sign in<\/body><\/html>"/],
  ['the body is empty', '', /is not JSON \(an empty body\)/],
];

for (const [label, body, message] of MALFORMED) {
  test(`a listing where ${label} is a PROTOCOL error naming the field and the request`, async () => {
    const { server, env } = await published();
    server.faults.add({ route: 'gitlab.package_files.list', kind: 'status', status: 200, body, headers: { 'content-type': 'application/json' } });
    for (const args of [
      ['download', '--name', 'app', '--version', '1.0.0', '--out', await tempDir(), '--json'],
      ['list', '--name', 'app', '--version', '1.0.0', '--json'],
    ]) {
      const run = await cli(args, { env });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /request: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/1\/packages\/\d+\/package_files/);
      assert.equal(JSON.parse(run.stdout).errors[0].code, 'PROTOCOL');
      assertNoStack(run);
    }
    // A wrong shape is not a network failure: asked for once, not retried.
    assert.equal(server.faults.fired().length, 2);
  });
}

test('the packages listing and the upload answer are checked too (GitLab)', async () => {
  const { server, env } = await published();
  server.faults.add({ id: 'packages', route: 'gitlab.packages.list', kind: 'status', status: 200, body: '[{"id":"1","name":"app","version":"1.0.0"}]', headers: { 'content-type': 'application/json' } });
  const listed = await cli(['list', '--name', 'app'], { env });
  assert.equal(listed.code, 1);
  assert.match(listed.stderr, /answer to GET .*\/packages\?.* is not what relpack expects: row 1: "id" is the string "1", where a whole number was expected/);
  server.faults.remove('packages');
  server.faults.add({ route: 'gitlab.upload', kind: 'status', status: 200, body: '{"id":1,"file_name":null}', headers: { 'content-type': 'application/json' }, afterBody: true });
  const work = await writeTree(await tempDir(), { 'b.bin': 'b' });
  const up = await cli(['publish', 'b.bin', '--name', 'app', '--version', '2.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(up.code, 1, up.stderr);
  assert.match(up.stderr, /answer to PUT .*b\.bin\?select=package_file&status=default is not what relpack expects: "file_name" is null/);
  assertNoStack(up);
});

test('Gitea: a files listing that is not JSON, and a version listing with a null row, are PROTOCOL errors', async () => {
  const { server, env } = await published(gitea);
  server.faults.add({ id: 'files', route: 'gitea.files.list', kind: 'status', status: 200, body: 'Service temporarily down for maintenance' });
  const files = await cli(['list', '--name', 'app', '--version', '1.0.0'], { env });
  assert.equal(files.code, 1, files.stderr);
  assert.match(files.stderr, /the answer to GET .*\/api\/v1\/packages\/demo\/generic\/app\/1\.0\.0\/files is not JSON: it starts "Service temporarily/);
  server.faults.remove('files');
  server.faults.add({ route: 'gitea.packages.versions', kind: 'status', status: 200, body: '[null]', headers: { 'content-type': 'application/json' } });
  const versions = await cli(['list', '--name', 'app'], { env });
  assert.equal(versions.code, 1, versions.stderr);
  assert.match(versions.stderr, /row 1 is null, where an object was expected/);
  assertNoStack(versions);
});

test('what a server says in an error answer is quoted on one line, with control characters escaped', async () => {
  const { server, env } = await published();
  server.faults.add({
    route: 'gitlab.upload',
    kind: 'status',
    status: 400,
    body: JSON.stringify({ message: 'bad\nrelpack: published app 9.9.9: 1 uploaded\u001b[2K' }),
    headers: { 'content-type': 'application/json' },
    afterBody: true,
  });
  const work = await writeTree(await tempDir(), { 'b.bin': 'b' });
  const run = await cli(['publish', 'b.bin', '--name', 'app', '--version', '2.0.0', '--checksums', 'none'], { env, cwd: work });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /the registry rejected PUT b\.bin: bad relpack: published app 9\.9\.9: 1 uploaded\\u001b\[2K/);
  assert.doesNotMatch(run.stderr, /^relpack: published/m, 'no line of the output is the server\'s');
  assert.doesNotMatch(run.stderr, UNPRINTABLE);
});
