// Memory and throughput of `relpack serve` on one large file.
//
//   node --import tsx bench/server-memory.ts [--size 2GiB] [--runs 5] [--no-nginx] [--keep]
//
// Starts the server in a child process (node --import tsx src/server/main.ts, i.e. runServe
// without the CLI), uploads then downloads a generated sparse file with curl (streamed from and
// to disk), samples the server's VmRSS from /proc every 20 ms and prints the growth over the idle
// baseline. If nginx is installed it also times a 1 GiB download (curl -o /dev/null, median of
// N runs) from relpack serve and from nginx serving the same file, and prints the ratio.
// Goals: RSS growth < 64 MiB; download within 1.5x of nginx.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, ftruncateSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src/server/main.ts');
const MiB = 1024 * 1024;

export interface ServerMemoryOptions {
  sizeBytes: number;
  /** Download-speed comparison against nginx (skipped when nginx is missing). Default true. */
  nginx?: boolean;
  /** Size of the timed download (default 1 GiB, capped at sizeBytes). */
  timedBytes?: number;
  runs?: number;
  workDir?: string;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface ServerMemoryResult {
  sizeBytes: number;
  baselineRssKiB: number;
  peakUploadRssKiB: number;
  peakDownloadRssKiB: number;
  /** max(peak) − baseline */
  growthKiB: number;
  uploadSeconds: number;
  downloadSeconds: number;
  checksumOk: boolean;
  speed?: { bytes: number; runs: number; relpackMedianS: number; nginxMedianS: number; ratio: number };
}

export async function measureServerMemory(opts: ServerMemoryOptions): Promise<ServerMemoryResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const work = opts.workDir ?? join(ROOT, 'bench/.work/server-memory');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  if (spawnSync('curl', ['--version']).status !== 0) throw new Error('curl is required for this benchmark');

  // A sparse file: the kernel hands out zeros, so reading it costs no disk I/O and the figures
  // are about the server, not the disk. One non-zero byte per MiB keeps it from being trivial.
  const src = join(work, 'big.bin');
  const fd = openSync(src, 'w');
  ftruncateSync(fd, opts.sizeBytes);
  for (let off = 0; off < opts.sizeBytes; off += 64 * MiB) writeSync(fd, Buffer.from([off % 251 || 1]), 0, 1, off);
  closeSync(fd);

  const cfg = join(work, 'serve.yml');
  // fsync off like nginx (which does not fsync uploads); memory behaviour is the same either way.
  writeFileSync(cfg, 'storage:\n  fsync: false\n');
  const server = await startServe(['--port', '0', '--data-dir', join(work, 'data'), '--config', cfg, '--quiet']);
  const token = 'glpat-dev-maintainer';
  const fileUrl = `${server.url}/api/v4/projects/1/packages/generic/bench/1.0.0/big.bin`;
  const sampler = rssSampler(server.child.pid!);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const baseline = sampler.current();
    log(`relpack serve pid ${server.child.pid} at ${server.url}; idle RSS ${(baseline / 1024).toFixed(1)} MiB`);

    sampler.reset();
    let t0 = performance.now();
    const up = curl(['-sS', '-o', join(work, 'upload.json'), '-w', '%{http_code}', '-H', `PRIVATE-TOKEN: ${token}`, '--upload-file', src, `${fileUrl}?select=package_file`]);
    const uploadSeconds = (performance.now() - t0) / 1000;
    if (up.trim() !== '200') throw new Error(`upload answered ${up}: ${readFileSync(join(work, 'upload.json'), 'utf8')}`);
    const peakUpload = sampler.peak();
    const stored = JSON.parse(readFileSync(join(work, 'upload.json'), 'utf8')) as { file_sha256: string; size: number };
    log(`upload   ${fmtBytes(opts.sizeBytes)} in ${uploadSeconds.toFixed(2)} s (${fmtRate(opts.sizeBytes, uploadSeconds)}); peak RSS ${(peakUpload / 1024).toFixed(1)} MiB`);

