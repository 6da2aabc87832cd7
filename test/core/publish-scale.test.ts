/**
 * Planning a publish is linear in the number of files (core/publish.ts): names are matched through
 * maps keyed by the registry's normalizeFileName, not by comparing every local file with every
 * listed one (a 10,001-file re-run took longer than the first upload when it did). Counted, not
 * timed: each flavour's real adapter against `relpack serve`, with its name comparisons counted.
 * The time itself is in the benchmark (bench/lib/scenarios.ts, docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { publishFiles } from '../../src/core/publish.js';
import { silentReporter } from '../../src/core/progress.js';
import { serve, tempDir } from '../helpers/harness.js';
import { countingAdapter } from '../helpers/counting-adapter.js';

const FILES = 400;

for (const flavour of ['gitlab', 'gitea'] as const) {
  test(`${flavour}: publishing ${FILES} files and re-running it compare names a bounded number of times per file`, { timeout: 300_000 }, async (t) => {
    const server = await serve();
    const work = await tempDir();
    await mkdir(join(work, 'dist'));
    for (let i = 0; i < FILES; i++) await writeFile(join(work, 'dist', `file-${String(i).padStart(4, '0')}.bin`), `content ${i}`);
    const token = flavour === 'gitlab' ? server.tokens.maintainer! : server.tokens.giteaOwner!;
    const options = { ref: { name: 'app', version: '1.0.0' }, inputs: ['dist'], cwd: work, ifExists: 'skip' as const, concurrency: 8, checksums: 'SHA256SUMS', hidden: false, dryRun: false };

    for (const run of ['first upload', 're-run']) {
      const { registry, comparisons } = countingAdapter(flavour, server.url, token);
      t.after(() => registry.close());
      const result = await publishFiles(registry, options, silentReporter);
      assert.equal(result.files.length, FILES + 1);
      assert.equal(result.uploaded, run === 're-run' ? 0 : FILES + 1);
      // Quadratic matching costs FILES² / 2 = 80,000 comparisons here; a few per file is linear.
      assert.ok(comparisons() <= 12 * FILES, `${run}: ${comparisons()} name comparisons for ${FILES} files`);
    }
  });
}
