/**
 * The SHA256SUMS manifest in the format `sha256sum -c` reads: `<hex>  <relative path>` per line,
 * sorted by path, so that `sha256sum -c SHA256SUMS` works in a downloaded tree.
 */
import { RelpackError } from './errors.js';

export const DEFAULT_MANIFEST = 'SHA256SUMS';

/** Largest manifest relpack reads into memory. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export function formatManifest(entries: Iterable<{ name: string; sha256: string }>): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.map((entry) => `${entry.sha256}  ${entry.name}\n`).join('');
}

/** Parses text and binary mode lines (`hash  name`, `hash *name`); blank lines are allowed. */
export function parseManifest(text: string, source = 'SHA256SUMS'): Map<string, string> {
  const entries = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+?)\r?$/.exec(line);
    if (!match) {
      throw new RelpackError('CHECKSUM_MISMATCH', `${source} line ${index + 1} is not in sha256sum format: ${JSON.stringify(line.slice(0, 120))}`);
    }
    entries.set(match[2].replace(/^\.\//, ''), match[1].toLowerCase());
  });
  return entries;
}
