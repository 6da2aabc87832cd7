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
  /** Journals then applies: the change becomes visible only once durable (files, deletes, variables). */
  commit(r: GitlabRecord): Promise<void>;
  /**
   * Applies at once, then journals. Only for package rows an upload is about to attach a file
   * to, so concurrent first uploads of one name+version find the same package.
   */
  applyThenCommit(r: GitlabRecord): Promise<void>;
  /** Records a download time: applied now, journaled in the next lazy flush. */
  touchDownloaded(packageId: number, at: string): void;
  /** Uploads in flight per `project\0name\0version\0file`, so disallowed duplicates cannot race. */
  pendingFiles: Set<string>;
}

export function nowIso(): string {
  return new Date().toISOString();
}