    sampler.reset();
    t0 = performance.now();
    const headers = join(work, 'download.headers');
    const down = curl(['-sS', '-o', '/dev/null', '-D', headers, '-w', '%{http_code} %{size_download}', '-H', `PRIVATE-TOKEN: ${token}`, fileUrl]);
    const downloadSeconds = (performance.now() - t0) / 1000;
    const peakDownload = sampler.peak();
    const [code, size] = down.trim().split(' ');
    if (code !== '200' || Number(size) !== opts.sizeBytes) throw new Error(`download answered ${down}`);
    const sum = /x-checksum-sha256:\s*(\w+)/i.exec(readFileSync(headers, 'utf8'))?.[1];
    const expected = spawnSync('sha256sum', [src], { encoding: 'utf8', maxBuffer: 1 << 20 }).stdout.split(' ')[0];
    const checksumOk = sum === stored.file_sha256 && (!expected || expected === sum);
    log(`download ${fmtBytes(opts.sizeBytes)} in ${downloadSeconds.toFixed(2)} s (${fmtRate(opts.sizeBytes, downloadSeconds)}); peak RSS ${(peakDownload / 1024).toFixed(1)} MiB; checksum ${checksumOk ? 'ok' : 'MISMATCH'}`);
    const growth = Math.max(peakUpload, peakDownload) - baseline;
    log(`RSS growth ${(growth / 1024).toFixed(1)} MiB (goal < 64 MiB) ${growth < 64 * 1024 ? 'OK' : 'OVER'}`);

