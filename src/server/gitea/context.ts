// What every Gitea handler needs: config, auth, metadata store, the framework services, and a
// keyed lock so concurrent first uploads of one package cannot create it twice.
import type { FlavourEnv } from '../flavour.js';
import type { GiteaAuth } from './auth.js';
import type { GiteaConfig } from './config.js';
import type { GiteaRecord, GiteaStore } from './store.js';

export interface GiteaContext {
  cfg: GiteaConfig;
  auth: GiteaAuth;
  store: GiteaStore;
  env: FlavourEnv;
  /** Journals then applies (the order every state change takes). */
  commit(r: GiteaRecord): Promise<void>;
  /** Runs `fn` alone among callers with the same key. */
  lock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export function keyedLock(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/** Go's time.Time JSON form at second precision (RFC 3339). */
export function rfc3339(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/** Percent-decodes one raw path segment; null when the escape is malformed. */
export function decodeSegment(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export function nowIsoMs(): string {
  return new Date().toISOString();
}
