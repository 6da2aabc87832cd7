/**
 * download --cache over real HTTP against `relpack serve`: the operation `download(ctx, request)`
 * places what the cache holds, fetches the rest, adds what it fetched (issue 16, part 2).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DownloadCache } from '../../src/core/cache.js';
import { silentReporter } from '../../src/core/progress.js';
import { download, type DownloadRequest } from '../../src/operations/download.js';
import { flavours } from '../helpers/flavours.js';
import { cli, serve, tempDir, writeTree } from '../helpers/harness.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const FILES: Record<string, string | Buffer> = {
  'bin/app': Buffer.alloc(300 * 1024, 7), // past the small-file path: streamed to a part file
  'share/doc/README': 'docs',
  'top.txt': 'top',
};

async function setup(flavour: (typeof flavours)[number]) {
  const server = await serve();
  const env = flavour.writer(server);
  const work = await writeTree(await tempDir(), Object.fromEntries(Object.entries(FILES).map(([k, v]) => [`pkg/${k}`, v])));
  const run = await cli(['publish', 'pkg', '--name', 'app', '--version', '1.0.0', '-q'], { env, cwd: work });
  assert.equal(run.code, 0, run.stderr);
  const warnings: string[] = [];
  const ctx = { env, cwd: work, reporter: { ...silentReporter, warn: (m: string) => warnings.push(m) }, addSecret: () => {}, userAgent: 'test' };
  const request = (out: string, extra: Partial<DownloadRequest> = {}): DownloadRequest => ({
    connection: {},
    name: 'app',
    version: '1.0.0',
    files: [],
    out,
    concurrency: 4,
    verify: true,
    checksums: 'SHA256SUMS',
    ...extra,
  });
  /** GET requests for file bodies, by path, since `from`. */
  const bodies = (from: number) => server.lines.slice(from).filter((line) => line.startsWith('GET ') && line.endsWith(` ${flavour.routes.download}`));
  return { server, ctx, request, bodies, warnings };
}

async function assertTree(out: string) {
  for (const [name, content] of Object.entries(FILES)) assert.equal(sha(await readFile(join(out, name))), sha(content), name);
}

for (const flavour of flavours) {
  test(`${flavour.name}: a second download into an empty folder sends no request for the files' bodies`, async () => {
    const { server, ctx, request, bodies } = await setup(flavour);
    const cacheDir = await tempDir();
    const first = await download(ctx, request(await tempDir(), { cache: cacheDir }));
    assert.equal(first.downloaded, 4);
    const entries = (await readdir(join(cacheDir, 'sha256'), { recursive: true })).filter((name) => /[0-9a-f]{64}$/.test(name));
    assert.equal(entries.length, 4, 'each file fetched was added');

    const before = server.lines.length;
    const out = await tempDir();
    const second = await download(ctx, request(out, { cache: cacheDir }));
    assert.deepEqual([second.downloaded, second.skipped], [0, 4]);
    await assertTree(out);
    // Not one body: the files come from the cache, and so does SHA256SUMS, which core then reads
    // from its target because its bytes hash to what the registry lists.
    assert.deepEqual(bodies(before), []);

    const third = server.lines.length;
    const out3 = await tempDir();
    const again = await download({ ...ctx, env: { ...ctx.env, RELPACK_CACHE_DIR: cacheDir } }, request(out3, { checksums: null }));
    assert.equal(again.skipped, 4, 'RELPACK_CACHE_DIR is the default cache');
    assert.deepEqual(bodies(third), [], 'without a manifest to read, not one body');
  });
}

test('a corrupt cache entry is detected, removed and fetched again, never placed', async () => {
  const { server, ctx, request, bodies, warnings } = await setup(flavours[0]);
  const cacheDir = await tempDir();
  await download(ctx, request(await tempDir(), { cache: cacheDir }));
  const cache = new DownloadCache(cacheDir);
  const digest = sha(FILES['top.txt']);
  await writeFile(cache.entryPath(digest), 'tampered');

  const before = server.lines.length;
  const out = await tempDir();
  const result = await download(ctx, request(out, { cache: cacheDir }));
  await assertTree(out);
  assert.equal(result.files.find((f) => f.name === 'top.txt')?.status, 'downloaded');
  assert.deepEqual(bodies(before).map((line) => line.split(' ')[1].split('/').pop()).sort(), ['top.txt'], 'only the file whose entry was corrupt');
  assert.match(warnings.join('\n'), /top\.txt: its cache entry did not match its SHA-256/);
  assert.equal(await readFile(cache.entryPath(digest), 'utf8'), 'top', 'the entry was replaced by the verified download');
  assert.deepEqual((await readdir(out)).filter((name) => name.includes('relpack')), [], 'no temporary file left');
});