    const result: ServerMemoryResult = {
      sizeBytes: opts.sizeBytes, baselineRssKiB: baseline, peakUploadRssKiB: peakUpload, peakDownloadRssKiB: peakDownload,
      growthKiB: growth, uploadSeconds, downloadSeconds, checksumOk,
    };
    if (opts.nginx !== false) {
      const nginx = spawnSync('nginx', ['-v']).status === 0 ? 'nginx' : spawnSync('/usr/sbin/nginx', ['-v']).status === 0 ? '/usr/sbin/nginx' : null;
      if (!nginx) log('nginx not installed: skipping the download-speed comparison');
      else result.speed = await compareWithNginx(nginx, work, server.url, token, opts, log);
    }
    return result;
  } finally {
    sampler.stop();
    await stop(server.child);
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

async function compareWithNginx(nginx: string, work: string, relpackUrl: string, token: string, opts: ServerMemoryOptions, log: (l: string) => void) {
  const bytes = Math.min(opts.timedBytes ?? 1024 * MiB, opts.sizeBytes);
  const runs = opts.runs ?? 5;
  const root = join(work, 'nginx-root');
  mkdirSync(join(root, 'logs'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const file = join(root, 'timed.bin');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  // Upload the same bytes to relpack serve.
  const up = curl(['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `PRIVATE-TOKEN: ${token}`, '--upload-file', file, `${relpackUrl}/api/v4/projects/1/packages/generic/bench/1.0.0/timed.bin`]);
  if (up.trim() !== '201') throw new Error(`timed upload answered ${up}`);
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const conf = join(root, 'nginx.conf');
  writeFileSync(conf, `${isRoot ? 'user root;\n' : ''}daemon off;\nworker_processes 2;\npid ${root}/nginx.pid;\nerror_log ${root}/logs/error.log warn;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  client_body_temp_path ${root}/tmp;\n  proxy_temp_path ${root}/tmp;\n  fastcgi_temp_path ${root}/tmp;\n  uwsgi_temp_path ${root}/tmp;\n  scgi_temp_path ${root}/tmp;\n  server {\n    listen 127.0.0.1:${port};\n    root ${root};\n    default_type application/octet-stream;\n  }\n}\n`);
  const ng = spawn(nginx, ['-p', root, '-c', conf, '-e', join(root, 'logs/error.log')], { stdio: 'ignore' });
  try {
    await waitFor(() => curl(['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/timed.bin`, '-r', '0-0'], true).trim() === '206', 10_000);
    const time = (url: string, h: string[]) => {
      const out = curl(['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', ...h, url]);
      const [t, n] = out.trim().split(' ');
      if (Number(n) !== bytes) throw new Error(`timed download of ${url} got ${n} bytes`);
      return Number(t);
    };
    const g: number[] = [];
    const n: number[] = [];
    // interleave so page-cache and CPU-frequency effects hit both alike
    for (let i = 0; i < runs; i++) {
      g.push(time(`${relpackUrl}/api/v4/projects/1/packages/generic/bench/1.0.0/timed.bin`, ['-H', `PRIVATE-TOKEN: ${token}`]));
      n.push(time(`http://127.0.0.1:${port}/timed.bin`, []));
    }
    const gm = median(g);
    const nm = median(n);
    log(`timed ${fmtBytes(bytes)} download, median of ${runs}: relpack serve ${gm.toFixed(3)} s (${fmtRate(bytes, gm)}), nginx ${nm.toFixed(3)} s (${fmtRate(bytes, nm)}), ratio ${(gm / nm).toFixed(2)}x (goal ≤ 1.5x)`);
    return { bytes, runs, relpackMedianS: gm, nginxMedianS: nm, ratio: gm / nm };
  } finally {
    await stop(ng, 'SIGQUIT');
  }
}

// ---------------------------------------------------------------- helpers

function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && /admin token/.test(out)) resolve({ child, url: m[1]! });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`relpack serve exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

function rssSampler(pid: number) {
  const read = () => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  let peak = read();
  // The curl calls below are synchronous, so sample from a separate thread-free source: a child
  // shell loop writing VmRSS lines would be heavier; instead run the sampler in a worker process.
  const sampler = spawn('sh', ['-c', `while :; do grep VmRSS /proc/${pid}/status 2>/dev/null || exit 0; sleep 0.02; done`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buf = '';
  sampler.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const v = Number(/(\d+)/.exec(l)?.[1] ?? 0);
      if (v > peak) peak = v;
    }
  });
  return {
    current: read,
    reset: () => {
      peak = read();
    },
    peak: () => {
      // let buffered sample lines arrive
      spawnSync('sleep', ['0.1']);
      return Math.max(peak, read());
    },
    stop: () => sampler.kill(),
  };
}

function curl(args: string[], quiet = false): string {
  const r = spawnSync('curl', args, { encoding: 'utf8', maxBuffer: 16 * MiB });
  if (r.status !== 0 && !quiet) throw new Error(`curl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout ?? '';
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for nginx');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kib|kb|m|mib|mb|g|gib|gb)?$/i.exec(s.trim());
  if (!m) throw new Error(`bad size ${JSON.stringify(s)} (e.g. 2GiB, 512MiB)`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1024, kib: 1024, kb: 1000, m: MiB, mib: MiB, mb: 1e6, g: 1024 * MiB, gib: 1024 * MiB, gb: 1e9 };
  return Math.floor(Number(m[1]) * mult[unit]!);
}

function fmtBytes(n: number): string {
  return n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(2)} GiB` : `${(n / MiB).toFixed(1)} MiB`;
}

function fmtRate(n: number, s: number): string {
  return `${(n / MiB / s).toFixed(0)} MiB/s`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: '2GiB' }, runs: { type: 'string', default: '5' }, 'no-nginx': { type: 'boolean' }, keep: { type: 'boolean' } },
  });
  const result = await measureServerMemory({ sizeBytes: parseSize(values.size!), runs: Number(values.runs), nginx: !values['no-nginx'], keep: !!values.keep });
  console.log(JSON.stringify(result));
  if (!result.checksumOk) process.exitCode = 1;
}
