/** Human-readable sizes in binary units, as the progress lines and summaries show them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/**
 * A size as people write it: `1048576`, `512MiB`, `50 GiB`, `2G` (binary), `5GB` (decimal).
 * Undefined for anything else, so that the caller can name the setting in its error.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * Characters that change what a terminal or a log viewer shows rather than showing themselves: C0
 * controls (ESC starts colour and cursor sequences, CR rewrites the line), DEL, the C1 controls
 * (U+009B is a one-character CSI), the Unicode line and paragraph separators, and the bidirectional
 * overrides and isolates that reorder text ("Trojan Source", CVE-2021-42574).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const UNPRINTABLE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const UNPRINTABLE_ALL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** True when `text` holds a character that escapeUnprintable would escape (newlines and tabs included). */
export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text);
}

/**
 * `text` with every unprintable character written as `\uXXXX`. Newlines and tabs stay unless
 * `lines` is false (a value that must stay on one line: a name, what a server said). The escape is
 * JSON's own, so applied to JSON text the result is still JSON, with the same value.
 */
export function escapeUnprintable(text: string, options: { lines?: boolean } = {}): string {
  const pattern = options.lines === false ? UNPRINTABLE_ALL : UNPRINTABLE_BUT_LINES;
  return text.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
