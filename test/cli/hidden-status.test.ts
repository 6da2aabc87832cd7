/**
 * Hidden stays hidden only while publishes say so (issue 14, point 4): GitLab changes a package's
 * status only when an upload sends `status` (`app/services/packages/generic/create_package_file_service.rb`,
 * `lib/api/generic_packages.rb` takes `status` in `default`/`hidden`), so relpack sends
 * `status=default` with every upload made without --hidden: the last publish decides. Over real
 * HTTP against `relpack serve`, which keeps the status unless one is sent, as GitLab does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJson } from '../helpers/gitlab.js';
import { cli, gitlabEnv, serve, tempDir, writeTree } from '../helpers/harness.js';

test('a publish without --hidden makes a hidden version visible again', async () => {
  const server = await serve();
  const env = gitlabEnv(server, server.tokens.maintainer);
  const work = await writeTree(await tempDir(), { 'a.bin': 'a', 'b.bin': 'b' });
  const hidden = await cli(['publish', 'a.bin', '--name', 'app', '--version', '1.0.0', '--hidden'], { env, cwd: work });
  assert.equal(hidden.code, 0, hidden.stderr);
  const listed = () => apiJson<{ version: string; status: string }[]>(server, server.tokens.maintainer, '/projects/1/packages?package_name=app');
  assert.deepEqual(await listed(), [], 'hidden: not listed');

  const visible = await cli(['publish', 'a.bin', 'b.bin', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
  assert.equal(visible.code, 0, visible.stderr);
  assert.equal(JSON.parse(visible.stdout).skipped, 1, 'a.bin, already there, is still skipped');
  assert.deepEqual((await listed()).map((p) => [p.version, p.status]), [['1.0.0', 'default']]);

  // and --hidden hides it again
  await writeTree(work, { 'c.bin': 'c' });
  assert.equal((await cli(['publish', 'c.bin', '--name', 'app', '--version', '1.0.0', '--hidden'], { env, cwd: work })).code, 0);
  assert.deepEqual(await listed(), []);
});
