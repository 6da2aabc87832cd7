// `relpack serve`: a local stand-in for GitLab's (and, through a second flavour, Gitea's) generic
// package registry, with the same API shapes and errors, durable storage, object-storage
// redirects and fault injection. See docs/serve.md (users) and src/server/README.md (flavours).
// startServer() is here; index.ts adds the `relpack serve` command, which loads this lazily.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerAdminRoutes } from './admin.js';
import { BlobStore } from './blobs.js';
import { systemClock, type ServerClock } from './clock.js';
import { loadConfig, type ResolvedServerConfig, type ServerConfigInput } from './config.js';
import { openDataDir, removeCompactionLeftovers } from './data-dir.js';
import { FaultController } from './faults.js';
import type { FlavourInstance } from './flavour.js';
import { flavours } from './flavours.js';
import { startHttpApp, type HttpApp } from './http-app.js';
import { Journal, JournalCorruptError, type CorruptLine, type JournalRecord } from './journal.js';
import { ObjectStorage, type StorageCredential } from './object-storage.js';
import { sendJson } from './reply.js';
import { Router } from './router.js';

export type { ResolvedServerConfig, ServerConfigInput } from './config.js';
export type { ServerClock } from './clock.js';
export { ConfigError } from './config.js';
export { DataDirError, MARKER_FILE } from './data-dir.js';
export { JournalCorruptError } from './journal.js';
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
  /**
   * Start on a journal with corrupt lines: move those lines, a copy of the journal and every blob
   * no readable record refers to into `DATA/quarantine/<time>/`, then go on without them.
   * Without it such a journal is refused (JournalCorruptError) and nothing is changed.
   */
  recoverJournal?: boolean;
}

/** What the server holds right now (also `GET /-/relpack/stats`). */
export interface ServerStats {
  /** Open connections to the API origin (and to the object-storage origin, when enabled). */
  connections: number;
  storageConnections?: number;
  /** Connections closed at once because `limits.maxConnections` were open, since start. */
  refusedConnections: number;
  /** Bytes of request bodies held in memory, all uploads together (bounded by `limits.bodyMemory`). */
  bufferedBodyBytes: number;
  limits: ResolvedServerConfig['limits'];
  /** The process's memory (node's process.memoryUsage()), bytes: rss, heapUsed, external, arrayBuffers. */
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

export interface RunningServer {
  /** http://HOST:PORT, no trailing slash. */
  url: string;
  /** Object-storage origin when `objectStorage.enabled`. */
  storageUrl?: string;
  /**
   * Registry credential headers (`Authorization`, `PRIVATE-TOKEN`, `JOB-TOKEN`, `DEPLOY-TOKEN`) that
   * reached the object-storage origin; like S3 it refuses only `Authorization`, so tests assert
   * this is empty to prove a client forwards no credential. Also logged as `[storage] credential …`.
   */
  storageCredentials(): StorageCredential[];
  dataDir: string;
  /** Named dev tokens (see docs/serve.md): maintainer, developer, reporter, guest, outsider, job, deployRw, deployRo, deployWo, admin. */
  tokens: Record<string, string>;
  faults: FaultController;
  config: ResolvedServerConfig;
  /** Files left in the upload temp dir (tests assert none remain after aborted uploads). */
  tempFiles(): Promise<string[]>;
  stats(): Promise<ServerStats>;
  /** Set when `recoverJournal` moved something aside at this start. */
  quarantine?: string;
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
  // Refuses (DataDirError) a directory that is not empty and not relpack serve's, before the
  // cleanup below could touch anything in it.
  await openDataDir(dataDir);
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? systemClock;

  const faults = new FaultController();
  if (config.faults.length) faults.add(config.faults);
  const journalPath = join(dataDir, JOURNAL_FILE);
  // Read before anything is cleaned: a corrupt journal stops the start with nothing changed.
  const contents = await Journal.load(journalPath);
  if (contents.corrupt.length && !opts.recoverJournal) throw new JournalCorruptError(journalPath, contents.corrupt);
  const blobs = new BlobStore(dataDir, { fsync: config.storage.fsync, bodyMemory: config.limits.bodyMemory });
  // Set once the start-up compaction below is done; nothing appends before the server listens.
  let journal: Journal | null = null;
  const objectStorage = config.objectStorage.enabled ? new ObjectStorage(config.objectStorage, blobs, clock) : null;

  const router = new Router();
  registerAdminRoutes(router, faults, config.admin.token, () => stats());
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

