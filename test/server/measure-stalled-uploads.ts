// Measurement, not a test (npm test runs only *.test.ts): the RSS of a `relpack serve` process
// while N uploads stall mid-body, and after they are gone (issue 13, point 19; docs/serve.md,
// "Limits"). The tests pin the mechanism through serve's own gauge; this shows the figure.
//
//   node --import tsx test/server/measure-stalled-uploads.ts [--uploads 2000] [--sent 200KiB] [--idle 3s] [--settle 10] [--rounds 2]
//
// Each upload sends its headers and `--sent` bytes of a 1 MiB body, then goes silent. The server
// (started with limits.idleTimeout = --idle) should close them all; if it has not after
// idle + 10 s, the client drops them itself. Then it waits `--settle` seconds, and does it all
// again `--rounds` times: freed memory the allocator keeps is reused by the next round, so RSS
// that stays flat from round to round is no leak. RSS is read from /proc (Linux).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    uploads: { type: 'string', default: '2000' },
    sent: { type: 'string', default: '200KiB' },
    idle: { type: 'string', default: '3s' },
    settle: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    // Another checkout's src/server/main.ts (e.g. an older one, to compare); it gets no config.
    main: { type: 'string' },
  },
});
const N = Number(values.uploads);
const SENT = Number(/^(\d+)KiB$/.exec(values.sent!)?.[1] ?? values.sent) * (values.sent!.endsWith('KiB') ? 1024 : 1);
const TOTAL = 1024 * 1024;
const idleMs = /ms$/.test(values.idle!) ? Number.parseFloat(values.idle!) : Number.parseFloat(values.idle!) * 1000;
const main = values.main ?? fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'relpack-stalled-'));
const args = ['--import', 'tsx', main, '--port', '0', '--quiet', '--data-dir', join(work, 'data')];
if (!values.main) {
  writeFileSync(join(work, 'serve.yml'), `limits:\n  idleTimeout: ${idleMs}\n  maxConnections: ${N + 100}\n`);
  args.push('--config', join(work, 'serve.yml'));
}
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<URL>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m && /admin token/.test(out)) resolve(new URL(m[1]!));
  });
  child.on('exit', (code) => reject(new Error(`relpack serve exited ${code}`)));
});
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
interface Stats {
  connections: number;
  bufferedBodyBytes: number;
  memory: { heapUsed: number; arrayBuffers: number };
}
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
const describe = (st: Stats | null) =>
  st ? `; bodies in memory ${mib(st.bufferedBodyBytes)} MiB, JS heap ${mib(st.memory.heapUsed)} MiB, array buffers ${mib(st.memory.arrayBuffers)} MiB, ${st.connections} connection(s)` : '';
const stats = async (): Promise<Stats | null> => {
  if (values.main) return null;
  return (await fetch(new URL('/-/relpack/stats', url))).json() as never;
};

await sleep(500);
const baseline = rssMiB();
console.log(`relpack serve idle: RSS ${baseline.toFixed(1)} MiB`);
const head = `PUT /api/v4/projects/1/packages/generic/stall/1.0.0/f.bin HTTP/1.1\r\nHost: ${url.host}\r\nPRIVATE-TOKEN: glpat-dev-maintainer\r\nContent-Length: ${TOTAL}\r\n\r\n`;
for (let round = 1; round <= Number(values.rounds); round++) {
  const sockets: Socket[] = [];
  let closedByServer = 0;
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    const s = connect({ host: url.hostname, port: Number(url.port) });
    s.on('error', () => {});
    s.on('close', () => closedByServer++);
    s.write(head);
    s.write(Buffer.alloc(SENT, i % 251));
    sockets.push(s);
    if (i % 100 === 99) await sleep(10);
  }
  // Let the bytes arrive: until RSS stops growing for a second (at most 20 s).
  let peak = rssMiB();
  for (let still = 0, t = 0; still < 5 && t < 100; t++) {
    await sleep(200);
    const r = rssMiB();
    still = r > peak + 1 ? 0 : still + 1;
    peak = Math.max(peak, r);
  }
  console.log(`round ${round}: ${N} uploads stalled after ${SENT / 1024} KiB each (${((N * SENT) / 2 ** 20).toFixed(0)} MiB sent)`);
  console.log(`  while stalled: RSS ${peak.toFixed(1)} MiB (+${(peak - baseline).toFixed(1)} MiB)${describe(await stats())}`);
  const until = Date.now() + idleMs + 10_000;
  while (closedByServer < N && Date.now() < until) await sleep(100);
  const byServer = closedByServer;
  if (closedByServer < N) for (const s of sockets) s.destroy();
  console.log(byServer === N ? `  the server closed all ${N} after ${((Date.now() - started) / 1000).toFixed(1)} s` : `  the server closed ${byServer} of ${N}; the client dropped the rest`);
  for (let i = 1; i <= Number(values.settle); i++) {
    await sleep(1000);
    if (i === 1 || i % 5 === 0) console.log(`  ${i} s later: RSS ${rssMiB().toFixed(1)} MiB (+${(rssMiB() - baseline).toFixed(1)} MiB)${describe(await stats())}`);
  }
}
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
rmSync(work, { recursive: true, force: true });
