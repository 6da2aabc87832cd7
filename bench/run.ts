// relpack benchmark: relpack vs curl/openssl against Debian's nginx (DAV PUT) and `relpack serve`.
//
//   npm run bench                         # full run, writes docs/benchmarks.md
//   npm run bench -- --quick              # smoke run (small sizes, 1 run), writes bench/.work/benchmarks-quick.md
//   npm run bench -- --only small --runs 3
//
//   npm run bench -- --network wan --rtt 20   # small files over HTTPS + 20 ms RTT (TLS front + latency proxy)
//
// Prerequisites (Debian): apt-get install -y nginx time   (curl, openssl; hyperfine optional)
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { haveCommand, installCleanupHandlers, killAll, loadAvg, run, splitCommand } from './lib/proc.js';
import { availableParallelism } from 'node:os';
import { startNginx, type NginxServer } from './lib/nginx.js';
import { relpackCli, startRelpackServer, type RelpackServer } from './lib/relpack.js';
import { archiveVsFiles } from './lib/archive-scenario.js';
import { largeFile, nginxTarget, rerun, serveTarget, smallFiles, startup, type Ctx, type Network, type Target } from './lib/scenarios.js';
import { startFront, type Front } from './lib/front.js';
import { parseBandwidth } from './lib/latency-proxy.js';
import { fmtRate } from './lib/stats.js';
import { goalsTable, handWrittenPart, machineInfo, renderMarkdown, sectionTable, type Goal, type Section } from './lib/report.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const SCENARIOS = ['large', 'huge', 'small', 'rerun', 'archive', 'startup'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Section ids in report order (the small-file scenario is stored apart per network). */
const REPORT_ORDER = ['large', 'huge', 'large-wan', 'small', 'small-wan', 'rerun', 'archive', 'startup'];
const ALIASES: Record<string, Scenario> = {
  large: 'large', '1g': 'large', '1gib': 'large', big: 'large',
  huge: 'huge', '4g': 'huge', '4gib': 'huge',
  small: 'small', files: 'small', many: 'small', '500': 'small',
  rerun: 'rerun', 're-run': 'rerun', noop: 'rerun', '10k': 'rerun',
  archive: 'archive', 'tar.gz': 'archive', extract: 'archive',
  startup: 'startup', 'start-up': 'startup', version: 'startup',
};

const HELP = `Usage: node --import tsx bench/run.ts [options]   (npm run bench -- [options])

Scenarios (all by default): large (1 GiB file), huge (4 GiB file), small (500 × 10 KiB),
  rerun (1,000 and 10,000 files: a publish, the same publish again (nothing to upload), a download),
  archive (5,000 × 1 KiB published and downloaded as one tar.gz vs file by file; in-process), startup
  --only <list>       comma-separated scenarios to run, e.g. --only small,startup
  --quick             smoke run: 64 MiB / 256 MiB / 50 files / 1,000 files, 1 run, 5 start-up runs
  --network <net>     loopback (default) | wan: run the small files (500 × 10 KiB) over the network
                      profile, client → latency proxy (--rtt, --bandwidth) → TLS front (nginx, a CA
                      made for the run; HTTP/2 offered) → relpack serve / nginx, and with large also a
                      256 MiB file through it (2 runs); the 1 and 4 GiB files stay on loopback
  --rtt MS            round-trip time the latency proxy adds with --network wan (default 20)
  --bandwidth RATE    cap each direction of the emulated link, e.g. 100mbit, 1gbit, 50MB/s (default: none)
  --front-h2 on|off   whether the TLS front offers HTTP/2 (default on, as GitLab's nginx does)
  --rerun-files N     files in the rerun scenario (default 10000; 1000 with --quick), compared with a tenth of it
  --archive-files N   files in the archive scenario (default 5000; 500 with --quick; runs at most 3)
  --runs N            runs per tool and scenario (default 5; start-up always uses max(N, 20) unless --quick;
                      rerun at most 3: each run uploads every file)
  --warmup N          uncounted warm-up runs per transfer scenario (default 1; 0 with --quick)
  --quiet-wait S      before each measured command, wait up to S seconds for other processes to leave
                      the CPUs idle (default 30; 5 with --quick; 0 = don't wait)
  --runs-huge N       runs for the 4 GiB scenario (default 1, without a warm-up run or the sha256sum
                      baselines, which only the 1 GiB goals use: it has no goals, and a run of it
                      takes 2–3 minutes; this keeps a full run with --network wan near 25 minutes)
  --relpack <cmd>     relpack command line (default: "node dist/relpack.mjs")
  --relpack-b <cmd>   a second relpack build measured beside the first in the small-file scenario
                      (e.g. a trial build), labelled with --relpack-b-label (default "relpack-b")
  --relpack-only      small files: measure only relpack (and --relpack-b), none of the shell loops
  --server <mode>     auto | cli (relpack serve) | module (node --import tsx src/server/main.ts); default auto
  --fsync             keep relpack serve's fsync of stored files (default off, like nginx)
  --token <t>         token for relpack serve (default: parsed from its output, else RELPACK_TOKEN)
  --out <file>        markdown report (default docs/benchmarks.md; bench/.work/benchmarks-quick.md with --quick)
  --work-dir <dir>    where nginx/relpack serve store uploads and downloads land (default bench/.work;
                      e.g. /dev/shm/relpack-bench to measure without disk noise). Test data stays in bench/.work/data
  --fresh             report only this run's scenarios (by default, scenarios not run this time are
                      taken from their last stored result in bench/.work/results/)
  --keep              keep uploaded data in bench/.work after the run
  -h, --help`;

