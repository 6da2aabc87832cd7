// Server configuration: the YAML file (`relpack serve --config FILE`) and/or an object, merged over
// zero-config defaults, validated with messages that name the bad key. Flavour sections
// (`gitlab:`, `gitea:`) are resolved by their flavour module (see flavours.ts).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import {
  ConfigError, expectArray, expectObject, isObject, onlyKeys, optBool, optDuration, optInt, optSize, optString, type Raw,
} from './config-values.js';
import { parseFaultSpec } from './faults.js';
import { flavours, reservedSections } from './flavours.js';
import type { ResolvedServerConfig, ServerConfigInput, ServerLimits } from './config-shape.js';

export { ConfigError } from './config-values.js';
export type { ResolvedServerConfig, ServerConfigInput, ServerLimits } from './config-shape.js';

const COMMON_KEYS = ['storage', 'admin', 'objectStorage', 'limits', 'faults'];

/**
 * What one `relpack serve` may spend on its clients (docs/serve.md, "Limits"). Each origin (the
 * API, the object-storage origin) gets these on its own.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  // Each connection costs a descriptor, an upload one more for its temp file: 1024 keeps two per
  // connection well inside the usual hard limit while accepting hundreds of parallel uploads.
  maxConnections: 1024,
  // Node's own default; GitLab's nginx allows 60 s (`client_header_timeout`).
  headersTimeout: 30_000,
  // nginx's `client_body_timeout` (60 s): the longest silence between two reads of a body.
  idleTimeout: 60_000,
  bodyMemory: 64 * 1024 * 1024,
};

export async function loadConfig(opts: { config?: ServerConfigInput; configFile?: string }): Promise<ResolvedServerConfig> {
  let merged: Raw = {};
  if (opts.configFile) {
    let text: string;
    try {
      text = await readFile(opts.configFile, 'utf8');
    } catch (e) {
      throw new ConfigError('(file)', `cannot read ${opts.configFile}: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new ConfigError('(file)', `${opts.configFile} is not valid YAML: ${(e as Error).message}`);
    }
    merged = expectObject(doc ?? {}, '(file)');
  }
  if (opts.config) merged = deepMerge(merged, expectObject(opts.config, '(config)'));
  return resolveConfig(merged);
}

export function resolveConfig(raw: Raw): ResolvedServerConfig {
  const flavourKeys = flavours.map((f) => f.key);
  onlyKeys(raw, [...COMMON_KEYS, ...flavourKeys, ...reservedSections.filter((k) => !flavourKeys.includes(k))], '');

  const storage = expectObject(raw.storage, 'storage');
  onlyKeys(storage, ['fsync'], 'storage');
  const admin = expectObject(raw.admin, 'admin');
  onlyKeys(admin, ['token'], 'admin');
  const os = expectObject(raw.objectStorage, 'objectStorage');
  onlyKeys(os, ['enabled', 'port', 'expiresSeconds', 'bucket', 'secret'], 'objectStorage');
  const limits = expectObject(raw.limits, 'limits');
  onlyKeys(limits, Object.keys(DEFAULT_LIMITS), 'limits');
  const bucket = optString(os.bucket, 'objectStorage.bucket', 'relpack-packages');
  if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) throw new ConfigError('objectStorage.bucket', 'must be an S3-style bucket name (lower-case letters, digits, dots, hyphens)');

  const faults = expectArray(raw.faults, 'faults').map((f, i) => parseFaultSpec(f, `faults[${i}]`));

  const resolved: ResolvedServerConfig = {
    storage: { fsync: optBool(storage.fsync, 'storage.fsync', true) },
    admin: { token: optString(admin.token, 'admin.token', 'relpack-admin-dev') },
    objectStorage: {
      enabled: optBool(os.enabled, 'objectStorage.enabled', false),
      port: optInt(os.port, 'objectStorage.port', 0, 0, 65535),
      expiresSeconds: optInt(os.expiresSeconds, 'objectStorage.expiresSeconds', 300, 1),
      bucket,
      secret: optString(os.secret, 'objectStorage.secret', '') || randomBytes(24).toString('hex'),
    },
    limits: {
      maxConnections: optInt(limits.maxConnections, 'limits.maxConnections', DEFAULT_LIMITS.maxConnections, 1),
      headersTimeout: optDuration(limits.headersTimeout, 'limits.headersTimeout', DEFAULT_LIMITS.headersTimeout),
      idleTimeout: optDuration(limits.idleTimeout, 'limits.idleTimeout', DEFAULT_LIMITS.idleTimeout),
      bodyMemory: optSize(limits.bodyMemory, 'limits.bodyMemory', DEFAULT_LIMITS.bodyMemory),
    },
    faults,
    gitlab: null,
    flavours: {},
  };
  for (const f of flavours) {
    const section = raw[f.key];
    const value = section === false ? null : f.resolveConfig(section);
    resolved.flavours[f.key] = value;
    (resolved as unknown as Raw)[f.key] = value;
  }
  return resolved;
}

/** Objects merge key by key; lists and scalars from `b` replace those of `a`. */
export function deepMerge(a: Raw, b: Raw): Raw {
  const out: Raw = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Raw, v) : v;
  }
  return out;
}
