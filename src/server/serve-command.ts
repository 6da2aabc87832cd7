// `relpack serve [--config FILE] [--host H] [--port N] [--data-dir DIR] [--max-connections N] [--recover-journal]`
// Prints the URL and dev tokens, serves until SIGINT/SIGTERM, then closes listeners, gives
// in-flight requests a moment to finish, and returns 0. Bad usage returns 2, and so does a data
// dir it refuses (not its own, or a corrupt journal): the user has to change something first.
import { parseArgs } from 'node:util';
import { ConfigError } from './config-values.js';
import { DataDirError } from './data-dir.js';
import { JournalCorruptError } from './journal.js';
import type { RunningServer } from './start.js';

export const SERVE_USAGE = `Usage: relpack serve [--config FILE] [--host HOST] [--port PORT] [--data-dir DIR] [--max-connections N] [--recover-journal] [--quiet]

Runs a local GitLab-compatible generic package registry.
  --config FILE         YAML config (projects, users, tokens, objectStorage, limits, faults); see docs/serve.md
  --host HOST           listen address (default 127.0.0.1)
  --port PORT           listen port (default 8929; 0 = a free port)
  --data-dir DIR        keep packages here across restarts (default: a temp dir removed on exit);
                        must be new, empty, or a data dir relpack serve created
  --max-connections N   open connections accepted at once (default 1024; limits.maxConnections)
  --recover-journal     start on a corrupt journal: unreadable lines and the blobs no readable
                        record refers to are moved to DIR/quarantine/, never deleted
  --quiet               do not log requests`;

export const DEFAULT_CLI_PORT = 8929;

export async function runServe(
  argv: string[],
  io: { out?: (s: string) => void; err?: (s: string) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(s + '\n'));
  const err = io.err ?? ((s: string) => process.stderr.write(s + '\n'));
  let values: {
    config?: string; host?: string; port?: string; 'data-dir'?: string; 'max-connections'?: string;
    'recover-journal'?: boolean; quiet?: boolean; help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        'data-dir': { type: 'string' },
        'max-connections': { type: 'string' },
        'recover-journal': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (e) {
    err(`relpack serve: ${(e as Error).message}\n${SERVE_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(SERVE_USAGE);
    return 0;
  }
  let port = DEFAULT_CLI_PORT;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
      err(`relpack serve: --port must be a number between 0 and 65535, got ${JSON.stringify(values.port)}`);
      return 2;
    }
    port = Number(values.port);
  }
  let maxConnections: number | undefined;
  if (values['max-connections'] !== undefined) {
    if (!/^\d+$/.test(values['max-connections']) || Number(values['max-connections']) < 1) {
      err(`relpack serve: --max-connections must be a whole number of at least 1, got ${JSON.stringify(values['max-connections'])}`);
      return 2;
    }
    maxConnections = Number(values['max-connections']);
  }
  const { startServer } = await import('./start.js');
  let server: RunningServer;
  try {
    server = await startServer({
      ...(values.config ? { configFile: values.config } : {}),
      host: values.host ?? '127.0.0.1',
      port,
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      // The flag wins over the config file's limits.maxConnections.
      ...(maxConnections !== undefined ? { config: { limits: { maxConnections } } } : {}),
      ...(values['recover-journal'] ? { recoverJournal: true } : {}),
      log: values.quiet ? () => {} : (l) => out(l),
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DataDirError || e instanceof JournalCorruptError) {
      err(`relpack serve: ${e.message}`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      err(`relpack serve: port ${port} is in use; pass --port 0 for a free port or choose another`);
      return 1;
    }
    err(`relpack serve: ${(e as Error).message}`);
    return 1;
  }
  out(`relpack serve listening on ${server.url}`);
  if (server.storageUrl) out(`object storage origin ${server.storageUrl} (downloads redirect here)`);
  out(`data dir ${server.dataDir}${values['data-dir'] ? '' : ' (temporary, removed on exit)'}`);
  for (const line of server.banner()) out(line);
  out(`admin token ${server.tokens.admin} (X-Relpack-Admin-Token; POST/DELETE ${server.url}/-/relpack/faults)`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    io.signal?.addEventListener('abort', stop, { once: true });
  });
  out('relpack serve: shutting down');
  await server.close();
  return 0;
}
