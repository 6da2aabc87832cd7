/**
 * The adapter table and each flavour's strategies (src/registry/types.ts), against `relpack serve`:
 * how a replace is ordered (Gitea refuses a second file of a name, docs/gitea-behaviour.md; GitLab
 * adds a row per PUT, docs/gitlab-behaviour.md case 5), which uploads a listing cannot show, and
 * the name rule alone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sha256 } from '../../src/base/hashing.js';
import { HttpClient } from '../../src/http/client.js';
import { createRegistry, REGISTRY_ADAPTERS } from '../../src/registry/adapters.js';
import type { RegistryAdapter, RegistryFlavour, RegistryTarget } from '../../src/registry/types.js';
import type { RunningServer } from '../../src/server/index.js';
import { serve } from '../helpers/harness.js';

let server: RunningServer;
const open: RegistryAdapter[] = [];

before(async () => {
  server = await serve();
});
after(async () => {
  for (const registry of open) await registry.close();
  await server.close();
});

function connect(flavour: RegistryFlavour): RegistryAdapter {
  const gitlab = flavour === 'gitlab';
  const token = gitlab ? server.tokens.maintainer : server.tokens.giteaOwner;
  const target: RegistryTarget = { url: server.url, project: '1', owner: 'demo', credential: 'a test token', jobToken: false, anonymous: false };
  const http = new HttpClient({ credentials: gitlab ? { 'PRIVATE-TOKEN': token } : { Authorization: `token ${token}` }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  const registry = createRegistry(flavour, target, http);
  open.push(registry);
  return registry;
}

test('the table has one adapter per flavour, and each refuses a target without its own setting', () => {
  assert.deepEqual(Object.keys(REGISTRY_ADAPTERS).sort(), ['gitea', 'gitlab']);
  const http = new HttpClient();
  const bare = { url: 'http://127.0.0.1:1', credential: 'none', jobToken: false, anonymous: true };
  assert.throws(() => createRegistry('gitlab', bare, http), (e: Error & { code?: string }) => e.code === 'USAGE' && /GitLab project/.test(e.message));
  assert.throws(() => createRegistry('gitea', bare, http), (e: Error & { code?: string }) => e.code === 'USAGE' && /Gitea owner/.test(e.message));
  void http.close();
});

for (const flavour of ['gitlab', 'gitea'] as const) {
  test(`${flavour}: validateName checks the package name alone, with validateRef's rule`, () => {
    const registry = connect(flavour);
    registry.validateName('tool.cli-1');
    assert.throws(() => registry.validateName('no/slash'), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /invalid package name/.test(e.message));
    assert.throws(() => registry.validateRef({ name: 'no/slash', version: '1.0.0' }), /invalid package name/);
  });

  test(`${flavour}: secrets() are the credential's, for masking`, () => {
    const token = flavour === 'gitlab' ? server.tokens.maintainer : server.tokens.giteaOwner;
    assert.ok(connect(flavour).secrets().includes(token));
  });

  test(`${flavour}: replaceFile leaves one file with the new bytes, ordered as the registry allows`, async () => {
    const registry = connect(flavour);
    const ref = { name: `replace-${flavour}`, version: '1.0.0' };
    await registry.upload(ref, 'a.txt', () => Buffer.from('one'), 3, {});
    const [existing] = await registry.listFiles(ref);
    let rowsDuringUpload: string[] = [];
    const replaced = await registry.replaceFile(ref, existing, async () => {
      rowsDuringUpload = (await registry.listRows(ref)).map((row) => row.sha256!);
      return registry.upload(ref, 'a.txt', () => Buffer.from('two'), 3, {});
    });
    assert.equal(replaced.warning, undefined);
    // Gitea deletes first (a reader in between sees no file); GitLab uploads first, then prunes.
    assert.deepEqual(rowsDuringUpload, flavour === 'gitea' ? [] : [sha256('one')]);
    assert.deepEqual((await registry.listRows(ref)).map((row) => [row.fileName, row.sha256]), [['a.txt', sha256('two')]]);
  });

  test(`${flavour}: unlistedUploads says why a hidden upload cannot be looked for (GitLab only)`, () => {
    const registry = connect(flavour);
    assert.equal(registry.unlistedUploads({}), undefined);
    if (flavour === 'gitlab') assert.equal(registry.unlistedUploads({ hidden: true }), 'GitLab does not list hidden packages');
    else assert.equal(registry.unlistedUploads({ hidden: true }), undefined);
  });
}
