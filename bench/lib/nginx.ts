// Debian's nginx as the reference server: DAV PUT under /api/v4/projects/, a
// non-daemon child process with its own prefix, temp dirs and root in bench/.work/nginx.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { startDaemon, vmHwmKiB, type Daemon } from './proc.js';
import { freePort, httpStatus } from './net.js';

export interface NginxServer {
  url: string;
  root: string;
  daemon: Daemon;
  /** Peak RSS (KiB) of the nginx worker processes (max over workers). */
  workerHwmKiB(): number | undefined;
  stop(): Promise<void>;
}

export async function startNginx(templatePath: string, workDir: string): Promise<NginxServer> {
  const prefix = join(workDir, 'nginx');
  const root = join(prefix, 'root');
  rmSync(prefix, { recursive: true, force: true });
  for (const d of ['logs', 'tmp/client_body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'root/api/v4/projects']) {
    mkdirSync(join(prefix, d), { recursive: true });
  }
  const port = await freePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = readFileSync(templatePath, 'utf8')
    // As root, workers would otherwise drop to `nobody` and could not write into bench/.work.
    .replaceAll('{{USER_DIRECTIVE}}', isRoot ? 'user root;' : '')
    .replaceAll('{{WORKERS}}', String(Math.min(4, availableParallelism())))
    .replaceAll('{{PREFIX}}', prefix)
    .replaceAll('{{ROOT}}', root)
    .replaceAll('{{PORT}}', String(port));
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const url = `http://127.0.0.1:${port}`;
  const { daemon } = await startDaemon('nginx', ['-p', prefix, '-c', confPath, '-e', join(prefix, 'logs/error.log')], {
    ready: async () => (await httpStatus(`${url}/api/v4/projects/`)) !== undefined,
    timeoutMs: 15_000,
    stopSignal: 'SIGQUIT',
  });
  return {
    url,
    root,
    daemon,
    workerHwmKiB: () => {
      let max: number | undefined;
      try {
        const kids = readFileSync(`/proc/${daemon.pid}/task/${daemon.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        for (const k of kids) {
          const v = vmHwmKiB(Number(k));
          if (v !== undefined && (max === undefined || v > max)) max = v;
        }
      } catch {
        /* ignore */
      }
      return max;
    },
    stop: () => daemon.stop(),
  };
}

/** Remove everything nginx stored for a package version (keeps disk and page cache small). */
export function nginxDeleteVersion(root: string, project: string, name: string, version: string): void {
  rmSync(join(root, 'api/v4/projects', project, 'packages/generic', name, version), { recursive: true, force: true });
}
