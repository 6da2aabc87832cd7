/**
 * One suite, two flavours (issue 4, item 7): publish, download, list and delete behave the same
 * against GitLab's and Gitea's shapes of `relpack serve`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { flavours } from '../helpers/flavours.js';
import { cli, serve, tempDir, writeTree } from '../helpers/harness.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join((e as unknown as { parentPath?: string; path: string }).parentPath ?? e.path, e.name).slice(dir.length + 1)).sort();
}

for (const flavour of flavours) {
  describe(`${flavour.name}`, () => {
    test(`${flavour.name}: a directory tree round-trips, verified, and sha256sum -c agrees`, async () => {
      const server = await serve();
      const work = await writeTree(await tempDir(), { 'out/bin/tool': 'tool', 'out/share/doc/a b.txt': 'doc', 'out/skip.map': 'map', 'top.bin': 'top' });
      const env = flavour.writer(server);
      const publish = await cli(['publish', 'out', 'top.bin', '!out/*.map', '--name', 'app', '--version', '1.0.0', '--json'], { env, cwd: work });
      if (flavour.name === 'gitlab') {
        // GitLab file names cannot hold spaces (`lib/gitlab/regex/packages.rb`): refused before any request.
        assert.equal(publish.code, 2);
        assert.match(publish.stderr, /invalid file name "a b\.txt"/);
        return;
      }
      assert.equal(publish.code, 0, publish.stderr);
      assert.equal(JSON.parse(publish.stdout).uploaded, 4);
      const out = await tempDir();
      const download = await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env });
      assert.equal(download.code, 0, download.stderr);
      assert.deepEqual(await files(out), ['SHA256SUMS', 'bin/tool', 'share/doc/a b.txt', 'top.bin']);
      execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: out });
    });

    test(`${flavour.name}: directories keep their structure in the registry and back`, async () => {
      const server = await serve();
      const work = await writeTree(await tempDir(), { 'rel/linux/amd64/tool': 'L', 'rel/darwin/arm64/tool': 'D' });
      const env = flavour.writer(server);
      assert.equal((await cli(['publish', 'rel', '--name', 'app', '--version', '1.0.0', '--checksums', 'none'], { env, cwd: work })).code, 0);
      assert.deepEqual((await flavour.rows(server, 'app', '1.0.0')).map((r) => r.name).sort(), ['darwin/arm64/tool', 'linux/amd64/tool']);
      const out = await tempDir();
      assert.equal((await cli(['download', '--name', 'app', '--version', '1.0.0', '--out', out], { env })).code, 0);
      assert.equal(await readFile(join(out, 'linux/amd64/tool'), 'utf8'), 'L');
    });

    test(`${flavour.name}: re-run skips identical files; changed content fails; replace overwrites`, async () => {
      const server = await serve();
      const work = await writeTree(await tempDir(), { 'a.bin': 'one', 'b.bin': 'two' });
      const env = flavour.writer(server);
      const args = ['publish', 'a.bin', 'b.bin', '--name', 'app', '--version', '2.0.0', '--json'];
      assert.equal((await cli(args, { env, cwd: work })).code, 0);
      const again = await cli(args, { env, cwd: work });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).uploaded, 0);
      await writeTree(work, { 'b.bin': 'TWO' });
      const changed = await cli(args, { env, cwd: work });
      assert.equal(changed.code, 1);
      assert.match(changed.stderr, /different content[\s\S]*b\.bin/);
      const replaced = await cli([...args, '--if-exists', 'replace'], { env, cwd: work });
      assert.equal(replaced.code, 0, replaced.stderr);
      const rows = await flavour.rows(server, 'app', '2.0.0');
      assert.deepEqual(rows.filter((r) => r.name === 'b.bin').map((r) => r.sha256), [sha('TWO')]);
      const out = await tempDir();
      assert.equal((await cli(['download', '--name', 'app', '--version', '2.0.0', '--out', out], { env })).code, 0);
      assert.equal(await readFile(join(out, 'b.bin'), 'utf8'), 'TWO');
    });

    test(`${flavour.name}: corrupted bytes fail and leave nothing; 503 and a dropped stored upload are retried without duplicates`, async () => {
      const server = await serve();
      const work = await writeTree(await tempDir(), { 'a.bin': Buffer.alloc(8192, 3) });
      const env = flavour.writer(server);
      server.faults.add({ route: flavour.routes.upload, kind: 'status', status: 503, times: [1] });
      server.faults.add({ route: flavour.routes.upload, kind: 'drop-after-commit', times: [2] });
      const publish = await cli(['publish', 'a.bin', '--name', 'app', '--version', '3.0.0', '--checksums', 'none'], { env, cwd: work });
      assert.equal(publish.code, 0, publish.stderr);
      assert.match(publish.stderr, /the failed attempt had stored the file/);
      assert.equal((await flavour.rows(server, 'app', '3.0.0')).length, 1);
      server.faults.add({ route: flavour.routes.download, kind: 'corrupt' });
      const out = await tempDir();
      const download = await cli(['download', '--name', 'app', '--version', '3.0.0', '--out', out], { env: { ...env, RELPACK_RETRIES: '1' } });
      assert.equal(download.code, 1);
      assert.match(download.stderr, /a\.bin: SHA-256 mismatch/);
      assert.deepEqual(await files(out), []);
    });

    test(`${flavour.name}: object-storage redirect (${flavour.redirectStatus}) is followed without credentials`, async () => {
      const server = await serve({ config: { objectStorage: { enabled: true } } });
      const work = await writeTree(await tempDir(), { 'a.bin': 'remote bytes' });
      const env = flavour.writer(server);
      assert.equal((await cli(['publish', 'a.bin', '--name', 'app', '--version', '4.0.0'], { env, cwd: work })).code, 0);
      const out = await tempDir();
      const run = await cli(['download', '--name', 'app', '--version', '4.0.0', '--out', out], { env });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await readFile(join(out, 'a.bin'), 'utf8'), 'remote bytes');
      assert.ok(server.lines.some((line) => line.includes(` ${flavour.redirectStatus} `)), `saw a ${flavour.redirectStatus}`);
      // The storage origin, like S3, ignores token headers rather than refusing them: serve records
      // any that reach it, and none may.
      assert.deepEqual(server.storageCredentials(), [], 'no credential reached the storage origin');
    });

    test(`${flavour.name}: list versions and files; delete needs --yes`, async () => {
      const server = await serve();
      const work = await writeTree(await tempDir(), { 'a.bin': 'a', 'b.bin': 'b' });
      const env = flavour.writer(server);
      for (const version of ['1.0.0', '1.1.0']) assert.equal((await cli(['publish', 'a.bin', 'b.bin', '--name', 'app', '--version', version], { env, cwd: work })).code, 0);
      const versions = await cli(['list', '--name', 'app', '--json'], { env });
      assert.deepEqual(JSON.parse(versions.stdout).versions.map((v: { version: string }) => v.version), ['1.0.0', '1.1.0']);
      const listed = await cli(['list', '--name', 'app', '--version', '1.1.0', '--json'], { env });
      assert.deepEqual(
        JSON.parse(listed.stdout).files.map((f: { fileName: string; sha256: string }) => [f.fileName, f.sha256]),
        [['SHA256SUMS', JSON.parse(listed.stdout).files[0].sha256], ['a.bin', sha('a')], ['b.bin', sha('b')]],
      );
      const dry = await cli(['delete', 'a.bin', '--name', 'app', '--version', '1.1.0'], { env });
      assert.equal(dry.code, 0);
      assert.equal((await flavour.rows(server, 'app', '1.1.0')).length, 3);
      assert.equal((await cli(['delete', 'a.bin', '--name', 'app', '--version', '1.1.0', '--yes'], { env })).code, 0);
      assert.deepEqual((await flavour.rows(server, 'app', '1.1.0')).map((r) => r.name).sort(), ['SHA256SUMS', 'b.bin']);
      assert.equal((await cli(['delete', '--name', 'app', '--version', '1.1.0', '--yes'], { env })).code, 0);
      assert.deepEqual(await flavour.rows(server, 'app', '1.1.0'), []);
      const after = await cli(['list', '--name', 'app', '--json'], { env });
      assert.deepEqual(JSON.parse(after.stdout).versions.map((v: { version: string }) => v.version), ['1.0.0']);
    });

    test(`${flavour.name}: no token in any output`, async () => {
      const server = await serve();
      const work = await writeTree(await tempDir(), { 'a.bin': 'a' });
      const env = flavour.writer(server);
      const runs = [
        await cli(['publish', 'a.bin', '--name', 'app', '--version', '5.0.0', '--json'], { env, cwd: work }),
        await cli(['download', '--name', 'app', '--version', '5.0.0', '--out', await tempDir(), '--json'], { env }),
        await cli(['download', '--name', 'app', '--version', '9.9.9', '--out', await tempDir()], { env }),
        await cli(['list', '--name', 'app', '--json'], { env }),
      ];
      for (const run of runs) {
        assert.ok(!run.stdout.includes(env.RELPACK_TOKEN) && !run.stderr.includes(env.RELPACK_TOKEN));
      }
    });
  });
}
