// The benchmark scenarios: large-file transfer, many small files, a large publish re-run, CLI start-up.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cpuMsOf, run, runOk, resetHwm, vmHwmKiB, haveCommand, waitForQuiet, type RunResult } from './proc.js';
import { ensureRandomFile, ensureSmallFiles, warmCache, warmDir } from './data.js';
import { nginxDeleteVersion, type NginxServer } from './nginx.js';
import { deletePackageVersion, PROJECT, type RelpackCli, type RelpackServer } from './relpack.js';
import { newRow, median, maxOf, ratioGoal, rowNotes, type Goal, type Row, type Section } from './report.js';
import { fmtBytes, fmtMs, fmtKiB, fmtRatio, summarize } from './stats.js';

export interface Target {
  name: string;
  url: string;
  token: string;
  pids(): number[];
  deleteVersion(pkg: string, version: string): Promise<void>;
}

export interface Ctx {
  repoRoot: string;
  workDir: string;
  dataDir: string;
  runs: number;
  /** Uncounted runs before the measured ones (large and small scenarios). */
  warmup: number;
  quick: boolean;
  /** Max wait for a quiet machine before each measured command (0 = don't wait). */
  quietMs: number;
  nproc: number;
  stamp: string;
  nginx?: Target;
  serve?: Target;
  gp?: RelpackCli;
  gpMissing?: string;
  /** A second relpack build (--relpack-b), measured beside the first in the small-file scenario. */
  gpB?: { cli: RelpackCli; label: string };
  /** --relpack-only: the small-file scenario measures relpack builds only (no shell loops). */
  relpackOnly?: boolean;
  log: (s: string) => void;
}

