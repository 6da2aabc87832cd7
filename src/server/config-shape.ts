// The server config's types: the YAML file's shape and the resolved config every flavour sees
// (flavour.ts). Kept out of config.ts, the loader, which imports the flavours: the plug-in contract
// names these types without importing its own users back.
import type { FaultSpec } from './faults.js';
import type { ServerLimits } from './http-app.js';
import type { ObjectStorageConfig } from './object-storage.js';
import type { GitlabConfig, GitlabConfigInput } from './gitlab/config.js';
import type { GiteaConfig } from './gitea/config.js';
import type { GithubConfig } from './github/config.js';

export type { ServerLimits } from './http-app.js';

/** The YAML file's shape (every key optional). */
export interface ServerConfigInput {
  storage?: { fsync?: boolean };
  admin?: { token?: string };
  objectStorage?: Partial<ObjectStorageConfig>;
  /** Durations: milliseconds or `30s`/`250ms`; bodyMemory: bytes or `64MiB`. */
  limits?: { maxConnections?: number; headersTimeout?: number | string; idleTimeout?: number | string; bodyMemory?: number | string };
  faults?: FaultSpec[];
  gitlab?: GitlabConfigInput | false;
  /** Reserved for the Gitea/Forgejo flavour. */
  gitea?: Record<string, unknown> | false;
  [key: string]: unknown;
}

export interface ResolvedServerConfig {
  storage: { fsync: boolean };
  limits: ServerLimits;
  admin: { token: string };
  objectStorage: ObjectStorageConfig;
  faults: FaultSpec[];
  /** null when disabled with `gitlab: false`. */
  gitlab: GitlabConfig | null;
  /** null when disabled with `gitea: false` (see docs/serve-gitea.md). */
  gitea?: GiteaConfig | null;
  /** GitHub repository-variables API under /api/v3; null when disabled with `github: false`. */
  github?: GithubConfig | null;
  /** Every flavour's resolved section by key (null = disabled). */
  flavours: Record<string, unknown>;
}
