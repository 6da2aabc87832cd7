// Child-process helpers for the benchmark harness: timed runs with timeouts,
// optional peak-RSS measurement through /usr/bin/time, long-running daemons
// (nginx, relpack serve) and guaranteed cleanup on exit / SIGINT / SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const live = new Set<ChildProcess>();
let handlersInstalled = false;

/** Kill a child and its whole process group (children are spawned detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Synchronously kill everything still running. Safe to call more than once. */
export function killAll(): void {
  for (const c of live) killGroup(c, 'SIGKILL');
  live.clear();
}

export function installCleanupHandlers(onSignal?: () => void): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\n[bench] ${sig}: stopping child processes\n`);
      try {
        onSignal?.();
      } catch {
        /* ignore */
      }
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`[bench] uncaught: ${err?.stack ?? err}\n`);
    killAll();
    process.exit(1);
  });
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Wrap in `/usr/bin/time` and report the peak RSS (KiB) and CPU time of the command. */
  measureRss?: boolean;
  /** Keep stdout (default: discarded). stderr is always kept (tail) for error messages. */
  captureStdout?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  rssKiB?: number;
  /** User + system CPU time of the command (ms), with measureRss. */
  cpuMs?: number;
}

const MAX_CAPTURE = 1 << 20;
let rssFileSeq = 0;

export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  let file = cmd;
  let argv = args;
  let rssFile: string | undefined;
  if (opts.measureRss) {
    rssFile = join(tmpdir(), `relpack-bench-rss-${process.pid}-${rssFileSeq++}`);
    file = '/usr/bin/time';
    argv = ['-f', '%M %U %S', '-o', rssFile, '--', cmd, ...args];
  }
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const start = process.hrtime.bigint();
    let end: bigint | undefined;
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
      detached: true,
    });
    live.add(child);
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < MAX_CAPTURE) stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > MAX_CAPTURE) stderr = stderr.slice(-MAX_CAPTURE / 2);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, opts.timeoutMs);
    child.on('exit', () => {
      end = process.hrtime.bigint();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      live.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const ms = Number((end ?? process.hrtime.bigint()) - start) / 1e6;
      let rssKiB: number | undefined;
      let cpuMs: number | undefined;
      if (rssFile) {
        try {
          const txt = readFileSync(rssFile, 'utf8');
          // GNU time writes "Command exited with non-zero status N" before the values on failure.
          const m = txt.trim().split('\n').pop()?.match(/^(\d+) ([\d.]+) ([\d.]+)$/);
          if (m) {
            rssKiB = Number(m[1]);
            cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
          }
        } catch {
          /* no rss */
        }
        rmSync(rssFile, { force: true });
      }
      resolve({ code, signal, ms, stdout, stderr, timedOut, rssKiB, cpuMs });
    });
  });
}

/** Like run() but throws with a useful message if the command failed. */
export async function runOk(cmd: string, args: string[], opts: RunOptions, what?: string): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.timedOut || r.code !== 0) {
    const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exited with ${r.code ?? r.signal}`;
    const tail = r.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what ?? [cmd, ...args].join(' ')} ${why}${tail ? `\n${tail}` : ''}`);
  }
  return r;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time (ms) a process has used so far, from /proc/PID/stat; undefined if gone. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface Daemon {
  child: ChildProcess;
  pid: number;
  /** All stdout+stderr seen so far (bounded). */
  output(): string;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolve once this matches the accumulated stdout+stderr. */
  ready: RegExp | (() => Promise<boolean>);
  timeoutMs: number;
  stopSignal?: NodeJS.Signals;
}

/** Start a long-running process and wait until it is ready (regex on its output or a probe). */
export function startDaemon(cmd: string, args: string[], opts: DaemonOptions): Promise<{ daemon: Daemon; match?: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let settled = false;
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child);
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    const daemon: Daemon = {
      child,
      pid: child.pid ?? -1,
      output: () => out,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          live.delete(child);
          return;
        }
        killGroup(child, opts.stopSignal ?? 'SIGTERM');
        const t = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
        live.delete(child);
      },
    };
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      killGroup(child, 'SIGKILL');
      live.delete(child);
      reject(new Error(`${msg}\n--- output of ${cmd} ${args.join(' ')} ---\n${out.slice(-4000)}`));
    };
    const ok = (match?: RegExpMatchArray) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ daemon, match });
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.length > MAX_CAPTURE) out = out.slice(-MAX_CAPTURE / 2);
      if (opts.ready instanceof RegExp) {
        const m = out.match(opts.ready);
        if (m) ok(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (err) => fail(`failed to start: ${err.message}`));
    child.on('exit', (code, signal) => fail(`exited early with ${code ?? signal}`));
    const timer = setTimeout(() => fail(`not ready after ${opts.timeoutMs} ms`), opts.timeoutMs);
    let probing = false;
    const probe = opts.ready;
    const poll = setInterval(() => {
      if (typeof probe !== 'function' || probing || settled) return;
      probing = true;
      probe()
        .then((ready) => {
          if (ready) ok();
        })
        .catch(() => undefined)
        .finally(() => {
          probing = false;
        });
    }, 100);
  });
}

/** Is an executable available on PATH (or at an absolute path)? */
export function haveCommand(cmd: string): boolean {
  if (cmd.startsWith('/')) return existsSync(cmd);
  const r = spawnSync('sh', ['-c', `command -v "${cmd}"`], { stdio: 'ignore' });
  return r.status === 0;
}

/** First line of `cmd args` output (stdout or stderr), or '' on failure. */
export function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return text.split('\n')[0] ?? '';
}

/** Peak resident set size (VmHWM, KiB) of a running process, from /proc. */
export function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reset a process's peak-RSS counter (Linux: write 5 to /proc/PID/clear_refs). Returns false if not permitted. */
export function resetHwm(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Split a command line like `node dist/relpack.mjs` into argv (handles simple quotes). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** CPU time (jiffies) of the whole machine: [busy, total], from /proc/stat. */
function cpuTimes(): [number, number] {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return [total - idle, total];
}

/** Busy CPU cores (0…nproc) over the next `ms` milliseconds. */
export async function busyCores(ms: number, nproc: number): Promise<number> {
  try {
    const [b0, t0] = cpuTimes();
    await new Promise((r) => setTimeout(r, ms));
    const [b1, t1] = cpuTimes();
    return t1 > t0 ? ((b1 - b0) / (t1 - t0)) * nproc : 0;
  } catch {
    return 0;
  }
}

/**
 * Other work on a shared machine (test suites, builds) distorts timings. Wait until the machine
 * is quiet (< thresholdCores busy over 500 ms), at most maxWaitMs. Returns whether it was quiet.
 */
export async function waitForQuiet(maxWaitMs: number, nproc: number, thresholdCores = 0.3): Promise<{ quiet: boolean; waitedMs: number; busy: number }> {
  const start = Date.now();
  let busy = 0;
  do {
    busy = await busyCores(500, nproc);
    if (busy < thresholdCores) return { quiet: true, waitedMs: Date.now() - start, busy };
  } while (Date.now() - start < maxWaitMs);
  return { quiet: false, waitedMs: Date.now() - start, busy };
}

/** 1-minute load average. */
export function loadAvg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
