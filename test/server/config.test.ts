// Config validation names the bad key; zero-config defaults match the README quick start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../src/server/config.js';
import { serve, tempDir, rm, generic, put } from './helpers.js';

test('config: zero-config defaults', async () => {
  const c = await loadConfig({});
  const g = c.gitlab!;
  assert.deepEqual(g.projects.map((p) => [p.id, p.path, p.visibility, p.duplicatesAllowed, p.maxFileSize]), [[1, 'demo/app', 'private', true, 5 * 1024 ** 3]]);
  assert.deepEqual(g.projects[0]!.members, { maintainer: 'maintainer', developer: 'developer', reporter: 'reporter', guest: 'guest' });
  assert.deepEqual(Object.fromEntries(g.tokens.map((t) => [t.name, t.type])), {
    maintainer: 'personal', developer: 'personal', reporter: 'personal', guest: 'personal', outsider: 'personal',
    job: 'job', deployRw: 'deploy', deployRo: 'deploy', deployWo: 'deploy',
  });
  assert.equal(c.objectStorage.enabled, false);
  assert.equal(c.admin.token, 'relpack-admin-dev');
});

test('config: errors name the offending key', async () => {
  const bad: [unknown, RegExp][] = [
    [{ bogus: 1 }, /"bogus": unknown key/],
    [{ gitlab: { projects: [{ id: 'x' }] } }, /gitlab\.projects\[0\]\.id/],
    [{ gitlab: { projects: [{ path: 'noslash' }] } }, /gitlab\.projects\[0\]\.path/],
    [{ gitlab: { projects: [{ maxFileSize: 'lots' }] } }, /gitlab\.projects\[0\]\.maxFileSize/],
    [{ gitlab: { projects: [{ members: { nobody: 'developer' } }] } }, /gitlab\.projects\[0\]\.members\.nobody.*unknown user/],
    [{ gitlab: { projects: [{ duplicateExceptionRegex: '(' }] } }, /duplicateExceptionRegex.*not a valid regular expression/],
    [{ gitlab: { tokens: { x: { type: 'deploy', scopes: ['write_everything'] } } } }, /gitlab\.tokens\.x\.scopes\[0\]/],
    [{ gitlab: { tokens: { x: { type: 'personal' } } } }, /gitlab\.tokens\.x\.user.*required/],
    [{ gitlab: { tokens: { x: { type: 'job', user: 'maintainer', project: 7 } } } }, /gitlab\.tokens\.x\.project.*unknown project id 7/],
    [{ objectStorage: { enabled: 'yes' } }, /objectStorage\.enabled/],
    [{ faults: [{ route: 'gitlab.upload', kind: 'slow' }] }, /faults\[0\]\.bytesPerSecond/],
    [{ faults: [{ kind: 'status' }] }, /faults\[0\]\.route/],
  ];
  for (const [config, re] of bad) {
    await assert.rejects(loadConfig({ config: config as never }), (e: unknown) => e instanceof ConfigError && re.test(e.message), JSON.stringify(config));
  }
});

test('config: YAML file merged with an object; sizes with units; flavour tokens merged', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'serve.yml');
  await writeFile(file, [
    'gitlab:',
    '  users: [alice, bob]',
    '  projects:',
    '    - id: 42',
    '      path: acme/tools',
    '      visibility: public',
    '      maxFileSize: 1KiB',
    '      members: { alice: maintainer, bob: developer }',
    '  tokens:',
    '    alice: { type: personal, user: alice, value: alice-token }',
    '    ci: { type: job, user: bob, project: 42 }',
    '',
  ].join('\n'));
  const c = await loadConfig({ configFile: file, config: { admin: { token: 'sekret' } } });
  assert.equal(c.admin.token, 'sekret');
  assert.equal(c.gitlab!.projects[0]!.maxFileSize, 1024);
  assert.deepEqual(c.gitlab!.tokens.map((x) => x.value), ['alice-token', 'glcbt-dev-ci']);
  const s = await serve(t, undefined, { configFile: file });
  assert.equal(s.tokens.alice, 'alice-token');
  assert.equal(s.tokens.ci, 'glcbt-dev-ci');
  assert.equal(s.tokens.admin, 'relpack-admin-dev');
  assert.equal(s.tokens.maintainer, undefined, 'a tokens map replaces the default tokens');
  assert.equal((await put(s, generic('f', 'p', '1', 42), 'x', 'alice-token')).status, 201);
  assert.equal((await put(s, generic('f', 'p', '1', 'acme%2Ftools'), Buffer.alloc(2000), { 'JOB-TOKEN': 'glcbt-dev-ci' })).status, 400);
});

test('config: docs/serve.example.yml is valid and starts', async (t) => {
  const file = new URL('../../docs/serve.example.yml', import.meta.url).pathname;
  const c = await loadConfig({ configFile: file });
  assert.deepEqual(c.gitlab!.projects.map((p) => [p.id, p.visibility, p.maxFileSize]), [[1, 'private', 5 * 1024 ** 3], [2, 'public', 100 * 1024 ** 2]]);
  assert.equal(c.faults.length, 2);
  const s = await serve(t, undefined, { configFile: file });
  assert.equal(s.tokens.readonly, 'glpat-dev-readonly');
  assert.equal((await put(s, generic('f'), 'x', 'glpat-dev-readonly')).status, 503, 'the example flaky-upload fault');
  assert.equal((await put(s, generic('f'), 'x', 'glpat-dev-readonly')).status, 403, 'read_api cannot upload');
  assert.equal((await put(s, generic('f'), 'x', 'glpat-dev-expired')).status, 401);
});
