/**
 * The three version stores against `relpack serve` over real HTTP (issue 5, items 1 and 5):
 * read, create, update keeping flags and scope, compare-and-set, and what each job token gets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { pipelineTag, resolveVersionStore, versionStoreKind } from '../../src/options/version-store.js';
import { compareAndSet } from '../../src/core/compare-and-set.js';
import type { VariableStore } from '../../src/registry/variables/types.js';
import { serve } from '../helpers/harness.js';

type Server = Awaited<ReturnType<typeof serve>>;

/** Environment that selects each store the way its CI system would, with a token that may write. */
export const storeEnv = {
  gitlab: (s: Server, token = s.tokens.maintainer) => ({ CI_API_V4_URL: `${s.url}/api/v4`, CI_PROJECT_ID: '1', RELPACK_VARIABLES_TOKEN: token }),
  gitea: (s: Server, token = s.tokens.giteaOwner) => ({ GITEA_ACTIONS: 'true', GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: s.url, GITHUB_REPOSITORY: 'demo/app', RELPACK_VARIABLES_TOKEN: token }),
  github: (s: Server, token = s.tokens.githubAdmin) => ({ GITHUB_ACTIONS: 'true', GITHUB_API_URL: `${s.url}/api/v3`, GITHUB_REPOSITORY: 'demo/app', RELPACK_VARIABLES_TOKEN: token }),
};

function open(env: Record<string, string>): VariableStore {
  return resolveVersionStore({}, { RELPACK_RETRY_DELAY_MS: '20', ...env }).store;
}

