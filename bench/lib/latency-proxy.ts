// A userspace TCP proxy that adds a round-trip time (and optionally a bandwidth cap) between the
// benchmark's clients and the TLS front, since the kernel's netem is not available here.
//
//   node --import tsx bench/lib/latency-proxy.ts --rtt 20 [--bandwidth 100mbit] --target 127.0.0.1:8443 [--target …]
//
// Each --target gets its own listening port on 127.0.0.1; the process prints one line
// `ready {"127.0.0.1:8443":40123,…}` once all of them listen. Every chunk read from one side is
// written to the other RTT/2 later (a delay queue per direction that keeps the order, so
// concurrent connections and pipelined chunks overlap as on a real link instead of queueing
// behind a sleep). A new connection also pays one RTT before its first client bytes go out: the
// TCP handshake the loopback connect() skipped. With --bandwidth, each direction is one shared
// link: a chunk leaves when the link has sent everything queued before it (FIFO across
// connections), at the given rate, then travels RTT/2.
import { createServer, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startDaemon, type Daemon } from './proc.js';

/** Parse a rate like 100mbit, 1gbit, 500kbit, 12.5MB (bytes/s) into bytes per second; 0 = no cap. */
export function parseBandwidth(s: string | undefined): number {
  if (!s || s === '0' || s === 'off' || s === 'none') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?(bit|bps|b|B|iB)?(?:\/s)?$/i.exec(s.trim());
  if (!m) throw new Error(`cannot parse bandwidth "${s}" (examples: 100mbit, 1gbit, 50MB/s)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const bits = !m[3] || /^(bit|bps)$/i.test(m[3]);
  const mult = m[3] === 'iB' ? { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit]! : { '': 1, k: 1e3, m: 1e6, g: 1e9 }[unit]!;
  return bits ? (n * mult) / 8 : n * mult;
}

interface Link {
  /** performance.now() at which this direction's link has sent everything queued so far. */
  free: number;
}

const HIGH_WATER = 16 * 1024 * 1024;
const LOW_WATER = 4 * 1024 * 1024;

/** Forward src → dst, each chunk oneWayMs after it leaves; nothing leaves before `leaveNotBefore`. */
function pipeDelayed(src: Socket, dst: Socket, oneWayMs: number, bytesPerMs: number, link: Link, leaveNotBefore: number): void {
  const queue: { due: number; buf: Buffer }[] = [];
  let queued = 0;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  let paused = false;
  const backlog = () => queued + dst.writableLength;
  const maybeResume = () => {
    if (paused && backlog() < LOW_WATER) {
      paused = false;
      src.resume();
    }
  };
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && queue[0]!.due <= now + 0.2) {
      const { buf } = queue.shift()!;
      queued -= buf.length;
      if (!dst.destroyed) dst.write(buf);
    }
    maybeResume();
    schedule();
  };
  const schedule = () => {
    if (timer) return;
    if (!queue.length) {
      if (ended && !dst.destroyed) dst.end();
      return;
    }
    timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()));
  };
  dst.on('drain', maybeResume);
  src.on('data', (buf: Buffer) => {
    const now = performance.now();
    let leaves = Math.max(now, leaveNotBefore);
    if (bytesPerMs > 0) {
      link.free = Math.max(link.free, leaves) + buf.length / bytesPerMs;
      leaves = link.free;
    }
    const due = Math.max(leaves + oneWayMs, last);
    last = due;
    queue.push({ due, buf });
    queued += buf.length;
    if (!paused && backlog() > HIGH_WATER) {
      paused = true;
      src.pause();
    }
    schedule();
  });
  src.on('end', () => {
    ended = true;
    schedule();
  });
}

function serve(rttMs: number, bytesPerSec: number, targets: string[]): void {
  const up: Link = { free: 0 };
  const down: Link = { free: 0 };
  const ports: Record<string, number> = {};
  let pending = targets.length;
  for (const target of targets) {
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
      const upstream = connect({ host, port, allowHalfOpen: true, noDelay: true });
      const kill = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', kill);
      upstream.on('error', kill);
      client.on('close', () => {
        if (!upstream.writableEnded) upstream.destroy();
      });
      upstream.on('close', () => {
        if (!client.writableEnded) client.destroy();
      });
      // One RTT for the TCP handshake before the client's first bytes can leave.
      pipeDelayed(client, upstream, rttMs / 2, bytesPerSec / 1000, up, performance.now() + rttMs);
      pipeDelayed(upstream, client, rttMs / 2, bytesPerSec / 1000, down, 0);
    });
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      ports[target] = typeof a === 'object' && a ? a.port : 0;
      if (--pending === 0) process.stdout.write(`ready ${JSON.stringify(ports)}\n`);
    });
  }
}

export interface LatencyProxy {
  /** Listening port on 127.0.0.1 for each target ("host:port"). */
  ports: Record<string, number>;
  daemon: Daemon;
  pid: number;
  stop(): Promise<void>;
}

/** Start the proxy in its own process (so that its CPU is neither the client's nor the server's). */
export async function startLatencyProxy(rttMs: number, bytesPerSec: number, targets: string[]): Promise<LatencyProxy> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--rtt', String(rttMs), '--bytes-per-sec', String(bytesPerSec), ...targets.flatMap((t) => ['--target', t])];
  const { daemon, match } = await startDaemon(process.execPath, args, { ready: /ready (\{.*\})\n/, timeoutMs: 30_000 });
  return { ports: JSON.parse(match![1]!) as Record<string, number>, daemon, pid: daemon.pid, stop: () => daemon.stop() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  let rtt = 20;
  let bps = 0;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i] ?? '';
    if (a === '--rtt') rtt = Number(v);
    else if (a === '--bytes-per-sec') bps = Number(v);
    else if (a === '--bandwidth') bps = parseBandwidth(v);
    else if (a === '--target') targets.push(v);
    else {
      process.stderr.write(`unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!targets.length || !Number.isFinite(rtt) || rtt < 0) {
    process.stderr.write('usage: latency-proxy.ts --rtt MS [--bandwidth RATE] --target HOST:PORT [--target …]\n');
    process.exit(2);
  }
  serve(rtt, bps, targets);
}
