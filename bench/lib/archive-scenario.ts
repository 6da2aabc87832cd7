// The archive scenario (issue 16, part 3): a directory of many small files published as one
// reproducible archive (`publish --archive tar.gz`) vs file by file, and downloaded back with
// `--extract` vs file by file: wall time and the requests the registry saw.
//
// It runs the operations in this process against an in-process `relpack serve` (src/server), so it
// measures the current source whatever dist/ holds, and counts requests from the server's log (one
// line per request). Client and server share one process and its event loop: the times are both
// sides together, alike for both ways.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { silentReporter } from '../../src/core/progress.js';
import { download, type DownloadRequest } from '../../src/operations/download.js';
import { publish, type PublishRequest } from '../../src/operations/publish.js';
import { startServer } from '../../src/server/index.js';
import { ensureSmallFiles } from './data.js';
import { newRow, median, ratioGoal, type Goal, type Row, type Section } from './report.js';
import { fmtBytes, fmtMs } from './stats.js';
import type { Ctx } from './scenarios.js';

const CONCURRENCY = 8; // the CLI's default (component.yml)

export async function archiveVsFiles(ctx: Ctx, count: number, size: number, runs: number): Promise<{ section: Section; goals: Goal[] }> {
  const id = 'archive';
  const label = `${count} files, archive`;
  const section: Section = {
    id,
    title: `${count} × ${fmtBytes(size)} files: one archive vs file by file`,
    description:
      `The operations \`publish\` with \`archive: 'tar.gz'\` (the CLI's \`--archive tar.gz\`) vs a plain publish of the same directory of ${count} files of ${fmtBytes(size)} random bytes, ` +
      `each into a new version, then \`download\` with \`extract: true\` vs a plain download into an empty folder. Concurrency ${CONCURRENCY}. ` +
      `In-process against an in-process relpack serve (the source, not dist/): times include the server's work. ${runs} run(s).`,
    rows: [],
    notes: [],
  };
  const src = ensureSmallFiles(ctx.dataDir, count, size);
  const lines: string[] = [];
  const dataDir = join(ctx.workDir, 'archive-serve');
  rmSync(dataDir, { recursive: true, force: true });
  const server = await startServer({ port: 0, dataDir, log: (line) => lines.push(line) });
  const requests = () => lines.filter((line) => /^(GET|HEAD|PUT|POST|DELETE|PATCH) /.test(line)).length;
  const op = { env: { RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer }, cwd: ctx.workDir, reporter: silentReporter, addSecret: () => {}, userAgent: 'relpack-bench' };
  const publishRequest = (version: string, archive?: 'tar.gz'): PublishRequest => ({
    connection: {}, name: 'bench-archive', version, files: [src], concurrency: CONCURRENCY, checksums: 'SHA256SUMS',
    hidden: false, includeHidden: false, dryRun: false, ifExists: 'skip', archive,
  });
  const downloadRequest = (version: string, out: string, extract: boolean): DownloadRequest => ({
    connection: {}, name: 'bench-archive', version, files: [], out, concurrency: CONCURRENCY, verify: true, checksums: 'SHA256SUMS', extract,
  });
  const rows = {
    pubFiles: newRow('publish <dir> (file by file)', 'relpack serve (in-process)', count * size),
    pubArchive: newRow('publish <dir> --archive tar.gz', 'relpack serve (in-process)', count * size),
    dlFiles: newRow('download (file by file)', 'relpack serve (in-process)', count * size),
    dlArchive: newRow('download --extract', 'relpack serve (in-process)', count * size),
  };
  const counted = new Map<Row, number>();
  const timed = async (row: Row, fn: () => Promise<unknown>) => {
    const before = requests();
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await fn();
    row.samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    // One process: client and server CPU together, in the client column.
    const used = process.cpuUsage(cpu);
    row.clientCpu.push((used.user + used.system) / 1000);
    counted.set(row, requests() - before);
  };
  let archiveSize = 0;
  try {
    for (let i = 0; i < runs; i++) {
      ctx.log(`[${id}] run ${i + 1}/${runs}`);
      const plain = `${ctx.stamp}-files-${i}`;
      const packed = `${ctx.stamp}-archive-${i}`;
      await timed(rows.pubFiles, () => publish(op, publishRequest(plain)));
      await timed(rows.pubArchive, async () => {
        const result = await publish(op, publishRequest(packed, 'tar.gz'));
        archiveSize = result.files.find((file) => file.name.endsWith('.tar.gz'))?.size ?? 0;
      });
      const outFiles = join(ctx.workDir, `archive-dl-files-${i}`);
      const outArchive = join(ctx.workDir, `archive-dl-extract-${i}`);
      await timed(rows.dlFiles, () => download(op, downloadRequest(plain, outFiles, false)));
      await timed(rows.dlArchive, () => download(op, downloadRequest(packed, outArchive, true)));
      rmSync(outFiles, { recursive: true, force: true });
      rmSync(outArchive, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  section.rows.push(rows.pubFiles, rows.pubArchive, rows.dlFiles, rows.dlArchive);
  for (const row of section.rows) section.notes.push(`${row.op}: ${counted.get(row)} requests (last run).`);
  section.notes.push('Client and server share one process here: the client CPU column is both together (process.cpuUsage).');
  section.notes.push(`The archive: ${fmtBytes(archiveSize)} for ${fmtBytes(count * size)} of files (random bytes do not compress; the tar headers and padding do).`);
  const goals = [
    ratioGoal(label, 'publish --archive ≤ 50 % of file by file', median(rows.pubArchive), median(rows.pubFiles), 0.5, (r) => `${fmtMs(median(rows.pubArchive) ?? 0)} vs ${fmtMs(median(rows.pubFiles) ?? 0)} = ${(r * 100).toFixed(0)} %`),
    ratioGoal(label, 'download --extract ≤ 50 % of file by file', median(rows.dlArchive), median(rows.dlFiles), 0.5, (r) => `${fmtMs(median(rows.dlArchive) ?? 0)} vs ${fmtMs(median(rows.dlFiles) ?? 0)} = ${(r * 100).toFixed(0)} %`),
  ];
  return { section, goals };
}