test('eviction to --cache-max keeps the most recently used entries', async () => {
  const { ctx, request } = await setup(flavours[0]);
  const cacheDir = await tempDir();
  assert.equal((await download(ctx, request(await tempDir(), { cache: cacheDir }))).downloaded, 4);
  const cache = new DownloadCache(cacheDir);
  const long = new Date('2020-01-01T00:00:00Z');
  for (const content of Object.values(FILES)) await utimes(cache.entryPath(sha(content)), long, long);
  // top.txt is used (placed) now; with room for 16 bytes, the entries unused since 2020 go.
  const result = await download(ctx, request(await tempDir(), { files: ['top.txt'], cache: cacheDir, cacheMax: '16' }));
  assert.deepEqual([result.downloaded, result.skipped], [0, 1]);
  assert.ok(await cache.lookup(sha(FILES['top.txt'])), 'the most recently used stays');
  assert.equal(await cache.lookup(sha(FILES['bin/app'])), undefined, 'the least recently used went');
  const kept = (await readdir(join(cacheDir, 'sha256'), { recursive: true })).filter((name) => /[0-9a-f]{64}$/.test(name));
  assert.ok(kept.length <= 2, `evicted to the bound (${kept.length} kept)`);
  await assert.rejects(download(ctx, request(await tempDir(), { cache: cacheDir, cacheMax: '5 parsecs' })), /--cache-max must be a size such as 5GiB/);
});

test('two downloads sharing a cache at once both end with every file verified, and the cache whole', async () => {
  const { ctx, request } = await setup(flavours[0]);
  const cacheDir = await tempDir();
  const outs = [await tempDir(), await tempDir(), await tempDir()];
  await Promise.all(outs.slice(0, 2).map((out) => download(ctx, request(out, { cache: cacheDir }))));
  for (const out of outs.slice(0, 2)) await assertTree(out);
  const cache = new DownloadCache(cacheDir);
  for (const content of Object.values(FILES)) {
    const entry = await cache.lookup(sha(content));
    assert.ok(entry);
    assert.equal(sha(await readFile(entry)), sha(content));
  }
  const names = await readdir(join(cacheDir, 'sha256'), { recursive: true });
  assert.deepEqual(names.filter((name) => name.includes('.tmp')), [], 'no temporary file left');
  // And two at once that both place from the cache.
  await Promise.all([outs[2], await tempDir()].map((out) => download(ctx, request(out, { cache: cacheDir }))));
  await assertTree(outs[2]);
});

test('a download that fails takes back what it placed: the registry and SHA256SUMS disagree, nothing of that file is left', async () => {
  const { server, ctx, request } = await setup(flavours[0]);
  const cacheDir = await tempDir();
  await download(ctx, request(await tempDir(), { cache: cacheDir }));
  // A newer SHA256SUMS (GitLab serves the newest duplicate) that lies about top.txt.
  const lying = Object.entries(FILES).map(([name, content]) => `${name === 'top.txt' ? sha('other') : sha(content)}  ${name}\n`).join('');
  assert.equal(await flavours[0].rawPut(server, 'app', '1.0.0', 'SHA256SUMS', lying), 201);
  const out = await tempDir();
  await assert.rejects(download(ctx, request(out, { cache: cacheDir })), /top\.txt: the registry and SHA256SUMS disagree/);
  const left = (await readdir(out, { recursive: true })).filter((name) => Object.keys(FILES).includes(name));
  assert.deepEqual(left, [], 'the files placed from the cache were taken back');
});

test('a file in the cache folder that is not relpack\'s is left untouched', async () => {
  const { ctx, request } = await setup(flavours[0]);
  const cacheDir = await writeTree(await tempDir(), { 'notes.txt': 'mine', 'sha256/readme': 'also mine', [`sha256/ab/${'ab'.repeat(31)}`]: 'not 64' });
  await download(ctx, request(await tempDir(), { cache: cacheDir, cacheMax: '1' }));
  assert.equal(await readFile(join(cacheDir, 'notes.txt'), 'utf8'), 'mine');
  assert.equal(await readFile(join(cacheDir, 'sha256/readme'), 'utf8'), 'also mine');
  assert.equal(await readFile(join(cacheDir, `sha256/ab/${'ab'.repeat(31)}`), 'utf8'), 'not 64');
});
