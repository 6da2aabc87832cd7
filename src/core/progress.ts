/**
 * What core tells the shells while it works. The CLI prints lines, the action logs through
 * @actions/core; core never writes to a stream itself.
 */
import { formatBytes } from '../base/format.js';

export type TransferStatus = 'uploaded' | 'skipped' | 'downloaded' | 'deleted' | 'planned';

export interface TransferResult {
  /** The file's name in the package. */
  name: string;
  /** The local path (source of an upload, destination of a download). */
  path?: string;
  size: number;
  sha256: string;
  url: string;
  status: TransferStatus;
  /** Why a file was skipped, or what a planned action would do. */
  note?: string;
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  /** A transfer starts. */
  start(verb: 'uploading' | 'downloading', name: string, size: number): void;
  /** Periodic progress for large files: at most every few seconds. */
  progress(name: string, line: string): void;
  done(result: TransferResult): void;
}

/** One line per transfer, the same in every shell: `uploaded   linux/app 12.0 MiB sha256:…`. */
export function describeResult(result: TransferResult): string {
  const sha = result.sha256 ? ` sha256:${result.sha256.slice(0, 12)}` : '';
  const note = result.note ? ` (${result.note})` : '';
  return `${result.status.padEnd(10)} ${result.name} ${formatBytes(result.size)}${sha}${note}`;
}

/** A reporter that writes lines: the CLI's stderr, the action's log. */
export function lineReporter(line: (text: string) => void, warn: (message: string) => void): Reporter {
  return {
    info: line,
    warn,
    start: (verb, name, size) => line(`${verb} ${name} (${formatBytes(size)})`),
    progress: (_name, text) => line(`  ${text}`),
    done: (result) => line(describeResult(result)),
  };
}

export const silentReporter: Reporter = {
  info: () => {},
  warn: () => {},
  start: () => {},
  progress: () => {},
  done: () => {},
};

/** Files smaller than this get only their start and end lines. */
const PROGRESS_MIN_SIZE = 64 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 5_000;

/** Returns a byte-count callback that reports bytes, rate and ETA every few seconds. */
export function progressTracker(reporter: Reporter, name: string, size: number, now: () => number = Date.now): (bytes: number) => void {
  if (size < PROGRESS_MIN_SIZE) return () => {};
  const started = now();
  let last = started;
  return (bytes) => {
    const t = now();
    if (t - last < PROGRESS_INTERVAL_MS || bytes >= size) return;
    last = t;
    const rate = bytes / Math.max(0.001, (t - started) / 1000);
    const eta = rate > 0 ? Math.ceil((size - bytes) / rate) : 0;
    const percent = ((bytes / size) * 100).toFixed(0);
    reporter.progress(name, `${name}: ${formatBytes(bytes)} of ${formatBytes(size)} (${percent}%), ${formatBytes(rate)}/s, ETA ${eta}s`);
  };
}
