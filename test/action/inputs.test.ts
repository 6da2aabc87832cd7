/** The action's input parsing (src/action/inputs.ts), as the runner passes inputs: strings in INPUT_* variables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envInputReader, readActionInputs } from '../../src/action/inputs.js';

const read = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  readActionInputs(envInputReader(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))), env);

test('defaults: the declared ones and the repository name (the version stays empty: the operation takes the tag); files one per line, CRLF, blanks and comments dropped', () => {
  const options = read({ files: 'dist/\r\n\r\n# not this one\n  !dist/**/*.map  \n' }, { GITHUB_REPOSITORY: 'acme/tool', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.2.0' });
  assert.equal(options.command, 'publish');
  assert.equal(options.name, 'tool');
  assert.equal(options.version, '', 'the tag becomes the version in the operation, by the one rule of every shell');
  assert.deepEqual(options.files, ['dist/', '!dist/**/*.map']);
  assert.equal(options.concurrency, 8);
  assert.equal(options.checksums, 'SHA256SUMS');
  assert.equal(options.ifExists, 'skip');
  assert.equal(options.verify, true);
  assert.equal(options.dryRun, false);
  assert.deepEqual(options.connection, { registry: undefined, url: undefined, project: undefined, owner: undefined, token: undefined });
});

test('explicit inputs win; booleans in the YAML spellings; checksums none; the token goes to the connection', () => {
  const options = read(
    { command: 'download', name: 'x', version: '2.0.0', 'dry-run': 'True', verify: 'FALSE', checksums: 'none', token: 't0ken', url: 'https://g.example', registry: 'forgejo', concurrency: '64' },
    { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v9' },
  );
  assert.equal(options.version, '2.0.0');
  assert.equal(options.dryRun, true);
  assert.equal(options.verify, false);
  assert.equal(options.checksums, null);
  assert.equal(options.concurrency, 64);
  assert.deepEqual(options.connection, { registry: 'forgejo', url: 'https://g.example', project: undefined, owner: undefined, token: 't0ken' });
});

test('each operation asks only for what it needs, and every error names the input', () => {
  assert.doesNotThrow(() => read({ command: 'list', name: 'x' }));
  assert.doesNotThrow(() => read({ command: 'download', name: 'x', version: '1' }));
  assert.doesNotThrow(() => read({ command: 'bump', name: 'x', files: 'a' }));
  assert.throws(() => read({ command: 'download', name: 'x' }), /input "version" is required for command download/);
  assert.throws(() => read({ command: 'bump', name: 'x' }), /input "files" is required for command bump/);
  assert.throws(() => read({ command: 'list' }), /input "name" is required for command list/);
  assert.throws(() => read({ name: 'x', version: '1', files: 'a', concurrency: '0' }), /input "concurrency" must be a whole number from 1 to 64, not "0"/);
  assert.throws(() => read({ name: 'x', version: '1', files: 'a', concurrency: '2.5' }), /input "concurrency"/);
  assert.throws(() => read({ name: 'x', version: '1', files: 'a', registry: 'github' }), /input "registry" must be one of gitlab, gitea, forgejo, not "github"/);
  assert.throws(() => read({ command: 'bump', name: 'x', files: 'a', bump: 'huge' }), /input "bump" must be one of major, minor, patch/);
  assert.equal(read({ command: 'download', name: 'x', version: '1', out: ' ' }).out, 'downloads', 'blank is unset, as getInput trims');
});
