// The benchmark's network profile (--network wan): client → latency proxy → TLS front → server.
// The TLS front is Debian's nginx (bench/nginx-front.conf.template) with a certificate from a CA
// generated for this run with openssl; the latency proxy is bench/lib/latency-proxy.ts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOk, startDaemon, type Daemon } from './proc.js';
import { freePort } from './net.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import tls from 'node:tls';

export interface Tls {
  /** CA certificate (PEM) to trust: curl --cacert, NODE_EXTRA_CA_CERTS. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it. */
export async function makeCa(dir: string): Promise<Tls> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  const o = { timeoutMs: 60_000, cwd: dir };
  await runOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=relpack bench CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], o, 'openssl req (CA)');
  await runOk('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1'], o, 'openssl req (server)');
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  await runOk('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('server.pem'), '-extfile', f('server.ext')], o, 'openssl x509 (sign)');
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}

export interface Front {
  tls: Tls;
  /** https URL clients use for each backend URL (through the latency proxy). */
  urlFor(backendUrl: string): string;
  /** Protocol the front negotiates with a client that offers h2 (for the report). */
  h2: boolean;
  rttMs: number;
  bytesPerSec: number;
  nginx: Daemon;
  proxy: LatencyProxy;
  /** Front and proxy processes, whose CPU is neither the client's nor the server's. */
  pids(): number[];
  stop(): Promise<void>;
}

/** Start nginx as the TLS front for each backend, and the latency proxy before it. */
export async function startFront(opts: { templatePath: string; workDir: string; backends: string[]; rttMs: number; bytesPerSec: number; h2: boolean }): Promise<Front> {
  const prefix = join(opts.workDir, 'front');
  rmSync(prefix, { recursive: true, force: true });
  for (const d of ['logs', 'tmp/client_body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) mkdirSync(join(prefix, d), { recursive: true });
  const t = await makeCa(join(prefix, 'tls'));
  const frontPort: Record<string, number> = {};
  const servers: string[] = [];
  for (const [i, b] of opts.backends.entries()) {
    const u = new URL(b);
    const port = await freePort();
    frontPort[b] = port;
    servers.push(
      [
        `    upstream backend${i} {`,
        `        server ${u.host};`,
        '        keepalive 64;',
        '    }',
        '    server {',
        `        listen 127.0.0.1:${port} ssl${opts.h2 ? ' http2' : ''};`,
        '        server_name localhost;',
        `        location / { proxy_pass http://backend${i}; }`,
        '    }',
      ].join('\n'),
    );
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = readFileSync(opts.templatePath, 'utf8')
    .replaceAll('{{USER_DIRECTIVE}}', isRoot ? 'user root;' : '')
    .replaceAll('{{WORKERS}}', '1')
    .replaceAll('{{PREFIX}}', prefix)
    .replaceAll('{{CERT}}', t.certFile)
    .replaceAll('{{KEY}}', t.keyFile)
    .replaceAll('{{SERVERS}}', servers.join('\n\n'));
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const ca = readFileSync(t.caFile);
  const firstPort = Object.values(frontPort)[0]!;
  const { daemon } = await startDaemon('nginx', ['-p', prefix, '-c', confPath, '-e', join(prefix, 'logs/error.log')], {
    ready: () => tlsProbe(firstPort, ca),
    timeoutMs: 15_000,
    stopSignal: 'SIGQUIT',
  });
  let proxy: LatencyProxy;
  try {
    proxy = await startLatencyProxy(opts.rttMs, opts.bytesPerSec, Object.values(frontPort).map((p) => `127.0.0.1:${p}`));
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  const children = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return {
    tls: t,
    h2: opts.h2,
    rttMs: opts.rttMs,
    bytesPerSec: opts.bytesPerSec,
    nginx: daemon,
    proxy,
    urlFor: (b) => {
      const fp = frontPort[b];
      if (fp === undefined) throw new Error(`no front for ${b}`);
      return `https://127.0.0.1:${proxy.ports[`127.0.0.1:${fp}`]}`;
    },
    pids: () => [...children(daemon.pid), proxy.pid],
    stop: async () => {
      await proxy.stop().catch(() => undefined);
      await daemon.stop().catch(() => undefined);
    },
  };
}

function tlsProbe(port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
  });
}
