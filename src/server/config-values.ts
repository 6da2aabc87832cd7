// Small validators shared by every config section. Each failure names the offending key with its
// full path (e.g. `gitlab.projects[0].visibility`) so `relpack serve --config` can say what to fix.

export class ConfigError extends Error {
  readonly code = 'RELPACK_SERVE_CONFIG';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`invalid server config at "${key}": ${message}`);
    this.name = 'ConfigError';
  }
}

export type Raw = Record<string, unknown>;

export function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, key: string): Raw {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new ConfigError(key, `expected a mapping, got ${describe(v)}`);
  return v;
}

export function expectArray(v: unknown, key: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(key, `expected a list, got ${describe(v)}`);
  return v;
}

export function onlyKeys(obj: Raw, allowed: readonly string[], key: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(key ? `${key}.${k}` : k, `unknown key (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function optString(v: unknown, key: string, dflt: string): string {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new ConfigError(key, `expected a string, got ${describe(v)}`);
  return v;
}

export function reqString(v: unknown, key: string): string {
  if (v === undefined || v === null || v === '') throw new ConfigError(key, 'is required');
  return optString(v, key, '');
}

export function optBool(v: unknown, key: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new ConfigError(key, `expected true or false, got ${describe(v)}`);
  return v;
}

export function optInt(v: unknown, key: string, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigError(key, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) throw new ConfigError(key, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function optEnum<T extends string>(v: unknown, key: string, values: readonly T[], dflt: T): T {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new ConfigError(key, `must be one of ${values.join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** Accepts a byte count or a string such as `5GiB`, `10 MB`, `512`. */
export function optSize(v: unknown, key: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
    const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
    if (m && unit !== undefined) return Math.floor(Number(m[1]) * unit);
  }
  throw new ConfigError(key, `expected a size in bytes or with a unit (e.g. 5GiB), got ${describe(v)}`);
}

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Accepts milliseconds as a number, or a string such as `30s`, `250ms`, `2m`; returns milliseconds. */
export function optDuration(v: unknown, key: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
    const unit = m ? DURATION_UNITS[m[2]!.toLowerCase()] : undefined;
    if (m && unit !== undefined) return Math.round(Number(m[1]) * unit);
  }
  throw new ConfigError(key, `expected a duration in milliseconds or with a unit (e.g. 30s, 250ms, 2m), got ${describe(v)}`);
}

export function optStringList(v: unknown, key: string, dflt: string[]): string[] {
  if (v === undefined || v === null) return dflt;
  return expectArray(v, key).map((item, i) => reqString(item, `${key}[${i}]`));
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
