// Result model, console/markdown tables and docs/benchmarks.md rendering.
import { cpus, totalmem, availableParallelism, release } from 'node:os';
import { summarize, fmtMs, fmtKiB, fmtRate, fmtRatio, fmtBytes } from './stats.js';
import { versionOf } from './proc.js';

export interface Row {
  op: string;
  target: string;
  /** Bytes moved per sample (for throughput), if meaningful. */
  bytes?: number;
  samples: number[];
  /** Peak RSS of the measured client command per sample (KiB). */
  clientRss: number[];
  /** Peak RSS of the server during the sample (KiB). */
  serverRss: number[];
  /** CPU time (user + system, ms) of the measured command per sample. */
  clientCpu: number[];
  /** CPU time the server used during the sample (ms). */
  serverCpu: number[];
  note?: string;
  /** Set when the row was given up on (first failure message). */
  error?: string;
  /** Set after a timeout or a failure to start: retrying would only cost more time. */
  fatal?: boolean;
  /** Failed runs (command error, timeout, wrong output). */
  failures: string[];
  /** Samples taken while other processes kept the machine busy. */
  contended: number;
}

export interface Section {
  id: string;
  title: string;
  description: string;
  rows: Row[];
  notes: string[];
}

export type Status = 'PASS' | 'FAIL' | 'n/a';

export interface Goal {
  section: string;
  goal: string;
  measured: string;
  status: Status;
}

export function newRow(op: string, target: string, bytes?: number): Row {
  return { op, target, bytes, samples: [], clientRss: [], serverRss: [], clientCpu: [], serverCpu: [], failures: [], contended: 0 };
}

export function median(row: Row | undefined): number | undefined {
  return row ? summarize(row.samples)?.median : undefined;
}

export function maxOf(v: number[]): number | undefined {
  return v.length ? Math.max(...v) : undefined;
}

/** Median of a list of CPU times, or – when none were taken. */
function medianMs(v: number[]): string {
  const s = summarize(v);
  return s ? fmtMs(s.median) : '–';
}

