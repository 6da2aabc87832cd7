// Fallback server process for the benchmark: runs startServer() from src/server/index.ts
// in its own Node process (so its RSS is separate from the client's) and prints
// "GENPACK_BENCH_READY {json}" with the URL and tokens. Stops on SIGTERM/SIGINT.
const dataDir = process.env.GENPACK_BENCH_DATA;
// Variable specifier: the server module is written by another engineer and may not exist
// when this file is type-checked.
const spec = new URL('../../src/server/index.ts', import.meta.url).href;
const mod = (await import(spec)) as {
  startServer: (opts?: Record<string, unknown>) => Promise<{ url: string; tokens?: unknown; close(): Promise<void> | void }>;
};
const server = await mod.startServer({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  dir: dataDir,
  storageDir: dataDir,
  root: dataDir,
  quiet: true,
});
process.stdout.write(`GENPACK_BENCH_READY ${JSON.stringify({ url: server.url, tokens: server.tokens ?? null })}\n`);
let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  try {
    await server.close();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
