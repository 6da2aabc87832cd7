// relpack under test: the CLI client (`relpack publish` / `relpack download`) and the
// registry server (`relpack serve`), which always runs in its own process so that
// client and server RSS are measured separately.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, startDaemon, type Daemon, type RunResult } from './proc.js';
import { httpText } from './net.js';

export const PROJECT = '1';

export interface RelpackServer {
  url: string;
  token: string;
  pid: number;
  /** How it was started, for the report. */
  how: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

const READY_RE = /listening on (https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):\d+)/;
// Zero-config `relpack serve` gives project 1 a maintainer with this personal access token.
const BENCH_TOKEN = 'glpat-dev-maintainer';

/** Pick a token from whatever startServer() / `relpack serve` exposes. Prefer one with write access. */
export function pickToken(tokens: unknown): string | undefined {
  const writeish = /maint|owner|write|admin|rw\b|publish/i;
  const val = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['value', 'token', 'secret']) if (typeof o[k] === 'string') return o[k] as string;
    }
    return undefined;
  };
  if (typeof tokens === 'string') return tokens;
  if (Array.isArray(tokens)) {
    const hit = tokens.find((t) => val(t) && writeish.test(JSON.stringify(t)) && !/expired":true/.test(JSON.stringify(t)));
    return val(hit) ?? tokens.map(val).find((t) => t);
  }
  if (tokens && typeof tokens === 'object') {
    const entries = Object.entries(tokens as Record<string, unknown>);
    for (const [k, v] of entries) if (/maint|owner/i.test(k) && val(v)) return val(v);
    for (const [k, v] of entries) if (writeish.test(k) && val(v)) return val(v);
    // Maybe a map token → scopes/role.
    for (const [k, v] of entries) if (typeof v !== 'string' && writeish.test(JSON.stringify(v))) return val(v) ?? k;
    for (const [, v] of entries) if (val(v)) return val(v);
  }
  return undefined;
}

