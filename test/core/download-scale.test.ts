/**
 * Downloading a whole version is linear in the number of its files (core/download.ts): each
 * file's SHA256SUMS entry is found through maps, not by comparing its name with every entry of the
 * manifest. Counted, not timed: each flavour's real adapter against `relpack serve`, with its name
 * comparisons counted. The time itself is in the benchmark (docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManifestDigests, downloadPackage } from '../../src/core/download.js';
import { publishFiles } from '../../src/core/publish.js';
import { silentReporter } from '../../src/core/progress.js';
import { serve, tempDir } from '../helpers/harness.js';
import { countingAdapter } from '../helpers/counting-adapter.js';

const FILES = 400;

test('a manifest entry is found by its exact name first, else by the first entry the registry takes for the same name, with one key per entry and per lookup', () => {
  let keyed = 0;
  const registry = {
    normalizeFileName: (name: string) => {
      keyed++;
      return name.toLowerCase();
    },
  };
  const entries = new Map<string, string>();
  for (let i = 0; i < 2000; i++) entries.set(`File-${i}.BIN`, `digest ${i}`);
  entries.set('file-7.bin', 'exact');
  const digests = new ManifestDigests(registry, entries);
  assert.equal(digests.get('file-7.bin'), 'exact', 'the exact name wins');
  assert.equal(digests.get('FILE-7.bin'), 'digest 7', 'the first entry of the same key wins');
  for (let i = 0; i < 2000; i++) assert.equal(digests.get(`file-${i}.bin`), i === 7 ? 'exact' : `digest ${i}`);
  assert.equal(digests.get('missing.bin'), undefined);
  assert.ok(keyed <= 2 * 2001 + 2 + 1, `${keyed} names keyed for 2001 entries and 2003 lookups`);
});

for (const flavour of ['gitlab', 'gitea'] as const) {
  test(`${flavour}: downloading a version of ${FILES} files with its SHA256SUMS compares names a bounded number of times per file`, { timeout: 300_000 }, async (t) => {
    const server = await serve();
    const work = await tempDir();
    await mkdir(join(work, 'dist'));
    for (let i = 0; i < FILES; i++) await writeFile(join(work, 'dist', `file-${String(i).padStart(4, '0')}.bin`), `content ${i}`);
    const token = flavour === 'gitlab' ? server.tokens.maintainer! : server.tokens.giteaOwner!;
    const ref = { name: 'app', version: '1.0.0' };
    const publisher = countingAdapter(flavour, server.url, token);
    t.after(() => publisher.registry.close());
    await publishFiles(publisher.registry, { ref, inputs: ['dist'], cwd: work, ifExists: 'skip', concurrency: 8, checksums: 'SHA256SUMS', hidden: false, dryRun: false }, silentReporter);

    const { registry, comparisons } = countingAdapter(flavour, server.url, token);
    t.after(() => registry.close());
    const outDir = join(work, 'out');
    const result = await downloadPackage(registry, { ref, files: [], outDir, concurrency: 8, verify: true }, silentReporter);
    assert.equal(result.downloaded, FILES + 1);
    assert.equal(await readFile(join(outDir, 'file-0123.bin'), 'utf8'), 'content 123');
    // Scanning the manifest per file costs FILES² / 2 = 80,000 comparisons here; a few per file is linear.
    assert.ok(comparisons() <= 12 * FILES, `${comparisons()} name comparisons for ${FILES} files`);
  });
}