function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function sectionTable(sec: Section): string {
  const showRate = sec.rows.some((r) => r.bytes);
  // Client CPU (user + sys, median) right beside the median wall time.
  const head = ['Operation', 'Target', 'Runs', 'Median', 'Client CPU', 'Min', 'Max', ...(showRate ? ['Median rate'] : []), 'Server CPU', 'Client peak RSS', 'Server peak RSS'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  for (const r of sec.rows) {
    const s = summarize(r.samples);
    const base = [cell(r.op + (r.note ? ` (${r.note})` : '')), cell(r.target)];
    if (!s) {
      const why = r.error ?? r.failures[0];
      const msg = why ? `not measured: ${why.split('\n')[0]!.slice(0, 240)}` : 'not measured';
      lines.push(`| ${[...base, r.failures.length ? `0 (+${r.failures.length} failed)` : '0', cell(msg), '', '', ...(showRate ? [''] : []), '', '', '', ''].join(' | ')} |`);
      continue;
    }
    lines.push(
      `| ${[
        ...base,
        `${s.n}${r.failures.length ? ` (+${r.failures.length} failed)` : ''}`,
        fmtMs(s.median),
        medianMs(r.clientCpu),
        fmtMs(s.min),
        fmtMs(s.max),
        ...(showRate ? [r.bytes ? fmtRate(r.bytes, s.median) : ''] : []),
        medianMs(r.serverCpu),
        fmtKiB(maxOf(r.clientRss)),
        fmtKiB(maxOf(r.serverRss)),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** Notes about failed runs and contended samples of a section's rows. */
export function rowNotes(sec: Section): string[] {
  const out: string[] = [];
  for (const r of sec.rows) {
    if (r.failures.length) out.push(`${r.op} → ${r.target}: ${r.failures.length} run(s) failed${r.error ? ' (gave up on this row)' : ''}; first error: ${r.failures[0]!.slice(0, 400)}`);
    if (r.contended) out.push(`${r.op} → ${r.target}: ${r.contended} sample(s) taken while other processes kept the machine busy.`);
  }
  return out;
}

export function goalsTable(goals: Goal[]): string {
  const lines = ['| Scenario | Goal | Measured | Result |', '| --- | --- | --- | :---: |'];
  for (const g of goals) lines.push(`| ${cell(g.section)} | ${cell(g.goal)} | ${cell(g.measured)} | ${g.status === 'PASS' ? '**PASS**' : g.status === 'FAIL' ? '**FAIL**' : 'n/a'} |`);
  return lines.join('\n');
}

export function ratioGoal(section: string, goal: string, value: number | undefined, baseline: number | undefined, limit: number, describe: (r: number) => string): Goal {
  if (value === undefined || baseline === undefined) return { section, goal, measured: 'not measured', status: 'n/a' };
  const r = value / baseline;
  return { section, goal, measured: describe(r), status: r <= limit ? 'PASS' : 'FAIL' };
}

export function machineInfo(extra: Record<string, string> = {}): Record<string, string> {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown';
  return {
    ...extra,
    Date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    CPU: cpu,
    nproc: String(availableParallelism()),
    Memory: fmtBytes(totalmem()),
    Kernel: release(),
    Node: process.version,
    nginx: versionOf('nginx', ['-v']).replace(/^nginx version:\s*/, ''),
    curl: versionOf('curl', ['--version']).split(' ').slice(0, 2).join(' '),
    OpenSSL: versionOf('openssl', ['version']),
  };
}

/**
 * The report may end in sections written by hand (measurements the harness does not make, such as
 * a comparison of two builds): everything from this line on is carried over by each run.
 */
export const HAND_WRITTEN_MARKER = '<!-- Written by hand: bench/run.ts keeps this line and everything below it. -->';

/** The hand-written end of an earlier report (from HAND_WRITTEN_MARKER on), or ''. */
export function handWrittenPart(previous: string | undefined): string {
  const at = previous?.indexOf(HAND_WRITTEN_MARKER) ?? -1;
  return at < 0 ? '' : previous!.slice(at);
}

export function renderMarkdown(opts: {
  info: Record<string, string>;
  command: string;
  quick: boolean;
  runs: number;
  warmup: number;
  sections: Section[];
  goals: Goal[];
  notes: string[];
  /** handWrittenPart() of the report this one replaces. */
  handWritten?: string;
}): string {
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push('Generated by `bench/run.ts` (`npm run bench`). Do not edit by hand; re-run the benchmark instead. The sections after the marker at the end are written by hand and kept by every run.');
  out.push('');
  if (opts.quick) out.push('> **Quick (smoke) run** — reduced sizes and run counts; not representative.\n');
  out.push(`Command: \`${opts.command}\``);
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push('| | |');
  out.push('| --- | --- |');
  for (const [k, v] of Object.entries(opts.info)) out.push(`| ${k} | ${cell(v)} |`);
  out.push('');
  out.push('## Goals');
  out.push('');
  out.push(goalsTable(opts.goals));
  out.push('');
  out.push('## How to run');
  out.push('');
  out.push(
    [
      '```sh',
      'apt-get install -y nginx time        # prerequisites (plus curl, openssl; hyperfine optional)',
      'npm run build                        # relpack under test: dist/relpack.mjs',
      'npm run bench                        # everything, 5 runs each; rewrites docs/benchmarks.md',
      'npm run bench -- --quick             # smoke run; writes bench/.work/benchmarks-quick.md',
      'npm run bench -- --only small,startup --runs 3',
      'npm run bench -- --work-dir /dev/shm/relpack-bench   # server storage + downloads on tmpfs',
      'npm run bench -- --only small --network wan --rtt 20 # small files over HTTPS + 20 ms RTT',
      '```',
      '',
      'Other flags: `--bandwidth RATE` (e.g. `100mbit`, with `--network wan`), `--front-h2 on|off`, `--relpack-b "<cmd>"` (a second build measured beside the first on the small files; `--relpack-only` leaves the shell loops out), `--runs-huge N` (4 GiB runs, default 1), `--relpack "<cmd>"` (default `node dist/relpack.mjs`), `--server auto|cli|module`, `--fsync`, `--token T`, `--out FILE`, `--keep`. `npm run bench -- --help` lists them.',
    ].join('\n'),
  );
  out.push('');
  out.push('## Method');
  out.push('');
  out.push(
    [
      `- Every scenario runs ${opts.runs} time(s) per tool unless noted, after ${opts.warmup} uncounted warm-up run(s) of the transfer scenarios (at least 3 for the small files: a fresh relpack serve needs a few thousand requests to reach its steady state, and a registry in use is warm); tables show min / median / max wall-clock time. Runs interleave the tools (curl → nginx, curl → relpack serve, relpack) so that slow phases of the machine hit all of them.`,
      '- Everything runs on 127.0.0.1. Reference server: Debian\'s nginx with the DAV module (`dav_methods PUT DELETE; create_full_put_path on; client_max_body_size 0;` under `location /api/v4/projects/`, see `bench/nginx.conf.template`), run in the foreground with its prefix, temp dirs and root under `bench/.work/nginx`.',
      '- relpack\'s registry (`relpack serve`) runs in its own process, so client and server memory are measured separately. curl is timed against both servers to show whether the server is the bottleneck.',
      '- Test data is random bytes (`openssl rand`) under `bench/.work/data`, read again (untimed) right before every command that reads it, so that it is in the page cache. Each run publishes into a fresh package version; stored copies are deleted between runs where the server allows it.',
      '- This machine is a VM whose memory is managed by its host, and two of its settings dominate file-heavy timings unless controlled. (1) DAMON proactive reclaim (`/sys/kernel/mm/damon/admin`, action `pageout` for regions idle ≥ 6 × 5 s) evicts file data not read for about 30 s, which is why inputs are re-read right before each command. (2) Free page reporting (`/sys/module/page_reporting`, `min_free_ms` 0) hands freed memory back to the host within about a second, and the next first touch of such a page costs a host fault: writing 1 GiB of new data into the page cache took 0.3 s when it reused pages freed a moment before and 2.5–4 s otherwise (measured with one Node writer, 1 MiB writes). Every tool pays this for the file it stores or downloads, so the harness deletes the previous run\'s copies just before the next command, the same for every tool, and the CPU columns show where the time goes. The benchmark leaves both settings as they are.',
      '- Client CPU is user + system time of the measured command (`/usr/bin/time`, median over runs); server CPU is what the server process used during the command (`/proc/PID/stat`; nginx: its workers). With client and server on the same 2 cores, their sum bounds the wall time from below: half of it is the best two cores can do.',
      '- `sync` runs (untimed) before every measured command so that writeback of the previous command\'s data does not land inside the next measurement.',
      '- The machine may be shared (test suites, builds): before each measured command the harness waits (bounded by `--quiet-wait`) until other processes leave the CPUs idle; samples taken anyway while the machine was busy are listed under their table. The load average at start and end is in the machine table.',
      '- Client peak RSS is `/usr/bin/time -f %M` around the command (max over runs). Server peak RSS is the server process\'s `VmHWM` from `/proc`, reset before each measured command via `/proc/PID/clear_refs` (for nginx: max over worker processes).',
      '- Downloads are written to disk (`curl -o FILE`, `relpack download --out DIR`) and verified for size/content outside the timed region. relpack verifies checksums while downloading; the baselines a user would pick for the same are timed as one command each: `curl -o FILE` then `sha256sum --check` (verified download) and `sha256sum` then `curl --upload-file` (verified publish), beside `openssl dgst -sha256` alone.',
      '- Goals compare relpack with the baselines on the same server (`relpack serve`) and, for the network profile, behind the same front, all measured in the same run with the tools interleaved; nginx rows show what the server costs. The large-file goals: client CPU at most curl\'s transfer CPU plus `openssl dgst -sha256` CPU (what hashing and moving the bytes cost separately), wall time at most 1.25 × curl\'s unverified transfer.',
      '- Network profile (`--network wan`: the small files, and a 256 MiB file for context): client → latency proxy → TLS front → server. The latency proxy (`bench/lib/latency-proxy.ts`, its own process) is a userspace TCP proxy, since the kernel\'s netem is not available here: every chunk read from one side is written to the other RTT/2 later through a delay queue per direction that keeps the order, so concurrent connections overlap as on a real link; a new connection pays one more RTT before its first bytes (the TCP handshake the loopback connect skipped), and TLS handshakes pay their round trips. It does not emulate TCP\'s congestion or receive windows: without `--bandwidth` a transfer moves at loopback speed once its first bytes have paid RTT/2; `--bandwidth` adds a shared FIFO link per direction at that rate. The TLS front is Debian\'s nginx (`bench/nginx-front.conf.template`, 1 worker): TLS 1.2/1.3 with a P-256 certificate from a CA generated with `openssl` at the start of the run (curl gets it with `--cacert`, relpack with `NODE_EXTRA_CA_CERTS`), HTTP/2 offered by ALPN (`--front-h2 off` to offer HTTP/1.1 only; curl 7.88 picks h2 when offered, relpack\'s undici speaks HTTP/1.1 unless `allowH2` is set), proxying to relpack serve and to nginx over HTTP/1.1 keep-alive with request and response buffering off, `X-Forwarded-Proto: https` and the client\'s `Host`. A TLS-terminating nginx before the application is how GitLab itself is deployed, and it gives an HTTP/2 front without a hand-written h2-to-h1 gateway. The shell loops run against relpack serve only there (against nginx every file pays the same round trips and the same curl process; nginx is measured behind the front with the moderate file), and the warm-up runs are relpack\'s only.',
    ].join('\n'),
  );
  out.push('');
  for (const sec of opts.sections) {
    out.push(`## ${sec.title}`);
    out.push('');
    out.push(sec.description);
    out.push('');
    out.push(sectionTable(sec));
    out.push('');
    for (const n of sec.notes) out.push(`- ${n}`);
    if (sec.notes.length) out.push('');
  }
  if (opts.notes.length) {
    out.push('## Notes');
    out.push('');
    for (const n of opts.notes) out.push(`- ${n}`);
    out.push('');
  }
  if (opts.handWritten) out.push(opts.handWritten.trimEnd(), '');
  return out.join('\n');
}

export { fmtMs, fmtRatio };