function parseTokenFromOutput(out: string): string | undefined {
  // relpack serve's banner: "    maintainer   glpat-dev-maintainer   PRIVATE-TOKEN  user maintainer (maintainer), …"
  const maint = out.match(/^\s*\S+\s+(\S+)\s+PRIVATE-TOKEN\s+user \S+ \((?:[^)]*\b)?(?:maintainer|owner)\b/m);
  if (maint) return maint[1];
  // Accept e.g. "token: abc", "TOKEN=abc", "write token abc", JSON {"token":"abc"}, {"tokens":{...}}.
  for (const line of out.split('\n')) {
    const t = line.trim();
    if (t.startsWith('{')) {
      try {
        const j = JSON.parse(t) as Record<string, unknown>;
        const tok = pickToken(j.tokens ?? j.token);
        if (tok) return tok;
      } catch {
        /* not JSON */
      }
    }
  }
  const lines = out.split('\n');
  const writeLine = lines.find((l) => /token/i.test(l) && /write|maint|owner|admin|rw|publish/i.test(l)) ?? lines.find((l) => /token/i.test(l));
  const m = writeLine?.match(/token[^:=\n]*[:=]\s*["']?([A-Za-z0-9._~+\-/]{6,})/i) ?? writeLine?.match(/([A-Za-z0-9_-]{16,})\s*$/);
  return m?.[1];
}

/**
 * Start the registry server in a separate process: `relpack serve` through the CLI under test, or
 * (mode "module", or "auto" when the CLI is not built) `node --import tsx src/server/main.ts`,
 * the same command without the CLI. Storage fsync is off by default to match nginx, which does
 * not fsync uploads either (pass fsync: true for the server's durable default).
 */
export async function startRelpackServer(opts: {
  relpack: string[];
  relpackAvailable: boolean;
  repoRoot: string;
  workDir: string;
  tokenOverride?: string;
  fsync: boolean;
  mode: 'auto' | 'cli' | 'module';
  log: (s: string) => void;
}): Promise<RelpackServer> {
  const dataDir = join(opts.workDir, 'serve');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(opts.workDir, 'serve-config.yaml');
  writeFileSync(configFile, `# written by bench/run.ts\nstorage:\n  fsync: ${opts.fsync}\n`);
  const flags = ['--port', '0', '--quiet', '--data-dir', dataDir, '--config', configFile];
  const errors: string[] = [];
  const attempts: Array<{ how: string; cmd: string; args: string[] }> = [];
  if (opts.mode !== 'module' && (opts.relpackAvailable || opts.mode === 'cli')) {
    const [cmd, ...pre] = opts.relpack;
    attempts.push({ how: `${opts.relpack.join(' ')} serve`, cmd: cmd!, args: [...pre, 'serve', ...flags] });
  }
  const main = join(opts.repoRoot, 'src/server/main.ts');
  if (opts.mode !== 'cli' && existsSync(main)) {
    attempts.push({ how: 'node --import tsx src/server/main.ts (relpack serve without the CLI bundle)', cmd: process.execPath, args: ['--import', 'tsx', main, ...flags] });
  }
  if (attempts.length === 0) throw new Error(`no way to start the server (CLI not built, ${main} missing)`);
  for (const a of attempts) {
    try {
      const { daemon, match } = await startDaemon(a.cmd, a.args, { cwd: opts.repoRoot, ready: READY_RE, timeoutMs: 30_000 });
      // The token table follows the URL line.
      await waitFor(() => /admin token/.test(daemon.output()), 5_000);
      const url = match![1]!.replace('0.0.0.0', '127.0.0.1').replace('localhost', '127.0.0.1');
      const token = opts.tokenOverride ?? parseTokenFromOutput(daemon.output()) ?? BENCH_TOKEN;
      return { url, token, pid: daemon.pid, how: `${a.how} ${flags.join(' ')}`, daemon, stop: () => daemon.stop() };
    } catch (err) {
      errors.push(`${a.how}: ${(err as Error).message}`);
      opts.log(`! ${a.how} failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(errors.join('\n'));
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/** Best-effort removal of a package version from a GitLab-compatible API (keeps disk usage bounded). */
export async function deletePackageVersion(baseUrl: string, token: string, name: string, version: string): Promise<boolean> {
  const h = { 'PRIVATE-TOKEN': token };
  const q = `${baseUrl}/api/v4/projects/${PROJECT}/packages?package_name=${encodeURIComponent(name)}&package_version=${encodeURIComponent(version)}&package_type=generic&per_page=100`;
  const list = await httpText(q, 'GET', h);
  if (list.status !== 200) return false;
  try {
    const pkgs = JSON.parse(list.body) as Array<{ id: number | string; name?: string; version?: string }>;
    const hit = pkgs.filter((p) => (p.name === undefined || p.name === name) && p.version === version);
    let ok = hit.length > 0;
    for (const p of hit) {
      const d = await httpText(`${baseUrl}/api/v4/projects/${PROJECT}/packages/${p.id}`, 'DELETE', h);
      ok &&= d.status !== undefined && d.status < 300;
    }
    return ok;
  } catch {
    return false;
  }
}

export interface RelpackCli {
  argv: string[];
  publish(paths: string[], name: string, version: string, url: string, token: string, timeoutMs: number): Promise<RunResult>;
  download(name: string, version: string, outDir: string, url: string, token: string, timeoutMs: number): Promise<RunResult>;
}

/** extraEnv: e.g. NODE_EXTRA_CA_CERTS for the network profile's TLS front. */
export function relpackCli(argv: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): RelpackCli {
  const [cmd, ...pre] = argv;
  const env = (token: string) => ({ ...process.env, ...extraEnv, RELPACK_TOKEN: token });
  return {
    argv,
    publish: (paths, name, version, url, token, timeoutMs) =>
      run(cmd!, [...pre, 'publish', ...paths, '--name', name, '--version', version, '--url', url, '--project', PROJECT], {
        cwd,
        env: env(token),
        timeoutMs,
        measureRss: true,
        captureStdout: true,
      }),
    download: (name, version, outDir, url, token, timeoutMs) =>
      run(cmd!, [...pre, 'download', '--name', name, '--version', version, '--out', outDir, '--url', url, '--project', PROJECT], {
        cwd,
        env: env(token),
        timeoutMs,
        measureRss: true,
        captureStdout: true,
      }),
  };
}