/** File-system type of the mount holding `dir` (from /proc/self/mounts), e.g. ext4 or tmpfs. */
function fsType(dir: string): string {
  try {
    let best = { mnt: '', type: 'unknown' };
    for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const [, mnt, type] = line.split(' ');
      if (mnt && type && (dir === mnt || dir.startsWith(mnt.endsWith('/') ? mnt : `${mnt}/`)) && mnt.length >= best.mnt.length) best = { mnt, type };
    }
    return best.type;
  } catch {
    return 'unknown';
  }
}

interface StoredResult {
  section: Section;
  goals: Goal[];
  date: string;
  command: string;
  relpack?: string;
}

function fmtBandwidth(bytesPerSec: number): string {
  const bits = bytesPerSec * 8;
  return bits >= 1e9 ? `${+(bits / 1e9).toFixed(2)} Gbit/s` : bits >= 1e6 ? `${+(bits / 1e6).toFixed(2)} Mbit/s` : `${+(bits / 1e3).toFixed(2)} kbit/s`;
}

function fail(msg: string, code = 2): never {
  process.stderr.write(`${msg}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      'runs-huge': { type: 'string' },
      relpack: { type: 'string', default: 'node dist/relpack.mjs' },
      server: { type: 'string', default: 'auto' },
      'relpack-b': { type: 'string' },
      'relpack-b-label': { type: 'string', default: 'relpack-b' },
      'relpack-only': { type: 'boolean', default: false },
      token: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      fsync: { type: 'boolean', default: false },
      'work-dir': { type: 'string' },
      warmup: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      'quiet-wait': { type: 'string' },
      'rerun-files': { type: 'string' },
      'archive-files': { type: 'string' },
      network: { type: 'string', default: 'loopback' },
      rtt: { type: 'string', default: '20' },
      bandwidth: { type: 'string' },
      'front-h2': { type: 'string', default: 'on' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const quick = values.quick!;
  const intArg = (v: string | undefined, name: string, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 100) fail(`--${name} must be an integer between 1 and 100`);
    return n;
  };
  const runs = intArg(values.runs, 'runs', quick ? 1 : 5);
  const warmup = values.warmup === undefined ? (quick ? 0 : 1) : Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > 10) fail('--warmup must be an integer between 0 and 10');
  const quietWait = values['quiet-wait'] === undefined ? (quick ? 5 : 30) : Number(values['quiet-wait']);
  if (!Number.isFinite(quietWait) || quietWait < 0 || quietWait > 600) fail('--quiet-wait must be a number of seconds between 0 and 600');
  const quietMs = quietWait * 1000;
  const runsHuge = intArg(values['runs-huge'], 'runs-huge', 1);
  const startupRuns = quick ? 5 : Math.max(20, values.runs ? runs : 20);
  const rerunFiles = values['rerun-files'] === undefined ? (quick ? 1000 : 10_000) : Number(values['rerun-files']);
  if (!Number.isInteger(rerunFiles) || rerunFiles < 1 || rerunFiles > 1_000_000) fail('--rerun-files must be a whole number from 1 to 1000000');
  const archiveFiles = values['archive-files'] === undefined ? (quick ? 500 : 5000) : Number(values['archive-files']);
  if (!Number.isInteger(archiveFiles) || archiveFiles < 1 || archiveFiles > 1_000_000) fail('--archive-files must be a whole number from 1 to 1000000');
  let only: Set<Scenario> = new Set(SCENARIOS);
  if (values.only) {
    only = new Set();
    for (const s of values.only.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
      const sc = ALIASES[s];
      if (!sc) fail(`unknown scenario "${s}"; choose from ${SCENARIOS.join(', ')}`);
      only.add(sc);
    }
  }
  const network = values.network!;
  if (!['loopback', 'wan'].includes(network)) fail('--network must be loopback or wan');
  const rttMs = Number(values.rtt);
  if (!Number.isFinite(rttMs) || rttMs < 0 || rttMs > 10_000) fail('--rtt must be a number of milliseconds between 0 and 10000');
  let bytesPerSec = 0;
  try {
    bytesPerSec = parseBandwidth(values.bandwidth);
  } catch (err) {
    fail(`--bandwidth: ${(err as Error).message}`);
  }
  if (!['on', 'off'].includes(values['front-h2']!)) fail('--front-h2 must be on or off');
  const frontH2 = values['front-h2'] === 'on';
  const serverMode = values.server as 'auto' | 'cli' | 'module';
  if (!['auto', 'cli', 'module'].includes(serverMode)) fail('--server must be auto, cli or module');
  const outFile = resolve(repoRoot, values.out ?? (quick ? 'bench/.work/benchmarks-quick.md' : 'docs/benchmarks.md'));

  // Prerequisites: the baselines (nginx, curl, openssl, bash loops) only for the scenarios that
  // compare against them; /usr/bin/time always (peak RSS and CPU of each command).
  const baselines = only.has('large') || only.has('huge') || only.has('small');
  const missing: string[] = [];
  const pkgs = new Set<string>();
  for (const [cmd, pkg, needed] of [
    ['nginx', 'nginx', baselines],
    ['curl', 'curl', baselines],
    ['openssl', 'openssl', baselines],
    ['/usr/bin/time', 'time', true],
    ['bash', 'bash', baselines],
  ] as const) {
    if (needed && !haveCommand(cmd)) {
      missing.push(cmd);
      pkgs.add(pkg);
    }
  }
  if (missing.length) {
    const list = [...pkgs];
    fail(`Missing prerequisites: ${missing.join(', ')}\nInstall them with:\n  apt-get install -y ${list.join(' ')}\n(run apt-get update first on a fresh machine; hyperfine is optional)`);
  }

  const log = (s: string) => process.stdout.write(`${s}\n`);
  const loadStart = loadAvg();
  // Test data always lives in bench/.work/data; servers' storage and download targets go to the
  // work dir, which --work-dir can move (e.g. to a tmpfs to take disk noise out of the numbers).
  const workDir = values['work-dir'] ? resolve(values['work-dir']) : join(repoRoot, 'bench/.work');
  const dataDir = join(repoRoot, 'bench/.work/data');
  mkdirSync(workDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });

  // Context for the transfer numbers: how fast can this machine write a file into bench/.work?
  let diskInfo: string | undefined;
  {
    const probe = join(workDir, 'write-probe.bin');
    const bytes = (quick ? 64 : 512) * MiB;
    const r = await run('dd', ['if=/dev/zero', `of=${probe}`, 'bs=1M', `count=${bytes / MiB}`, 'conv=fsync'], { timeoutMs: 120_000 });
    const r2 = await run('dd', ['if=/dev/zero', `of=${probe}`, 'bs=1M', `count=${bytes / MiB}`], { timeoutMs: 120_000 });
    rmSync(probe, { force: true });
    if (r.code === 0 && r2.code === 0) {
      diskInfo = `${fmtRate(bytes, r2.ms)} into the page cache, ${fmtRate(bytes, r.ms)} with fsync (dd, ${bytes / MiB} MiB)`;
      log(`buffered write to ${workDir}: ${diskInfo}`);
    }
  }

  let nginx: NginxServer | undefined;
  let serve: RelpackServer | undefined;
  let front: Front | undefined;
  installCleanupHandlers();

  const notes: string[] = [];
  const ctx: Ctx = {
    repoRoot,
    workDir,
    dataDir,
    runs,
    warmup,
    quick,
    quietMs,
    nproc: availableParallelism(),
    stamp: `b${Date.now().toString(36)}`,
    relpackOnly: values['relpack-only'],
    log,
  };

  // relpack client.
  let relpackVersion: string | undefined;
  const head = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, timeoutMs: 10_000, captureStdout: true }).catch(() => undefined);
  const gitHead = head?.code === 0 ? head.stdout.trim() : undefined;
  const gpArgv = splitCommand(values.relpack!);
  if (gpArgv.length === 0) fail('--relpack must not be empty');
  const gpArgvAbs = gpArgv[0] === 'node' ? [process.execPath, ...gpArgv.slice(1)] : gpArgv;
  const script = gpArgv[0] === 'node' ? gpArgv.find((a, i) => i > 0 && !a.startsWith('-')) : undefined;
  if (script && !existsSync(resolve(repoRoot, script))) {
    ctx.gpMissing = `${script} does not exist (run \`npm run build\`)`;
  } else {
    const v = await run(gpArgvAbs[0]!, [...gpArgvAbs.slice(1), '--version'], { cwd: repoRoot, timeoutMs: 30_000, captureStdout: true });
    if (v.code === 0) {
      ctx.gp = relpackCli(gpArgvAbs, repoRoot);
      // dist/ may be rebuilt from a working tree that differs from HEAD: identify the bundle itself too.
      const bundleHash = script ? createHash('sha256').update(readFileSync(resolve(repoRoot, script))).digest('hex').slice(0, 12) : undefined;
      relpackVersion = `${v.stdout.trim().split('\n')[0]}${gitHead ? `, repo HEAD ${gitHead}` : ''}${bundleHash ? `, ${script} content hash ${bundleHash}` : ''}`;
      notes.push(`relpack under test: \`${values.relpack}\` (${relpackVersion}).`);
    } else {
      ctx.gpMissing = `\`${values.relpack} --version\` failed: ${v.stderr.trim().split('\n').slice(-1)[0] ?? v.code}`;
    }
  }
  if (ctx.gpMissing) log(`! relpack client unavailable: ${ctx.gpMissing}`);
  let gpbArgvAbs: string[] | undefined;
  if (values['relpack-b']) {
    const argv = splitCommand(values['relpack-b']);
    gpbArgvAbs = argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv;
    const v = await run(gpbArgvAbs[0]!, [...gpbArgvAbs.slice(1), '--version'], { cwd: repoRoot, timeoutMs: 30_000, captureStdout: true });
    if (v.code !== 0) fail(`\`${values['relpack-b']} --version\` failed: ${v.stderr.trim().split('\n').slice(-1)[0] ?? v.code}`);
    const label = values['relpack-b-label']!;
    ctx.gpB = { cli: relpackCli(gpbArgvAbs, repoRoot), label };
    notes.push(`Second relpack build (${label}), measured beside the first in the small-file scenario: \`${values['relpack-b']}\` (${v.stdout.trim().split('\n')[0]}).`);
  }

  const needServers = baselines || only.has('rerun');
  if (needServers) {
    if (baselines) {
      nginx = await startNginx(join(repoRoot, 'bench/nginx.conf.template'), workDir);
      ctx.nginx = nginxTarget(nginx);
      log(`nginx listening on ${nginx.url} (pid ${nginx.daemon.pid})`);
    }
    try {
      serve = await startRelpackServer({ relpack: gpArgvAbs, relpackAvailable: !!ctx.gp, repoRoot, workDir, tokenOverride: values.token, fsync: values.fsync!, mode: serverMode, log });
      ctx.serve = serveTarget(serve);
      log(`relpack serve listening on ${serve.url} (pid ${serve.pid}, via ${serve.how})`);
      notes.push(`relpack server: \`${serve.how}\`${values.fsync ? '' : ' (storage.fsync off, as nginx does not fsync either; --fsync turns it on)'}.`);
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0];
      log(`! relpack serve unavailable: ${msg}`);
      notes.push(`relpack serve could not be started (${msg}); only the nginx baselines were measured.`);
    }
  }

  // Each scenario's result is also stored in bench/.work/results[-quick]/<scenario>.json, so that a
  // partial run (--only) rewrites its own sections of the report and keeps the others.
  const resultsDir = join(repoRoot, 'bench/.work', quick ? 'results-quick' : 'results');
  mkdirSync(resultsDir, { recursive: true });
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).map((a) => (/[\s"'$]/.test(a) ? `'${a}'` : a)).join(' ')}` : ''}`;
  const results = new Map<string, StoredResult>();
  const add = (r: { section: Section; goals: Goal[] }) => {
    const stored: StoredResult = { ...r, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), command, relpack: relpackVersion };
    results.set(r.section.id, stored);
    writeFileSync(join(resultsDir, `${r.section.id}.json`), JSON.stringify(stored, null, 2));
    log(`\n### ${r.section.title}\n\n${sectionTable(r.section)}\n`);
    for (const n of r.section.notes) log(`- ${n}`);
    log('');
  };
  const guard = async (name: string, f: () => Promise<{ section: Section; goals: Goal[] }>) => {
    try {
      add(await f());
    } catch (err) {
      const msg = (err as Error).message;
      log(`! scenario ${name} failed: ${msg}`);
      notes.push(`Scenario ${name} aborted: ${msg.split('\n')[0]}`);
    }
  };

  if (only.has('large')) await guard('large', () => largeFile(ctx, 'large', quick ? 64 * MiB : GiB, runs));
  if (only.has('huge')) {
    await guard('huge', () => largeFile(ctx, 'huge', quick ? 256 * MiB : 4 * GiB, runsHuge, undefined, { warmup: 0, verified: false }));
    if (runsHuge < runs) notes.push(`The ${quick ? '256 MiB' : '4 GiB'} scenario used ${runsHuge} run(s) instead of ${runs} to save time.`);
  }
  // The network profile: one front (TLS + latency) before both servers, for the small files and a
  // moderate file; the large files stay on loopback.
  let wan: { ctx: Ctx; net: Network } | undefined;
  if (network === 'wan' && (only.has('small') || only.has('large'))) {
    try {
      const backends = [ctx.nginx, ctx.serve].filter((t): t is Target => !!t);
      front = await startFront({ templatePath: join(repoRoot, 'bench/nginx-front.conf.template'), workDir, backends: backends.map((t) => t.url), rttMs, bytesPerSec, h2: frontH2 });
      const f = front;
      const rate = bytesPerSec ? `, ${fmtBandwidth(bytesPerSec)} each way` : '';
      log(`TLS front (nginx, pid ${f.nginx.pid}) behind a ${rttMs} ms latency proxy (pid ${f.proxy.pid}${rate}): ${backends.map((t) => `${t.name} → ${f.urlFor(t.url)}`).join(', ')}`);
      const viaFront = (t: Target | undefined): Target | undefined => (t ? { ...t, url: f.urlFor(t.url) } : undefined);
      const wanCtx: Ctx = { ...ctx, nginx: viaFront(ctx.nginx), serve: viaFront(ctx.serve), gp: ctx.gp ? relpackCli(gpArgvAbs, repoRoot, { NODE_EXTRA_CA_CERTS: f.tls.caFile }) : undefined };
      if (ctx.gpB && gpbArgvAbs) wanCtx.gpB = { ...ctx.gpB, cli: relpackCli(gpbArgvAbs, repoRoot, { NODE_EXTRA_CA_CERTS: f.tls.caFile }) };
      wan = {
        ctx: wanCtx,
        net: {
          id: 'wan',
          label: `HTTPS, ${rttMs} ms RTT${rate}`,
          description:
            `Every request goes through a userspace latency proxy adding ${rttMs} ms of round-trip time (${rttMs / 2} ms each way per chunk, one more round trip per new connection for the TCP handshake${rate}) ` +
            `to a TLS front: Debian's nginx terminating TLS 1.3${frontH2 ? ' and offering HTTP/2 by ALPN' : ' (HTTP/1.1 only)'}, proxying over HTTP/1.1 keep-alive to the server (\`bench/nginx-front.conf.template\`), ` +
            'with a certificate from a CA generated for the run. The same front sits before relpack serve and before nginx.',
          caFile: f.tls.caFile,
        },
      };
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0];
      log(`! network profile unavailable: ${msg}`);
      notes.push(`The network profile (--network wan) could not be set up (${msg}); its scenarios were not run.`);
    }
  }
  if (wan && only.has('large')) {
    const w = wan;
    // A moderate file, at most 2 runs and no warm-up (the 1 GiB runs warmed the server): context, no goals.
    await guard('large-wan', () => largeFile(w.ctx, 'large-wan', quick ? 16 * MiB : 256 * MiB, Math.min(runs, 2), w.net, { warmup: 0 }));
  }
  if (only.has('small')) {
    const count = quick ? 50 : 500;
    const w = wan;
    if (w) await guard('small', () => smallFiles(w.ctx, count, 10 * 1024, runs, w.net));
    else if (network !== 'wan') await guard('small', () => smallFiles(ctx, count, 10 * 1024, runs));
  }
  if (only.has('rerun')) await guard('rerun', () => rerun(ctx, rerunFiles, 1024, Math.min(runs, 3)));
  if (only.has('archive')) await guard('archive', () => archiveVsFiles(ctx, archiveFiles, 1024, Math.min(runs, 3)));
  if (only.has('startup')) await guard('startup', () => startup(ctx, gpArgv, startupRuns));

  await front?.stop().catch(() => undefined);
  await serve?.stop().catch(() => undefined);
  await nginx?.stop().catch(() => undefined);
  if (!values.keep) {
    rmSync(join(workDir, 'serve'), { recursive: true, force: true });
    rmSync(join(workDir, 'nginx', 'root'), { recursive: true, force: true });
  }

  const sections: Section[] = [];
  const goals: Goal[] = [];
  for (const id of REPORT_ORDER) {
    let r = results.get(id);
    if (!r && !values.fresh) {
      try {
        r = JSON.parse(readFileSync(join(resultsDir, `${id}.json`), 'utf8')) as StoredResult;
        r.section.notes.push(`From an earlier run (${r.date}, \`${r.command}\`, relpack ${r.relpack ?? 'unknown'}); this run did not include this scenario.`);
        log(`(report: keeping the ${id} results of ${r.date})`);
      } catch {
        r = undefined;
      }
    }
    if (!r) continue;
    sections.push(r.section);
    goals.push(...r.goals);
  }
  log(`## Goals\n\n${goalsTable(goals)}\n`);
  const md = renderMarkdown({
    info: machineInfo({
      'Work dir (server storage, downloads)': `${workDir.startsWith(repoRoot) ? workDir.slice(repoRoot.length + 1) : workDir} (${fsType(workDir)})`,
      ...(diskInfo ? { 'Buffered write to work dir': diskInfo } : {}),
      'Load average (start → end)': `${loadStart} → ${loadAvg()}`,
    }),
    command,
    quick,
    runs,
    warmup,
    sections,
    goals,
    notes,
    handWritten: handWrittenPart(existsSync(outFile) ? readFileSync(outFile, 'utf8') : undefined),
  });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, md);
  log(`report written to ${outFile}`);
  const failed = goals.filter((g) => g.status === 'FAIL').length;
  log(`${goals.filter((g) => g.status === 'PASS').length} PASS, ${failed} FAIL, ${goals.filter((g) => g.status === 'n/a').length} n/a`);
}

main().then(
  () => {
    killAll();
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    killAll();
    process.exit(1);
  },
);
