// What every GitLab handler needs: config, auth, metadata store and the framework services.
import type { FlavourEnv } from '../flavour.js';
import type { GitlabAuth } from './auth.js';
import type { GitlabConfig } from './config.js';
import type { GitlabStore, GitlabRecord } from './store.js';

export interface GitlabContext {
  cfg: GitlabConfig;
  auth: GitlabAuth;
  store: GitlabStore;
  env: FlavourEnv;
  /** Journals then applies (the order every state change takes). */
  commit(r: GitlabRecord): Promise<void>;
  /** Uploads in flight per `project\0name\0version\0file`, so disallowed duplicates cannot race. */
  pendingFiles: Set<string>;
}

export function nowIso(): string {
  return new Date().toISOString();
}
