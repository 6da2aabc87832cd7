// `relpack serve`: a local stand-in for GitLab's (and, through a second flavour, Gitea's) generic
// package registry, with the same API shapes and errors, durable storage, object-storage
// redirects and fault injection. See docs/serve.md (users) and src/server/README.md (flavours).
// startServer() is here; index.ts adds the `relpack serve` command, which loads this lazily.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerAdminRoutes } from './admin.js';
import { BlobStore } from './blobs.js';
import { systemClock, type ServerClock } from './clock.js';
import { loadConfig, type ResolvedServerConfig, type ServerConfigInput } from './config.js';
import { FaultController } from './faults.js';
import type { FlavourInstance } from './flavour.js';
import { flavours } from './flavours.js';
import { startHttpApp, type HttpApp } from './http-app.js';
import { Journal, type JournalRecord } from './journal.js';
import { ObjectStorage } from './object-storage.js';
import { sendJson } from './reply.js';
import { Router } from './router.js';

export type { ResolvedServerConfig, ServerConfigInput } from './config.js';
export type { ServerClock } from './clock.js';
export { ConfigError } from './config.js';
export { FaultController, type FaultSpec, type FiredFault, type FaultKind } from './faults.js';

export interface ServeOptions {
  /** Parsed YAML object (same shape as the file); omitted = zero-config defaults. */
  config?: ServerConfigInput;
  /** Path to a YAML config file; `config` is merged over it. */
  configFile?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 = a free port (the CLI defaults to 8929). */
  port?: number;
  /** Default: a fresh temp dir, removed on close. A given dir is kept and reused. */
  dataDir?: string;
  /** Request log and notices; default silent. */
  log?: (line: string) => void;
  /** What the server decides by time (URL expiry, delay faults); tests step their own. Default: the system clock. */
  clock?: ServerClock;
}

export interface RunningServer {
  /** http://HOST:PORT, no trailing slash. */
  url: string;
  /** Object-storage origin when `objectStorage.enabled`. */
  storageUrl?: string;
  dataDir: string;
  /** Named dev tokens (see docs/serve.md): maintainer, developer, reporter, guest, outsider, job, deployRw, deployRo, deployWo, admin. */
  tokens: Record<string, string>;
  faults: FaultController;
  config: ResolvedServerConfig;
  /** Files left in the upload temp dir (tests assert none remain after aborted uploads). */
  tempFiles(): Promise<string[]>;
  /** The start banner lines (API URLs, projects, tokens) that `relpack serve` prints. */
  banner(): string[];
  close(): Promise<void>;
}

/** Journal file name inside the data dir. */
export const JOURNAL_FILE = 'journal.jsonl';

export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const config = await loadConfig({ ...(opts.config ? { config: opts.config } : {}), ...(opts.configFile ? { configFile: opts.configFile } : {}) });
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : await mkdtemp(join(tmpdir(), 'relpack-serve-'));
  await mkdir(dataDir, { recursive: true });
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? systemClock;

  const faults = new FaultController();
  if (config.faults.length) faults.add(config.faults);
  const blobs = new BlobStore(dataDir, { fsync: config.storage.fsync });
  await blobs.init();
  const journalPath = join(dataDir, JOURNAL_FILE);
  const records = await Journal.read(journalPath);
  // Set once the start-up compaction below is done; nothing appends before the server listens.
  let journal: Journal | null = null;
  const objectStorage = config.objectStorage.enabled ? new ObjectStorage(config.objectStorage, blobs, clock) : null;

  const router = new Router();
  registerAdminRoutes(router, faults, config.admin.token);
  const instances = new Map<string, FlavourInstance>();
  for (const f of flavours) {
    const section = config.flavours[f.key];
    if (section === null || section === undefined) continue;
    instances.set(f.key, f.create({
      config,
      router,
      blobs,
      journal: (r) => (journal ? journal.append({ ...r, ns: f.key } as JournalRecord) : Promise.reject(new Error('journal not open'))),
      objectStorage,
      faults,
      log,
    }, section));
  }

  // Replay, then compact: the journal is rewritten as the live state (drops torn tails and
  // superseded records); records of flavours not loaded this run are carried over untouched.
  const foreign: JournalRecord[] = [];
  for (const r of records) {
    const inst = instances.get(r.ns);
    if (inst) inst.apply(r);
    else foreign.push(r);
  }
  await Journal.rewrite(journalPath, [...foreign, ...[...instances.values()].flatMap((i) => i.snapshot())]);
  const liveJournal = await Journal.open(journalPath, { fsync: config.storage.fsync });
  journal = liveJournal;
  const live = new Set<string>();
  for (const i of instances.values()) for (const b of i.liveBlobs()) live.add(b);
  if (foreign.length === 0) {
    const swept = await blobs.sweep(live);
    if (swept) log(`removed ${swept} unreferenced blob(s) left by an interrupted upload`);
  }

  let api: HttpApp;
  try {
    if (objectStorage) await objectStorage.start(host, faults, log);
    api = await startHttpApp({
      router,
      faults,
      clock,
      log,
      notFound: async (ctx) => {
        for (const i of instances.values()) if (i.notFound && (await i.notFound(ctx))) return;
        await sendJson(ctx, 404, { error: '404 Not Found' });
      },
      methodNotAllowed: (ctx, allow) => sendJson(ctx, 405, { error: '405 Not Allowed' }, { allow: allow.join(', ') }),
      internalError: (ctx) => sendJson(ctx, 500, { message: '500 Internal Server Error' }),
    }, host, opts.port ?? 0);
  } catch (e) {
    await objectStorage?.close();
    await liveJournal.close();
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }

  const tokens: Record<string, string> = {};
  for (const i of instances.values()) Object.assign(tokens, i.tokens());
  tokens.admin = config.admin.token;
  let closed: Promise<void> | null = null;
  const server: RunningServer = {
    url: api.url,
    ...(objectStorage ? { storageUrl: objectStorage.url } : {}),
    dataDir,
    tokens,
    faults,
    config,
    tempFiles: () => blobs.tmpFiles(),
    banner: () => [...instances.values()].flatMap((i) => i.banner(api.url)),
    close: () =>
      (closed ??= (async () => {
        // A request a hold fault still holds would keep its connection open until the grace period ends.
        faults.releaseAll();
        await Promise.all([api.close(), objectStorage?.close()]);
        for (const i of instances.values()) await i.close?.();
        await liveJournal.close();
        if (ownDir) await rm(dataDir, { recursive: true, force: true });
      })()),
  };
  return server;
}
