/**
 * The registry token never reaches another origin through the version store: GitHub Actions
 * publishing to GitLab keeps its version variable at the GitHub API, which needs its own token.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, serve, tempDir, writeTree } from '../helpers/harness.js';

test('RELPACK_TOKEN is not sent to a version store on another origin', async () => {
  const server = await serve();
  const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
  const otherOrigin = server.url.replace('127.0.0.1', 'localhost');
  const env = {
    RELPACK_URL: server.url,
    RELPACK_PROJECT: '1',
    RELPACK_TOKEN: server.tokens.maintainer,
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: `${otherOrigin}/api/v3`,
    GITHUB_REPOSITORY: 'demo/app',
  };
  const args = ['publish', 'a.bin', '--name', 'app', '--bump', 'patch', '--version-variable', 'APP_VERSION', '--version-store', 'github'];
  const refused = await cli(args, { env, cwd: work });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /RELPACK_TOKEN is the token for the packages at http:\/\/127\.0\.0\.1:\d+, but the version variable is at http:\/\/localhost:\d+[\s\S]*RELPACK_VARIABLES_TOKEN/);
  assert.ok(!server.lines.some((line) => /\/api\/v3\//.test(line)), 'nothing was sent to the GitHub API');
  assert.ok(!server.lines.some((line) => line.startsWith('PUT')), 'nothing was published');

  const withOwnToken = await cli(args, { env: { ...env, RELPACK_VARIABLES_TOKEN: server.tokens.githubAdmin }, cwd: work });
  assert.equal(withOwnToken.code, 0, withOwnToken.stderr);
  assert.match(withOwnToken.stderr, /APP_VERSION/);
});