  // Replay. A record its flavour cannot apply counts as a corrupt line: refused like one.
  const foreign: JournalRecord[] = [];
  const corrupt: CorruptLine[] = [...contents.corrupt];
  contents.records.forEach((r, i) => {
    const inst = instances.get(r.ns);
    if (!inst) {
      foreign.push(r);
      return;
    }
    try {
      inst.apply(r);
    } catch (e) {
      corrupt.push({ line: contents.lines[i]!, text: JSON.stringify(r), reason: `${r.ns} cannot apply "${r.op}": ${(e as Error).message}` });
    }
  });
  if (corrupt.length > contents.corrupt.length && !opts.recoverJournal) throw new JournalCorruptError(journalPath, corrupt);
  // Where a recovery (or a doubtful sweep, below) puts what it takes out; made when first needed.
  const aside = join(dataDir, 'quarantine', new Date().toISOString().replace(/[:.]/g, '-'));
  let quarantine: string | undefined;
  if (corrupt.length) {
    quarantine = aside;
    await quarantineJournal(aside, journalPath, corrupt, log);
  }

  // Crash leftovers: temp uploads and compaction files, by the names only this server gives them.
  const tmp = await blobs.init();
  if (tmp.removed) log(`removed ${tmp.removed} temp file(s) left by an interrupted upload`);
  await removeCompactionLeftovers(dataDir);
  // Compact: the journal is rewritten as the live state (drops torn tails and superseded
  // records); records of flavours not loaded this run are carried over untouched.
  await Journal.rewrite(journalPath, [...foreign, ...[...instances.values()].flatMap((i) => i.snapshot())]);
  const liveJournal = await Journal.open(journalPath, { fsync: config.storage.fsync });
  journal = liveJournal;
  const live = new Set<string>();
  for (const i of instances.values()) for (const b of i.liveBlobs()) live.add(b);
  const leftAlone = [...tmp.foreign];
  if (foreign.length === 0) {
    // An unreferenced blob is normally an upload killed before its record was written. But after
    // a recovery it may be what a lost line described, and when records name blobs that are not
    // there, a damaged record may name the wrong one (a flipped character in a key is still JSON).
    // In both cases the unreferenced blobs are moved aside, never deleted.
    const missing = await blobs.missing(live);
    if (missing.length) log(`${missing.length} journal record(s) name blobs that are not in blobs/ (${missing.slice(0, 3).join(', ')}): their files cannot be served`);
    const moveAside = corrupt.length > 0 || missing.length > 0;
    const swept = await blobs.sweep(live, moveAside ? { quarantineDir: join(aside, 'blobs') } : {});
    if (swept.removed) log(`removed ${swept.removed} unreferenced blob(s) left by an interrupted upload`);
    if (swept.moved) {
      quarantine = aside;
      log(`moved ${swept.moved} blob(s) no journal record refers to into ${join(aside, 'blobs')}`);
    }
    leftAlone.push(...swept.foreign);
  }
  if (leftAlone.length) log(`left alone ${leftAlone.length} file(s) relpack serve did not create: ${leftAlone.slice(0, 5).join(', ')}`);

  let api: HttpApp;
  try {
    if (objectStorage) await objectStorage.start(host, faults, log, config.limits);
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
    }, host, opts.port ?? 0, config.limits);
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
  const stats = async (): Promise<ServerStats> => ({
    connections: await api.connections(),
    ...(objectStorage ? { storageConnections: await objectStorage.connections() } : {}),
    refusedConnections: api.refused() + (objectStorage?.refused() ?? 0),
    bufferedBodyBytes: blobs.bufferedBytes,
    limits: config.limits,
    memory: memory(),
  });
  const server: RunningServer = {
    url: api.url,
    ...(objectStorage ? { storageUrl: objectStorage.url } : {}),
    storageCredentials: () => objectStorage?.credentialsSeen() ?? [],
    dataDir,
    tokens,
    faults,
    config,
    tempFiles: () => blobs.tmpFiles(),
    stats,
    ...(quarantine ? { quarantine } : {}),
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

function memory(): ServerStats['memory'] {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/**
 * Keeps what a recovery takes out of the journal: a copy of the journal as it was, and the
 * unreadable lines with their numbers and why they were refused (docs/serve.md, "The journal").
 */
async function quarantineJournal(dir: string, journalPath: string, corrupt: CorruptLine[], log: (l: string) => void): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(journalPath, join(dir, JOURNAL_FILE));
  await writeFile(join(dir, 'corrupt-lines.jsonl'), corrupt.map((c) => JSON.stringify(c) + '\n').join(''));
  log(`journal recovery: ${corrupt.length} unreadable line(s) (${corrupt.map((c) => c.line).join(', ')}) and a copy of the journal kept in ${dir}`);
}