async function rawJson(url: string, headers: Record<string, string>, method = 'GET', body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

for (const kind of ['gitlab', 'gitea', 'github'] as const) {
  test(`${kind} store: missing -> create -> read -> compare-and-set wins once, then refuses a stale expectation`, async () => {
    const server = await serve();
    const store = open(storeEnv[kind](server));
    assert.equal(store.kind, kind);
    try {
      assert.equal(await store.read('PKG_VERSION'), undefined);
      assert.deepEqual(await compareAndSet(store, 'PKG_VERSION', undefined, '0.1.0'), { outcome: 'created' });
      assert.equal((await store.read('PKG_VERSION'))?.value, '0.1.0');
      assert.equal((await compareAndSet(store, 'PKG_VERSION', undefined, '9.9.9')).outcome, 'changed', 'a second create is refused');
      const won = await compareAndSet(store, 'PKG_VERSION', '0.1.0', '0.2.0');
      assert.equal(won.outcome, 'updated');
      const lost = await compareAndSet(store, 'PKG_VERSION', '0.1.0', '0.2.1');
      assert.equal(lost.outcome, 'changed');
      assert.equal(lost.outcome === 'changed' && lost.actual?.value, '0.2.0');
      assert.equal((await store.read('PKG_VERSION'))?.value, '0.2.0');
      assert.throws(() => store.validateName('BAD-NAME'), /invalid variable name "BAD-NAME"/);
    } finally {
      await store.http.close();
    }
  });
}

test('gitlab store: an update keeps protected, masked, raw, type, description and the environment scope', async () => {
  const server = await serve();
  const headers = { 'PRIVATE-TOKEN': server.tokens.maintainer };
  const base = `${server.url}/api/v4/projects/1/variables`;
  const created = await rawJson(base, headers, 'POST', {
    key: 'PKG_VERSION', value: '1.0.0-alpha.1', protected: true, masked: true, raw: false, environment_scope: 'production', description: 'the version',
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const store = open(storeEnv.gitlab(server));
  try {
    const read = await store.read('PKG_VERSION');
    assert.deepEqual(read?.flags, { protected: true, masked: true, hidden: false, raw: false, environmentScope: 'production', variableType: 'env_var', description: 'the version' });
    await store.update(read!, '1.0.0-alpha.2');
    const after = await rawJson(`${base}/PKG_VERSION`, headers);
    assert.deepEqual(after.json, { ...created.json, value: '1.0.0-alpha.2' });
    // A masked value must have 8 characters: GitLab's refusal is explained.
    await assert.rejects(store.update(read!, '1.0.1'), /masked variable PKG_VERSION: a masked value needs at least 8 characters[\s\S]*/);
  } finally {
    await store.http.close();
  }
});

test('gitea store: an update sends the description back (Gitea 1.24+ would clear it)', async () => {
  const server = await serve();
  const headers = { Authorization: `token ${server.tokens.giteaOwner}` };
  const url = `${server.url}/api/v1/repos/demo/app/actions/variables/PKG_VERSION`;
  assert.ok([201, 204].includes((await rawJson(url, headers, 'POST', { value: '2.0.0', description: 'keep me' })).status));
  const store = open(storeEnv.gitea(server));
  try {
    const read = await store.read('pkg_version');
    assert.equal(read?.name, 'PKG_VERSION');
    await store.update(read!, '2.0.1');
    const after = await rawJson(url, headers);
    assert.equal(after.json.data, '2.0.1');
    assert.equal(after.json.description, 'keep me');
  } finally {
    await store.http.close();
  }
});

test('job tokens cannot reach variables: each store says which token is needed', async () => {
  const server = await serve();
  const cases: [keyof typeof storeEnv, string, RegExp][] = [
    ['gitlab', server.tokens.job, /UNAUTHORIZED|did not accept[\s\S]*api scope and the Maintainer role/],
    ['gitlab', server.tokens.developer, /refused GET[\s\S]*Maintainer role/],
    ['gitea', server.tokens.giteaActions, /refused GET[\s\S]*repository's owner/],
    ['github', server.tokens.githubActions, /refused GET[\s\S]*"Variables" repository permission/],
    ['github', server.tokens.githubReader, /refused POST/],
  ];
  for (const [kind, token, message] of cases) {
    const store = open(storeEnv[kind](server, token));
    try {
      const attempt = token === server.tokens.githubReader ? store.create('PKG_VERSION', '1.0.0') : store.read('PKG_VERSION');
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof RelpackError);
        assert.match(`${error.message}\n${error.describe()}`, message);
        return true;
      });
    } finally {
      await store.http.close();
    }
  }
});

test('store selection: from the CI environment, --version-store, then the registry; token precedence', () => {
  assert.deepEqual(versionStoreKind({}, { CI_PROJECT_ID: '7', CI_SERVER_URL: 'https://gitlab.example.com' }), { kind: 'gitlab', by: 'GitLab CI variables' });
  assert.deepEqual(versionStoreKind({}, { GITHUB_ACTIONS: 'true', GITEA_ACTIONS: 'true' }), { kind: 'gitea', by: 'GITEA_ACTIONS' });
  assert.deepEqual(versionStoreKind({}, { GITHUB_ACTIONS: 'true', FORGEJO_ACTIONS: 'true' }), { kind: 'gitea', by: 'FORGEJO_ACTIONS' });
  assert.deepEqual(versionStoreKind({}, { GITHUB_ACTIONS: 'true' }), { kind: 'github', by: 'GITHUB_ACTIONS' });
  assert.deepEqual(versionStoreKind({ store: 'forgejo' }, { GITHUB_ACTIONS: 'true' }), { kind: 'gitea', by: '--version-store' });
  assert.equal(versionStoreKind({ connection: { flavour: 'gitlab', url: 'x', jobToken: false, credentialLabel: '' } }, {}).kind, 'gitlab');
  assert.throws(() => versionStoreKind({}, {}), /cannot tell where the version variable is kept/);
  assert.throws(() => versionStoreKind({ store: 'svn' }, {}), /--version-store must be gitlab, gitea or github/);

  const gitlab = { CI_API_V4_URL: 'https://gitlab.example.com/api/v4', CI_PROJECT_ID: '7' };
  const picked = resolveVersionStore({}, { ...gitlab, RELPACK_TOKEN: 'glpat-package-token', RELPACK_VARIABLES_TOKEN: 'glpat-variables-token' });
  assert.equal(picked.credentialLabel, 'RELPACK_VARIABLES_TOKEN');
  assert.equal(picked.location, 'project 7 at https://gitlab.example.com');
  assert.ok(picked.secrets.includes('glpat-variables-token'));
  assert.equal(resolveVersionStore({}, { ...gitlab, RELPACK_TOKEN: 'glpat-package-token' }).credentialLabel, 'RELPACK_TOKEN');
  for (const [env, named] of [
    [{ ...gitlab, CI_JOB_TOKEN: 'glcbt-x' }, /only token here is the CI job token \(CI_JOB_TOKEN\)[\s\S]*api scope and the Maintainer role/],
    [{ ...gitlab, RELPACK_TOKEN: 'x', RELPACK_TOKEN_TYPE: 'job' }, /CI job token \(RELPACK_TOKEN\)/],
    [{ ...gitlab, RELPACK_TOKEN: 'x', RELPACK_TOKEN_TYPE: 'deploy' }, /RELPACK_TOKEN is a deploy token/],
    [{ GITEA_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://gitea.example.com', GITHUB_REPOSITORY: 'o/r', GITEA_TOKEN: 't' }, /CI job token \(GITEA_TOKEN\)[\s\S]*repository's owner/],
    [{ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 't' }, /CI job token \(GITHUB_TOKEN\)[\s\S]*"Variables" repository permission/],
    [{ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r' }, /no token was given/],
    [{ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 'ghs_same', RELPACK_VARIABLES_TOKEN: 'ghs_same' }, /RELPACK_VARIABLES_TOKEN holds the CI job token \(GITHUB_TOKEN\)[\s\S]*"Variables" repository permission/],
    [{ ...gitlab, CI_JOB_TOKEN: 'glcbt-x', RELPACK_TOKEN: 'glcbt-x' }, /RELPACK_TOKEN holds the CI job token \(CI_JOB_TOKEN\)/],
  ] as const) {
    assert.throws(() => resolveVersionStore({}, env as NodeJS.ProcessEnv), (error: unknown) => {
      assert.ok(error instanceof RelpackError);
      assert.equal(error.exitCode, 2);
      assert.match(error.describe(), named);
      assert.match(error.describe(), /RELPACK_VARIABLES_TOKEN/);
      return true;
    });
  }
  assert.equal(resolveVersionStore({}, { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', RELPACK_VARIABLES_TOKEN: 't' }).location, 'repository o/r at https://api.github.com');
});

test('pipeline tag: CI_COMMIT_TAG, or GITHUB_REF_NAME only for tag refs', () => {
  assert.equal(pipelineTag({ CI_COMMIT_TAG: 'v1.2.3' }), 'v1.2.3');
  assert.equal(pipelineTag({ GITHUB_REF_NAME: 'v1.2.3', GITHUB_REF_TYPE: 'tag' }), 'v1.2.3');
  assert.equal(pipelineTag({ GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' }), undefined);
  assert.equal(pipelineTag({ GITHUB_REF_NAME: 'v2.0.0', GITHUB_REF: 'refs/tags/v2.0.0' }), 'v2.0.0');
  assert.equal(pipelineTag({}), undefined);
});
