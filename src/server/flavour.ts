// The plug-in contract between the framework (HTTP, storage, journal, faults, object storage)
// and a registry flavour (GitLab, Gitea). See src/server/README.md.
import type { BlobStore } from './blobs.js';
import type { FaultController } from './faults.js';
import type { JournalRecord } from './journal.js';
import type { ObjectStorage } from './object-storage.js';
import type { RequestContext, Router } from './router.js';
import type { ResolvedServerConfig } from './config-shape.js';

export interface FlavourEnv {
  /** The whole resolved config (a flavour reads its own section from it). */
  config: ResolvedServerConfig;
  /** The API origin's router: register routes with stable ids `<flavour>.<what>`. */
  router: Router;
  blobs: BlobStore;
  /** Appends a record under this flavour's namespace; resolves when durable. */
  journal: (record: Omit<JournalRecord, 'ns'>) => Promise<void>;
  /** Present when `objectStorage.enabled`; use presign() and answer your flavour's redirect status. */
  objectStorage: ObjectStorage | null;
  faults: FaultController;
  log: (line: string) => void;
}

export interface FlavourInstance {
  /** Replays one journal record of this namespace (called before the server listens). */
  apply(record: JournalRecord): void;
  /** The live state as journal records; used to compact the journal at start. */
  snapshot(): JournalRecord[];
  /** Blob keys the metadata refers to; other blobs are swept at start. */
  liveBlobs(): Iterable<string>;
  /** Named dev tokens merged into RunningServer.tokens (names must not clash across flavours). */
  tokens(): Record<string, string>;
  /** Lines for the `relpack serve` start banner. */
  banner(url: string): string[];
  /** Optional 404 for unmatched paths this flavour owns (return false to pass). */
  notFound?(ctx: RequestContext): Promise<boolean>;
  close?(): Promise<void>;
}

export interface Flavour<C = unknown> {
  /** Config section key and journal namespace, e.g. `gitlab`. */
  key: string;
  /**
   * Validates the raw section (undefined when absent from the file) and returns the resolved
   * config, or null when the flavour is disabled. Throw ConfigError naming the bad key.
   */
  resolveConfig(raw: unknown): C | null;
  /** Registers routes; must not listen or touch the network. */
  create(env: FlavourEnv, config: C): FlavourInstance;
}