export function nginxTarget(n: NginxServer): Target {
  return {
    name: 'nginx',
    url: n.url,
    token: 'nginx-ignores-tokens',
    pids: () => {
      try {
        return readFileSync(`/proc/${n.daemon.pid}/task/${n.daemon.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    },
    deleteVersion: async (pkg, version) => nginxDeleteVersion(n.root, PROJECT, pkg, version),
  };
}

export function serveTarget(s: RelpackServer): Target {
  return {
    name: 'relpack serve',
    url: s.url,
    token: s.token,
    pids: () => [s.pid],
    deleteVersion: async (pkg, version) => {
      await deletePackageVersion(s.url, s.token, pkg, version);
    },
  };
}

function pkgUrl(t: Target, pkg: string, version: string): string {
  return `${t.url}/api/v4/projects/${PROJECT}/packages/generic/${encodeURIComponent(pkg)}/${encodeURIComponent(version)}`;
}

function errText(r: RunResult, what: string, timeoutMs: number): string {
  const why = r.timedOut ? `timed out after ${fmtMs(timeoutMs)}` : `exit ${r.code ?? r.signal}`;
  // Lead with the error line(s) the tool printed; progress output is noise here.
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines.findIndex((l) => /error|fail|refused|denied|not found/i.test(l) && !/^(uploaded|downloaded|uploading|downloading)\b/.test(l));
  const shown = first >= 0 ? lines.slice(first, first + 4) : lines.slice(-4);
  return `${what}: ${why}${shown.length ? ` — ${shown.join(' ⏎ ').slice(0, 500)}` : ''}`;
}

/**
 * Record a failed run of a row. Failures that cost little (the command exited with an error, or
 * produced wrong output) are counted and the row keeps running, since the number of runs bounds
 * them; a timeout or a failure to start gives the row up, as retrying would only cost more time.
 */
function recordFailure(ctx: Ctx, row: Row, msg: string, fatal = false): void {
  row.failures.push(msg);
  if (fatal) {
    row.fatal = true;
    row.error = row.failures[0];
  }
  ctx.log(`  ✗ ${row.op} → ${row.target}: ${msg}`);
}

/**
 * After a failed timed publish, publish again untimed (publish is idempotent) so that the
 * download of this run can still be measured. Returns whether the version is now complete.
 */
async function repairPublish(ctx: Ctx, row: Row, fn: () => Promise<RunResult>): Promise<boolean> {
  if (row.fatal) return false;
  for (let attempt = 0; attempt < 4; attempt++) {
    const r = await fn().catch(() => undefined);
    if (r && !r.timedOut && r.code === 0) {
      ctx.log('  (re-published untimed so that the download can be measured)');
      return true;
    }
  }
  return false;
}

/** A run that completed but produced wrong output: drop its sample and count it as failed. */
function rejectLast(ctx: Ctx, row: Row, msg: string): void {
  row.samples.pop();
  row.clientRss.pop();
  row.serverRss.pop();
  row.clientCpu.pop();
  row.serverCpu.pop();
  recordFailure(ctx, row, msg);
}

/**
 * Run one measured command: flush dirty pages, wait (bounded) for the machine to be quiet, bring
 * the command's input back into the page cache (`prepare`), reset the server's peak RSS, run,
 * record time / CPU / client RSS / server RSS. Returns whether it succeeded.
 *
 * `prepare` runs last before the command because this VM pages out file data that has not been
 * read for about 30 s (DAMON proactive reclaim, see the Method section): the test data read at
 * the start of a scenario is otherwise partly back on disk by the time a later run reads it.
 */
async function measure(ctx: Ctx, row: Row, target: Target | undefined, timeoutMs: number, fn: () => Promise<RunResult>, prepare?: () => Promise<unknown>): Promise<boolean> {
  if (row.error) return false;
  // Flush dirty pages left by the previous command (uploads, downloads, deletions) so that
  // background writeback does not land inside this measurement. Untimed.
  await run('sync', [], { timeoutMs: 300_000 }).catch(() => undefined);
  if (ctx.quietMs > 0) {
    const q = await waitForQuiet(ctx.quietMs, ctx.nproc);
    if (!q.quiet) {
      row.contended++;
      ctx.log(`  (machine busy: ${q.busy.toFixed(1)} cores in use by other processes; measuring anyway)`);
    }
  }
  await prepare?.();
  const pids = target?.pids() ?? [];
  for (const p of pids) resetHwm(p);
  const serverCpu = () => pids.reduce((sum, p) => sum + (cpuMsOf(p) ?? 0), 0);
  const cpuBefore = serverCpu();
  let r: RunResult;
  try {
    r = await fn();
  } catch (err) {
    recordFailure(ctx, row, (err as Error).message, true);
    return false;
  }
  if (r.timedOut || r.code !== 0) {
    recordFailure(ctx, row, errText(r, row.op, timeoutMs), r.timedOut);
    return false;
  }
  row.samples.push(r.ms);
  if (pids.length) row.serverCpu.push(serverCpu() - cpuBefore);
  if (r.cpuMs !== undefined) row.clientCpu.push(r.cpuMs);
  if (r.rssKiB !== undefined) row.clientRss.push(r.rssKiB);
  const hwms = pids.map(vmHwmKiB).filter((v): v is number => v !== undefined);
  if (hwms.length) row.serverRss.push(Math.max(...hwms));
  ctx.log(`  ${row.op} → ${row.target}: ${fmtMs(r.ms)}${r.rssKiB !== undefined ? `, client RSS ${fmtKiB(r.rssKiB)}` : ''}${hwms.length ? `, server RSS ${fmtKiB(Math.max(...hwms))}` : ''}`);
  return true;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    const s = createReadStream(path, { highWaterMark: 1 << 20 });
    s.on('data', (d) => h.update(d));
    s.on('end', () => resolve(h.digest('hex')));
    s.on('error', reject);
  });
}

/** All regular files under dir (recursive), as absolute paths. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const CURL_OPTS = ['--fail', '--silent', '--show-error', '--max-time', '3600'];

/** A goal about a row whose runs sometimes failed is not met, whatever the successful runs show. */
function withFailures(g: Goal, row: Row | undefined): Goal {
  if (!row?.failures.length) return g;
  const runs = row.samples.length + row.failures.length;
  return { ...g, measured: `${g.measured}; ${row.failures.length} of ${runs} run(s) failed`, status: 'FAIL' };
}

/** Clean-up steps collected during a run and run together, right before the next measured upload. */
function deferred(): { add(step: () => Promise<unknown>): void; run(): Promise<void> } {
  let steps: (() => Promise<unknown>)[] = [];
  return {
    add: (step) => void steps.push(step),
    run: async () => {
      const now = steps;
      steps = [];
      for (const step of now) await step();
    },
  };
}

/* ------------------------------------------------------------------ large file */

/**
 * One large file, published and downloaded. `opts.warmup` overrides ctx.warmup; `opts.verified`
 * (default true) adds the shell baselines with sha256sum, which the goals compare with.
 */
export async function largeFile(ctx: Ctx, id: string, bytes: number, runs: number, net?: Network, opts: { warmup?: number; verified?: boolean } = {}): Promise<{ section: Section; goals: Goal[] }> {
  const warmup = opts.warmup ?? ctx.warmup;
  const verified = opts.verified ?? true;
  const label = `${fmtBytes(bytes)}${net ? `, ${net.label}` : ''}`;
  // Through the front, curl speaks HTTP/1.1 as relpack does: with the HTTP/2 curl 7.88 picks by
  // default, an upload is held to nginx's HTTP/2 receive window (http2_body_preread_size, 64 KiB)
  // per round trip, about 3 MiB/s at 20 ms, while curl spins on the CPU (measured: 16 MiB in 6 s
  // with 5.5 s of CPU, against 0.24 s over HTTP/1.1). That compares protocols, not clients.
  const CURL_BASE = [...CURL_OPTS, ...(net?.caFile ? ['--cacert', net.caFile, '--http1.1'] : [])];
  const section: Section = {
    id,
    title: `One ${fmtBytes(bytes)} file${net ? ` over ${net.label}` : ''}: publish and download`,
    description: `A single ${fmtBytes(bytes)} file of random bytes, uploaded with PUT and downloaded again.${net ? ` ${net.description}` : ''} ${runs} run(s).`,
    rows: [],
    notes: [],
  };
  const goals: Goal[] = [];
  const timeoutMs = 120_000 + bytes / 5_000; // ≥ 5 MB/s or it is a failure anyway
  const file = await ensureRandomFile(ctx.dataDir, bytes, ctx.log);
  const fname = basename(file);
  ctx.log(`[${id}] warming page cache for ${file}`);
  await warmCache(file);
  const srcSha = await sha256File(file);

  const openssl = newRow('openssl dgst -sha256', 'local file', bytes);
  const rows: Record<string, Row> = {};
  // Warm-up runs (i < 0) go to throw-away rows: the first pass through a fresh server and fresh
  // page-cache pages is slower than the steady state on VMs.
  const warmRows: Record<string, Row> = {};
  let warm = false;
  const row = (key: string, op: string, target: string) => (warm ? (warmRows[key] ??= newRow(op, target, bytes)) : (rows[key] ??= newRow(op, target, bytes)));
  const dl = join(ctx.workDir, 'dl');

  // openssl: hashing cost the verified download has to hide.
  for (let i = 0; i < runs; i++) {
    await measure(ctx, openssl, undefined, timeoutMs, () => run('openssl', ['dgst', '-sha256', file], { timeoutMs, captureStdout: true, measureRss: true }), () => warmCache(file));
  }
  section.rows.push(openssl);

  const targets = [ctx.nginx, ctx.serve].filter((t): t is Target => !!t);
  // A run's stored copy and download are deleted right before the next upload, whichever tool
  // comes next, so that every upload starts from the same state of the VM's memory (see Method).
  const cleanup = deferred();
  const beforeUpload = async () => {
    await cleanup.run();
    await warmCache(file);
  };
  for (let i = -warmup; i < runs; i++) {
    warm = i < 0;
    ctx.log(`[${id}] ${warm ? 'warm-up run (not counted)' : `run ${i + 1}/${runs}`}`);
    for (const t of targets) {
      const version = `${ctx.stamp}-${id}-${i}`;
      const pkg = 'bench-curl';
      const up = row(`curl-up-${t.name}`, 'curl --upload-file', t.name);
      const down = row(`curl-down-${t.name}`, 'curl download', t.name);
      const url = `${pkgUrl(t, pkg, version)}/${fname}`;
      const hdr = ['--header', `PRIVATE-TOKEN: ${t.token}`];
      if (await measure(ctx, up, t, timeoutMs, () => run('curl', [...CURL_BASE, ...hdr, '--upload-file', file, '--output', '/dev/null', url], { timeoutMs, measureRss: true }), beforeUpload)) {
        rmSync(dl, { recursive: true, force: true });
        mkdirSync(dl, { recursive: true });
        const out = join(dl, fname);
        if (await measure(ctx, down, t, timeoutMs, () => run('curl', [...CURL_BASE, ...hdr, '--output', out, url], { timeoutMs, measureRss: true }))) {
          const size = statSync(out).size;
          if (size !== bytes) rejectLast(ctx, down, `downloaded ${size} bytes, expected ${bytes}`);
        }
        if (verified && t === ctx.serve) {
          // The verified download a user would script: curl, then sha256sum --check.
          const vdown = row('curl-vdown', 'curl download, then sha256sum --check', t.name);
          rmSync(dl, { recursive: true, force: true });
          mkdirSync(dl, { recursive: true });
          const env = { ...process.env, T: t.token, URL: url, OUT: out, SUM: srcSha };
          const script = `curl ${CURL_BASE.join(' ')} --header "PRIVATE-TOKEN: $T" --output "$OUT" "$URL" && printf '%s  %s\\n' "$SUM" "$OUT" | sha256sum --check --quiet`;
          await measure(ctx, vdown, t, timeoutMs, () => run('bash', ['-c', script], { env, timeoutMs, measureRss: true }));
        }
        cleanup.add(async () => rmSync(dl, { recursive: true, force: true }));
      }
      if (verified && t === ctx.serve) {
        // The verified publish a user would script: sha256sum (kept for SHA256SUMS), then curl.
        const vversion = `${version}-v`;
        const vup = row('curl-vup', 'sha256sum, then curl --upload-file', t.name);
        const env = { ...process.env, T: t.token, URL: `${pkgUrl(t, pkg, vversion)}/${fname}`, F: file };
        const script = `sha256sum "$F" >/dev/null && curl ${CURL_BASE.join(' ')} --header "PRIVATE-TOKEN: $T" --upload-file "$F" --output /dev/null "$URL"`;
        await measure(ctx, vup, t, timeoutMs, () => run('bash', ['-c', script], { env, timeoutMs, measureRss: true }), beforeUpload);
        cleanup.add(() => t.deleteVersion(pkg, vversion).catch(() => undefined));
      }
      cleanup.add(() => t.deleteVersion(pkg, version).catch(() => undefined));
    }
    if (ctx.gp && ctx.serve) {
      const t = ctx.serve;
      const gp = ctx.gp;
      const version = `${ctx.stamp}-${id}-${i}`;
      const pkg = 'bench-relpack';
      const pub = row('gp-pub', 'relpack publish', t.name);
      const get = row('gp-get', 'relpack download (verified)', t.name);
      const publish = () => gp.publish([file], pkg, version, t.url, t.token, timeoutMs);
      if ((await measure(ctx, pub, t, timeoutMs, publish, beforeUpload)) || (await repairPublish(ctx, pub, publish))) {
        rmSync(dl, { recursive: true, force: true });
        if (await measure(ctx, get, t, timeoutMs, () => gp.download(pkg, version, dl, t.url, t.token, timeoutMs))) {
          const files = listFiles(dl);
          const got = files.find((f) => basename(f) === fname) ?? (files.length === 1 ? files[0] : undefined);
          if (!got) rejectLast(ctx, get, `relpack download produced no ${fname} in --out (found: ${files.map((f) => basename(f)).join(', ') || 'nothing'})`);
          else if (statSync(got).size !== bytes) rejectLast(ctx, get, `downloaded ${statSync(got).size} bytes, expected ${bytes}`);
          else if (i <= 0 && (await sha256File(got)) !== srcSha) rejectLast(ctx, get, 'downloaded content does not match (sha256)');
        }
        cleanup.add(async () => rmSync(dl, { recursive: true, force: true }));
      }
      cleanup.add(() => t.deleteVersion(pkg, version).catch(() => undefined));
    }
  }
  await cleanup.run();
  const order = ['curl-up-nginx', 'curl-down-nginx', 'curl-up-relpack serve', 'curl-down-relpack serve', 'curl-vup', 'curl-vdown', 'gp-pub', 'gp-get'];
  for (const k of order) if (rows[k]) section.rows.push(rows[k]);

  if (!ctx.gp) section.notes.push(`relpack client not measured: ${ctx.gpMissing ?? 'unavailable'}.`);
  if (!ctx.serve) section.notes.push('relpack serve not available; relpack and curl-vs-relpack-serve rows are missing.');
  if (net) {
    section.notes.push(
      "curl runs with `--http1.1` here, the protocol relpack speaks: over the HTTP/2 it picks by default, an upload is held to nginx's HTTP/2 receive window (`http2_body_preread_size`, 64 KiB) per round trip, about 3 MiB/s at 20 ms, and curl 7.88 spins on the CPU while it waits (measured: a 16 MiB upload in 6 s with 5.5 s of CPU, against 0.24 s over HTTP/1.1).",
    );
  }

  // Goals (issue 17): relpack against curl on the same server (relpack serve). CPU: at most what
  // curl's transfer and `openssl dgst -sha256` use together; wall: at most 1.25x curl's
  // unverified transfer. Only the 1 GiB file has goals; the 4 GiB one gets the same ratios as notes.
  const oss = median(openssl);
  const cpu = (r?: Row) => summarize(r?.clientCpu ?? [])?.median;
  const sum = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a + b);
  const ratioGoals: Goal[] = [];
  for (const [dir, gpKey, what, curlWhat] of [
    ['up', 'gp-pub', 'verified publish', 'curl --upload-file'],
    ['down', 'gp-get', 'verified download', 'curl download'],
  ] as const) {
    const g = rows[gpKey];
    const c = rows[`curl-${dir}-relpack serve`];
    const cpuBase = sum(cpu(c), cpu(openssl));
    const gc = cpu(g);
    ratioGoals.push(
      withFailures(ratioGoal(label, `${what}: client CPU ≤ 1.0 × (${curlWhat} CPU + openssl dgst -sha256 CPU)`, gc, cpuBase, 1.0, (r) => `${fmtMs(gc)} vs ${fmtMs(cpu(c))} + ${fmtMs(cpu(openssl))} = ${fmtRatio(r)}`), g),
      withFailures(ratioGoal(label, `${what}: wall ≤ 1.25 × ${curlWhat} (unverified)`, median(g), median(c), 1.25, (r) => `${wallCpu(g)} vs ${wallCpu(c)} = ${fmtRatio(r)}`), g),
    );
  }
  if (id === 'large') goals.push(...ratioGoals);
  else for (const g of ratioGoals) section.notes.push(`${g.goal}: ${g.measured}${g.status === 'n/a' ? '' : ` (${g.status === 'PASS' ? 'met' : 'not met'}; the goal is set for 1 GiB)`}.`);
  for (const [k, what] of [
    ['gp-pub', 'publish'],
    ['gp-get', 'download'],
  ] as const) {
    const rss = maxOf(rows[k]?.clientRss ?? []);
    if (net) continue; // the table has it; the memory goals are for the loopback files
    goals.push(
      rss === undefined
        ? { section: label, goal: `relpack ${what} peak RSS < 100 MiB`, measured: 'not measured', status: 'n/a' }
        : { section: label, goal: `relpack ${what} peak RSS < 100 MiB`, measured: fmtKiB(rss), status: rss < 100 * 1024 ? 'PASS' : 'FAIL' },
    );
  }
  // Is the server the bottleneck? curl → relpack serve vs curl → nginx.
  for (const dir of ['up', 'down'] as const) {
    const n = median(rows[`curl-${dir}-nginx`]);
    const s = median(rows[`curl-${dir}-relpack serve`]);
    if (n !== undefined && s !== undefined) {
      section.notes.push(`curl ${dir === 'up' ? 'upload' : 'download'} against relpack serve takes ${fmtRatio(s / n)} the time it takes against nginx (${fmtMs(s)} vs ${fmtMs(n)}).`);
    }
    // Client overhead against the same server: relpack vs curl, both talking to relpack serve.
    const g = median(rows[dir === 'up' ? 'gp-pub' : 'gp-get']);
    if (g !== undefined && s !== undefined) {
      const floor = oss === undefined ? s : Math.max(s, oss);
      section.notes.push(
        `Same server: relpack ${dir === 'up' ? 'publish' : 'download'} takes ${fmtRatio(g / s)} the time of curl against relpack serve ` +
          `(${fmtMs(g)} vs ${fmtMs(s)}; ${fmtRatio(g / floor)} of max(curl → relpack serve, openssl dgst)).`,
      );
    }
  }
  section.notes.push(...rowNotes(section));
  return { section, goals };
}

/* ------------------------------------------------------------------ many small files */

/** The network the small-file scenario runs over: loopback (plain HTTP) or the TLS front with latency. */
export interface Network {
  /** Section id suffix and goal label, e.g. "wan". */
  id: string;
  /** e.g. "HTTPS, 20 ms RTT". */
  label: string;
  /** One sentence for the section's description. */
  description: string;
  /** CA file curl is given with --cacert. */
  caFile?: string;
}

// The loop GitLab's generic-packages docs show (and the same loop with --output for downloads),
// and the strongest shell loop: xargs running 8 curls at a time. `$CA` is set for the TLS front.
const TLS_OPT = '$' + '{CA:+--cacert "$CA"}'; // bash: `--cacert "$CA"` when CA is set
const LOOP_UP = `for f in *; do curl ${TLS_OPT} --fail --silent --show-error --header "PRIVATE-TOKEN: $T" --upload-file "$f" "$URL/$f" >/dev/null || exit 1; done`;
const LOOP_DOWN = `for f in *; do curl ${TLS_OPT} --fail --silent --show-error --header "PRIVATE-TOKEN: $T" --output "$OUT/$f" "$URL/$f" || exit 1; done`;
const XARGS_UP = `printf '%s\\n' * | xargs -P8 -I{} curl ${TLS_OPT} --fail --silent --show-error --header "PRIVATE-TOKEN: $T" --upload-file {} --output /dev/null "$URL/{}"`;
const XARGS_DOWN = `printf '%s\\n' * | xargs -P8 -I{} curl ${TLS_OPT} --fail --silent --show-error --header "PRIVATE-TOKEN: $T" --output "$OUT/{}" "$URL/{}"`;

/** "1.23 s (CPU 0.45 s)": a row's median wall time with its median client CPU beside it. */
function wallCpu(r: Row | undefined): string {
  const w = median(r);
  const c = summarize(r?.clientCpu ?? [])?.median;
  return `${fmtMs(w)}${c === undefined ? '' : ` (CPU ${fmtMs(c)})`}`;
}

export async function smallFiles(ctx: Ctx, count: number, size: number, runs: number, net?: Network): Promise<{ section: Section; goals: Goal[] }> {
  const id = net ? `small-${net.id}` : 'small';
  const label = `${count} × ${fmtBytes(size)}${net ? `, ${net.label}` : ', loopback'}`;
  const section: Section = {
    id,
    title: `${count} × ${fmtBytes(size)} files${net ? ` over ${net.label}` : ''}: publish and whole-version download`,
    description:
      `${count} files of ${fmtBytes(size)} random bytes. ${net ? `${net.description} ` : 'Plain HTTP on 127.0.0.1. '}` +
      "Baselines: the sequential curl loop from GitLab's generic-packages docs " +
      '(`for f in *; do curl --fail --header "PRIVATE-TOKEN: $T" --upload-file "$f" "$URL/$f"; done`, and the same loop with `--output` for downloads) ' +
      'and the strongest shell loop, `printf \'%s\\n\' * | xargs -P8 -I{} curl … --upload-file {} "$URL/{}"` (8 curls at a time; `--output "$OUT/{}"` for downloads), both run by bash' +
      `${net?.caFile ? ', with `--cacert` for the front\'s CA (relpack gets it through `NODE_EXTRA_CA_CERTS`)' : ''}. ` +
      `Client CPU is the whole command's (bash, xargs and every curl). ${runs} run(s).`,
    rows: [],
    notes: [],
  };
  const goals: Goal[] = [];
  const src = ensureSmallFiles(ctx.dataDir, count, size);
  await warmDir(src);
  const names = readdirSync(src).sort();
  const timeoutMs = 120_000 + count * 2_000;
  const dl = join(ctx.workDir, 'dl-small');
  const rows: Record<string, Row> = {};
  const warmRows: Record<string, Row> = {};
  let warm = false;
  const row = (key: string, op: string, target: string) => (warm ? (warmRows[key] ??= newRow(op, target, count * size)) : (rows[key] ??= newRow(op, target, count * size)));

  const verify = (r: Row, dir: string) => {
    const files = listFiles(dir);
    const byName = new Map(files.map((f) => [basename(f), f]));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length) rejectLast(ctx, r, `${missing.length} of ${count} files missing after download (e.g. ${missing[0]})`);
    else {
      const bad = names.find((n) => !readFileSync(byName.get(n)!).equals(readFileSync(join(src, n))));
      if (bad) rejectLast(ctx, r, `content mismatch for ${bad}`);
    }
  };

  const targets = [ctx.nginx, ctx.serve].filter((t): t is Target => !!t);
  // A fresh relpack serve process takes a few thousand small requests to reach its steady state
  // (JIT, heap): measured, its CPU per 500 uploads fell from ~0.6 s to ~0.2 s over 10 publishes.
  // A registry in use is warm, so this scenario gets at least 3 uncounted runs (without the
  // sequential loops, which add nothing to the warm-up but time; over the network profile,
  // relpack's own requests only).
  const warmups = ctx.quick ? ctx.warmup : Math.max(ctx.warmup, 3);
  const shells: Array<{ key: string; what: string; up: string; down: string }> = [
    { key: 'loop', what: 'sequential curl loop (docs)', up: LOOP_UP, down: LOOP_DOWN },
    { key: 'xargs', what: 'xargs -P8 curl', up: XARGS_UP, down: XARGS_DOWN },
  ];
  for (let i = -warmups; i < runs; i++) {
    warm = i < 0;
    ctx.log(`[${id}] ${warm ? 'warm-up run (not counted)' : `run ${i + 1}/${runs}`}`);
    for (const t of targets) {
      for (const sh of shells) {
        if (ctx.relpackOnly || (warm && (sh.key === 'loop' || t !== ctx.serve || net))) continue;
        // Over the network profile the shell loops against nginx would add minutes per run and
        // show little the loops against relpack serve do not: each file pays the same round trips
        // and a curl process with its TLS handshake (about 40–60 ms of CPU each here).
        if (net && t !== ctx.serve) continue;
        const version = `${ctx.stamp}-${id}-${sh.key}-${i}`;
        const pkg = 'bench-curl-small';
        const env = { ...process.env, T: t.token, URL: pkgUrl(t, pkg, version), OUT: dl, ...(net?.caFile ? { CA: net.caFile } : {}) };
        const up = row(`${sh.key}-up-${t.name}`, `${sh.what} upload`, t.name);
        const down = row(`${sh.key}-down-${t.name}`, `${sh.what} download`, t.name);
        if (await measure(ctx, up, t, timeoutMs, () => run('bash', ['-c', sh.up], { cwd: src, env, timeoutMs, measureRss: true }), () => warmDir(src))) {
          rmSync(dl, { recursive: true, force: true });
          mkdirSync(dl, { recursive: true });
          if (await measure(ctx, down, t, timeoutMs, () => run('bash', ['-c', sh.down], { cwd: src, env, timeoutMs, measureRss: true }))) verify(down, dl);
          rmSync(dl, { recursive: true, force: true });
        }
        await t.deleteVersion(pkg, version).catch(() => undefined);
      }
    }
    const builds: Array<[string, RelpackCli | undefined, string]> = [
      ['gp', ctx.gp, ''],
      ['gpb', ctx.gpB?.cli, ctx.gpB ? ` [${ctx.gpB.label}]` : ''],
    ];
    for (const [key, gp, suffix] of builds) {
      if (!gp || !ctx.serve) continue;
      const t = ctx.serve;
      const version = `${ctx.stamp}-${id}-${key}-${i}`;
      const pkg = 'bench-relpack-small';
      const pub = row(`${key}-pub`, `relpack publish <dir>${suffix}`, t.name);
      const get = row(`${key}-get`, `relpack download (whole version)${suffix}`, t.name);
      const publish = () => gp.publish([src], pkg, version, t.url, t.token, timeoutMs);
      if ((await measure(ctx, pub, t, timeoutMs, publish, () => warmDir(src))) || (await repairPublish(ctx, pub, publish))) {
        rmSync(dl, { recursive: true, force: true });
        if (await measure(ctx, get, t, timeoutMs, () => gp.download(pkg, version, dl, t.url, t.token, timeoutMs))) verify(get, dl);
        rmSync(dl, { recursive: true, force: true });
      }
      await t.deleteVersion(pkg, version).catch(() => undefined);
    }
  }
  for (const t of targets) for (const sh of shells) for (const dir of ['up', 'down']) if (rows[`${sh.key}-${dir}-${t.name}`]) section.rows.push(rows[`${sh.key}-${dir}-${t.name}`]!);
  for (const k of ['gp-pub', 'gp-get', 'gpb-pub', 'gpb-get']) if (rows[k]) section.rows.push(rows[k]);
  if (!ctx.gp) section.notes.push(`relpack client not measured: ${ctx.gpMissing ?? 'unavailable'}.`);

  // Goals: relpack against the baselines on the same server (relpack serve) behind the same front.
  const s = ctx.serve?.name ?? 'relpack serve';
  for (const [dir, gpKey, what] of [
    ['up', 'gp-pub', 'publish'],
    ['down', 'gp-get', 'download'],
  ] as const) {
    const gp = median(rows[gpKey]);
    for (const [shKey, factor, name] of [
      ['loop', 30, "the docs' sequential curl loop"],
      ['xargs', 3, '`xargs -P8 curl`'],
    ] as const) {
      const base = rows[`${shKey}-${dir}-${s}`];
      goals.push(
        withFailures(
          ratioGoal(label, `${what} ≥ ${factor}x faster than ${name}`, gp, median(base), 1 / factor, (r) => `${wallCpu(rows[gpKey])} vs ${wallCpu(base)} = ${(1 / r).toFixed(1)}x faster`),
          rows[gpKey],
        ),
      );
    }
  }
  section.notes.push(...rowNotes(section));
  const per = (k: string) => {
    const m = median(rows[k]);
    return m === undefined ? undefined : m / count;
  };
  const pl = per(`loop-up-${s}`);
  if (pl !== undefined) section.notes.push(`The sequential loop costs ${fmtMs(pl)} per file against relpack serve (a curl process, a new connection${net ? ', a TLS handshake and their round trips' : ''} per file).`);
  if (ctx.gpB) {
    for (const [k, what] of [
      ['pub', 'publish'],
      ['get', 'download'],
    ] as const) {
      const a = rows[`gp-${k}`];
      const b = rows[`gpb-${k}`];
      if (median(a) !== undefined && median(b) !== undefined) section.notes.push(`${what}: ${ctx.gpB.label} ${wallCpu(b)} vs the build under test ${wallCpu(a)} = ${fmtRatio(median(b)! / median(a)!)} the time.`);
    }
  }
  const xn = median(rows['xargs-up-nginx']);
  const xs = median(rows[`xargs-up-${s}`]);
  if (xn !== undefined && xs !== undefined) section.notes.push(`\`xargs -P8 curl\` upload takes ${fmtRatio(xs / xn)} the time against relpack serve that it takes against nginx (${fmtMs(xs)} vs ${fmtMs(xn)}).`);
  return { section, goals };
}

/* ------------------------------------------------------------------ re-run of a large publish */

/**
 * Scale: `count` small files (and a tenth of them, for the cost per file to compare with) published
 * into a new version, the same publish again, which finds every file published with the same
 * SHA-256 and uploads nothing, and a download of the whole version. The re-run still lists the
 * version and hashes every local file; it must not compare every local name with every listed one
 * (issue 13, point 18: with that, a 10,001-file re-run took longer than the first upload). Goals
 * (issue 17): the cost per file at `count` at most 1.2x the cost per file at a tenth, peak RSS
 * under 150 MiB.
 */
export async function rerun(ctx: Ctx, count: number, size: number, runs: number): Promise<{ section: Section; goals: Goal[] }> {
  const id = 'rerun';
  const small = Math.max(1, Math.round(count / 10));
  const label = `${count.toLocaleString('en-US')} files`;
  const section: Section = {
    id,
    title: `${small.toLocaleString('en-US')} and ${count.toLocaleString('en-US')} × ${fmtBytes(size)} files: publish, no-op re-publish, download`,
    description:
      `\`relpack publish <dir>\` of ${small} and of ${count} files of ${fmtBytes(size)} random bytes into a new version (one upload more for SHA256SUMS), ` +
      'then the same command again, which skips every file (each hashed and found published with the same SHA-256), then `relpack download` of the whole version into an empty folder. ' +
      `${runs} run(s), each into new versions, the two sizes interleaved.`,
    rows: [],
    notes: [],
  };
  const goalNames = ['no-op re-run ≤ 20 % of the first upload', `cost per file at ${count} ≤ 1.2 × at ${small}`, 'peak RSS < 150 MiB'];
  if (!ctx.gp || !ctx.serve) {
    section.notes.push(`Not measured: ${ctx.gp ? 'relpack serve is not available' : `relpack client unavailable (${ctx.gpMissing ?? 'unknown'})`}.`);
    return { section, goals: goalNames.map((goal) => ({ section: label, goal, measured: 'not measured', status: 'n/a' as const })) };
  }
  const t = ctx.serve;
  const gp = ctx.gp;
  const dl = join(ctx.workDir, 'dl-rerun');
  const sizes = [small, count];
  const srcs = new Map(sizes.map((n) => [n, ensureSmallFiles(ctx.dataDir, n, size)]));
  const rows = new Map(
    sizes.map((n) => [
      n,
      {
        first: newRow(`relpack publish <dir> of ${n} (first upload)`, t.name, n * size),
        again: newRow(`relpack publish <dir> of ${n} again (no-op re-run)`, t.name, n * size),
        get: newRow(`relpack download of ${n} (whole version)`, t.name, n * size),
      },
    ]),
  );
  const pkg = 'bench-relpack-rerun';
  for (let i = 0; i < runs; i++) {
    ctx.log(`[${id}] run ${i + 1}/${runs}`);
    for (const n of sizes) {
      const src = srcs.get(n)!;
      const r = rows.get(n)!;
      const timeoutMs = 300_000 + n * 100;
      // Read sequentially: thousands of streams at once would only contend.
      const warm = async () => {
        for (const name of readdirSync(src)) readFileSync(join(src, name));
      };
      const version = `${ctx.stamp}-${id}-${n}-${i}`;
      let last: RunResult | undefined;
      const publish = async () => (last = await gp.publish([src], pkg, version, t.url, t.token, timeoutMs));
      if ((await measure(ctx, r.first, t, timeoutMs, publish, warm)) || (await repairPublish(ctx, r.first, publish))) {
        if (await measure(ctx, r.again, t, timeoutMs, publish, warm)) {
          const summary = /(\d+) uploaded, (\d+) skipped/.exec(last?.stdout ?? '');
          if (summary?.[1] !== '0' || summary[2] !== String(n + 1)) rejectLast(ctx, r.again, `the re-run did not skip every file: ${summary?.[0] ?? (last?.stdout.trim() || 'no summary')}`);
        }
        rmSync(dl, { recursive: true, force: true });
        if (await measure(ctx, r.get, t, timeoutMs, () => gp.download(pkg, version, dl, t.url, t.token, timeoutMs))) {
          const got = listFiles(dl).filter((f) => basename(f) !== 'SHA256SUMS').length;
          if (got !== n) rejectLast(ctx, r.get, `downloaded ${got} files, expected ${n}`);
        }
        rmSync(dl, { recursive: true, force: true });
      }
      await t.deleteVersion(pkg, version).catch(() => undefined);
    }
  }
  for (const n of sizes) section.rows.push(rows.get(n)!.first, rows.get(n)!.again, rows.get(n)!.get);
  const big = rows.get(count)!;
  const lo = rows.get(small)!;
  const up = median(big.first);
  const noop = median(big.again);
  const goals: Goal[] = [withFailures(ratioGoal(label, goalNames[0]!, noop, up, 0.2, (r) => `${fmtMs(noop)} vs ${fmtMs(up)} = ${(r * 100).toFixed(0)} %`), big.again)];
  const per = (r: Row) => {
    const m = median(r);
    return m === undefined ? undefined : m / (r.bytes! / size);
  };
  const perCpu = (r: Row) => {
    const m = summarize(r.clientCpu)?.median;
    return m === undefined ? undefined : m / (r.bytes! / size);
  };
  const fmtPer = (r: Row) => `${fmtMs(per(r))}/file (CPU ${fmtMs(perCpu(r))}/file)`;
  for (const [k, what] of [
    ['first', 'publish'],
    ['again', 'no-op re-publish'],
    ['get', 'download'],
  ] as const) {
    goals.push(withFailures(ratioGoal(label, `${what}: ${goalNames[1]}`, per(big[k]), per(lo[k]), 1.2, (r) => `${fmtPer(big[k])} vs ${fmtPer(lo[k])} = ${fmtRatio(r)}`), big[k]));
  }
  const rss = [big.first, big.again, big.get].map((r) => maxOf(r.clientRss));
  const peak = rss.every((v) => v !== undefined) ? Math.max(...(rss as number[])) : undefined;
  goals.push({
    section: label,
    goal: `publish, re-publish, download: ${goalNames[2]}`,
    measured: peak === undefined ? 'not measured' : `${rss.map(fmtKiB).join(', ')}`,
    status: peak === undefined ? 'n/a' : peak < 150 * 1024 ? 'PASS' : 'FAIL',
  });
  section.notes.push(...rowNotes(section));
  return { section, goals };
}

/* ------------------------------------------------------------------ start-up */

export async function startup(ctx: Ctx, relpackArgv: string[], runs: number): Promise<{ section: Section; goals: Goal[] }> {
  const section: Section = {
    id: 'startup',
    title: 'CLI start-up',
    description: `\`${relpackArgv.join(' ')} --version\`, ${runs} runs after 3 warm-up runs, compared with a bare \`node -e 0\`.`,
    rows: [],
    notes: [],
  };
  const goals: Goal[] = [];
  const gpRow = newRow(`${relpackArgv.join(' ')} --version`, 'local');
  const nodeRow = newRow('node -e 0 (floor)', 'local');
  const cmds: Array<[Row, string[]]> = [
    [nodeRow, [process.execPath, '-e', '0']],
    [gpRow, relpackArgv[0] === 'node' ? [process.execPath, ...relpackArgv.slice(1), '--version'] : [...relpackArgv, '--version']],
  ];
  if (!ctx.gp) {
    gpRow.error = ctx.gpMissing ?? 'relpack unavailable';
    cmds.pop();
  }
  const useHyperfine = haveCommand('hyperfine') && cmds.every(([, argv]) => argv.every((a) => !/\s/.test(a)));
  for (const [r, argv] of cmds) {
    try {
      await runOk(argv[0]!, argv.slice(1), { cwd: ctx.repoRoot, timeoutMs: 30_000 }, argv.join(' '));
    } catch (err) {
      r.error = (err as Error).message;
      continue;
    }
    if (ctx.quietMs > 0) {
      const q = await waitForQuiet(ctx.quietMs, ctx.nproc);
      if (!q.quiet) r.contended++;
    }
    // Peak RSS of one run, for context (the floor every relpack command starts from).
    const m = await run(argv[0]!, argv.slice(1), { cwd: ctx.repoRoot, timeoutMs: 30_000, measureRss: true });
    if (m.rssKiB !== undefined) r.clientRss.push(m.rssKiB);
    if (m.cpuMs !== undefined) r.clientCpu.push(m.cpuMs);
    if (useHyperfine) {
      const json = join(ctx.workDir, 'hyperfine.json');
      const h = await run('hyperfine', ['-N', '--style', 'none', '--warmup', '3', '--runs', String(runs), '--export-json', json, argv.join(' ')], {
        cwd: ctx.repoRoot,
        timeoutMs: 60_000 + runs * 30_000,
      });
      if (h.code === 0) {
        const res = JSON.parse(readFileSync(json, 'utf8')) as { results: Array<{ times: number[] }> };
        r.samples.push(...res.results[0]!.times.map((s) => s * 1000));
        continue;
      }
      ctx.log(`  hyperfine failed (${h.stderr.trim().split('\n').pop()}); falling back to own timing`);
    }
    for (let i = 0; i < 3 + runs; i++) {
      const x = await run(argv[0]!, argv.slice(1), { cwd: ctx.repoRoot, timeoutMs: 30_000 });
      if (x.code !== 0) {
        r.error = errText(x, r.op, 30_000);
        break;
      }
      if (i >= 3) r.samples.push(x.ms);
    }
  }
  section.rows.push(nodeRow, gpRow);
  section.notes.push(...rowNotes(section));
  section.notes.push(
    `${useHyperfine ? 'Timed with hyperfine -N (no intermediate shell).' : 'Timed by the harness (spawn → exit, includes ~1 ms of spawn overhead).'} Client CPU and peak RSS are from one extra run under /usr/bin/time.`,
  );
  const m = median(gpRow);
  const s = summarize(gpRow.samples);
  goals.push(
    m === undefined
      ? { section: 'start-up', goal: '`relpack --version` median < 100 ms', measured: 'not measured', status: 'n/a' }
      : { section: 'start-up', goal: '`relpack --version` median < 100 ms', measured: `${wallCpu(gpRow)} (min ${fmtMs(s!.min)}; node -e 0: ${wallCpu(nodeRow)})`, status: m < 100 ? 'PASS' : 'FAIL' },
  );
  return { section, goals };
}
