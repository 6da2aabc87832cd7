// genpack under test: the CLI client (`genpack publish` / `genpack download`) and the
// registry server (`genpack serve`), which always runs in its own process so that
// client and server RSS are measured separately.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startDaemon, type Daemon, type RunResult } from './proc.js';
import { httpText } from './net.js';

export const PROJECT = '1';

export interface GenpackServer {
  url: string;
  token: string;
  pid: number;
  /** How it was started, for the report. */
  how: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

const URL_RE = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):\d+/;
const BENCH_TOKEN = 'genpack-bench-token';

/** Pick a token from whatever startServer() / `genpack serve` exposes. Prefer one with write access. */
export function pickToken(tokens: unknown): string | undefined {
  if (typeof tokens === 'string') return tokens;
  if (Array.isArray(tokens)) {
    const strs = tokens
      .map((t) => (typeof t === 'string' ? t : typeof t === 'object' && t ? (t as Record<string, unknown>).token : undefined))
      .filter((t): t is string => typeof t === 'string');
    return strs[0];
  }
  if (tokens && typeof tokens === 'object') {
    const entries = Object.entries(tokens as Record<string, unknown>);
    const writeish = /write|maint|owner|admin|rw|full|publish|deploy/i;
    const val = (v: unknown): string | undefined =>
      typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { token?: unknown }).token === 'string' ? (v as { token: string }).token : undefined;
    for (const [k, v] of entries) if (writeish.test(k) && val(v)) return val(v);
    // Maybe a map token → scopes/role.
    for (const [k, v] of entries) if (typeof v !== 'string' && writeish.test(JSON.stringify(v))) return k;
    for (const [, v] of entries) if (val(v)) return val(v);
  }
  return undefined;
}

function parseTokenFromOutput(out: string): string | undefined {
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
  const m = writeLine?.match(/token[^:=\n]*[:=]\s*["']?([A-Za-z0-9._~+\-/]{6,})/i) ?? writeLine?.match(/([A-Za-z0-9_\-]{16,})\s*$/);
  return m?.[1];
}

/**
 * Start the registry server in a separate process. First `genpack serve --port 0` through the
 * CLI under test; if that is unavailable, fall back to bench/lib/serve-child.ts, which calls
 * startServer() from src/server/index.ts in its own Node process.
 */
export async function startGenpackServer(opts: {
  genpack: string[];
  repoRoot: string;
  workDir: string;
  tokenOverride?: string;
  mode: 'auto' | 'cli' | 'module';
  log: (s: string) => void;
}): Promise<GenpackServer> {
  const dataDir = join(opts.workDir, 'serve');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env = { ...process.env, GENPACK_TOKEN: opts.tokenOverride ?? process.env.GENPACK_TOKEN ?? BENCH_TOKEN };
  const errors: string[] = [];

  if (opts.mode !== 'module') {
    try {
      const [cmd, ...pre] = opts.genpack;
      const args = [...pre, 'serve', '--port', '0'];
      const { daemon, match } = await startDaemon(cmd!, args, { cwd: dataDir, env, ready: URL_RE, timeoutMs: 20_000 });
      // Give it a moment to print token lines after the URL.
      await new Promise((r) => setTimeout(r, 300));
      const url = match![0].replace('0.0.0.0', '127.0.0.1').replace('localhost', '127.0.0.1');
      const token = opts.tokenOverride ?? parseTokenFromOutput(daemon.output()) ?? env.GENPACK_TOKEN!;
      return { url, token, pid: daemon.pid, how: `${opts.genpack.join(' ')} serve --port 0`, daemon, stop: () => daemon.stop() };
    } catch (err) {
      errors.push(`genpack serve: ${(err as Error).message}`);
      if (opts.mode === 'cli') throw new Error(errors.join('\n'));
    }
  }
  const serverSrc = join(opts.repoRoot, 'src/server/index.ts');
  if (!existsSync(serverSrc)) {
    errors.push(`${serverSrc} does not exist`);
    throw new Error(errors.join('\n'));
  }
  const child = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
  const { daemon, match } = await startDaemon(process.execPath, ['--import', 'tsx', child], {
    cwd: opts.repoRoot,
    env: { ...env, GENPACK_BENCH_DATA: dataDir },
    ready: /^GENPACK_BENCH_READY (.*)$/m,
    timeoutMs: 30_000,
  });
  const info = JSON.parse(match![1]!) as { url: string; tokens: unknown };
  const token = opts.tokenOverride ?? pickToken(info.tokens) ?? env.GENPACK_TOKEN!;
  if (errors.length) opts.log(`(fell back to startServer() in a child process: ${errors[0]!.split('\n')[0]})`);
  return { url: info.url, token, pid: daemon.pid, how: 'startServer() from src/server/index.ts in a child process', daemon, stop: () => daemon.stop() };
}

/** Best-effort removal of a package version from a GitLab-compatible API (keeps disk usage bounded). */
export async function deletePackageVersion(baseUrl: string, token: string, name: string, version: string): Promise<boolean> {
  const h = { 'PRIVATE-TOKEN': token };
  const q = `${baseUrl}/api/v4/projects/${PROJECT}/packages?package_name=${encodeURIComponent(name)}&package_type=generic&per_page=100`;
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

export interface GenpackCli {
  argv: string[];
  publish(paths: string[], name: string, version: string, url: string, token: string, timeoutMs: number): Promise<RunResult>;
  download(name: string, version: string, outDir: string, url: string, token: string, timeoutMs: number): Promise<RunResult>;
}

export function genpackCli(argv: string[], cwd: string): GenpackCli {
  const [cmd, ...pre] = argv;
  const env = (token: string) => ({ ...process.env, GENPACK_TOKEN: token });
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
