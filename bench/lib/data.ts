// Test-data generation under bench/.work/data. Large files are random bytes from
// `openssl rand` (incompressible, not sparse) and are reused between invocations
// when the size matches; small files come from crypto.randomBytes.
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runOk } from './proc.js';
import { fmtBytes } from './stats.js';

export async function ensureRandomFile(dir: string, bytes: number, log: (s: string) => void): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `random-${bytes}.bin`);
  if (existsSync(path) && statSync(path).size === bytes) return path;
  rmSync(path, { force: true });
  log(`generating ${fmtBytes(bytes)} of random data → ${path}`);
  const t0 = Date.now();
  const tmp = `${path}.part`;
  // `openssl rand` takes an int, so generate in ≤ 1 GiB pieces appended to one file.
  const chunk = 1 << 30;
  const parts: number[] = [];
  for (let left = bytes; left > 0; left -= chunk) parts.push(Math.min(chunk, left));
  const script = 'set -e; : > "$0"; for n in "$@"; do openssl rand "$n" >> "$0"; done';
  await runOk('bash', ['-c', script, tmp, ...parts.map(String)], { timeoutMs: 60_000 + bytes / 20_000 }, 'openssl rand');
  await runOk('mv', [tmp, path], { timeoutMs: 30_000 });
  if (statSync(path).size !== bytes) throw new Error(`generated ${path} has the wrong size`);
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return path;
}

/** Directory with `count` files of `size` random bytes each (file-000.bin …). */
export function ensureSmallFiles(dir: string, count: number, size: number): string {
  const path = join(dir, `small-${count}x${size}`);
  if (existsSync(path) && readdirSync(path).length === count) return path;
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  const width = String(count - 1).length;
  for (let i = 0; i < count; i++) {
    writeFileSync(join(path, `file-${String(i).padStart(Math.max(3, width), '0')}.bin`), randomBytes(size));
  }
  return path;
}

/** Read a file once so that it sits in the page cache before anything is timed. */
export function warmCache(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createReadStream(path, { highWaterMark: 1 << 20 });
    s.on('data', () => undefined);
    s.on('end', () => resolve());
    s.on('error', reject);
  });
}

export async function warmDir(dir: string): Promise<void> {
  await Promise.all(readdirSync(dir).map((f) => warmCache(join(dir, f))));
}
