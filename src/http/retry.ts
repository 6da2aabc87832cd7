/**
 * Retries with exponential backoff and full jitter. Our own loop rather than undici's RetryAgent
 * because relpack's request bodies are file streams that must be reopened for each attempt, and an
 * upload must ask the registry whether the failed attempt stored the file before it tries again
 * (GitLab appends a duplicate row on every PUT, `app/services/packages/generic/create_package_file_service.rb`).
 */
import { setTimeout } from 'node:timers/promises';

/**
 * Waits `ms` milliseconds, or until `signal` aborts (the command's deadline). A parameter of the
 * retry loop so that tests need not wait (see withRetries).
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<unknown>;

const realSleep: Sleep = (ms, signal) => setTimeout(ms, undefined, { signal });

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };

/** Retry-After values above this are not waited for: the attempt fails instead. */
export const MAX_RETRY_AFTER_MS = 120_000;

/** Thrown by an attempt that should be tried again (a 429 or 5xx answer, a broken body). */
export class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableFailure';
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** A network-level failure worth another attempt (as opposed to a bug or a local file error). */
export function isTransientNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RetryableFailure) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    if ((e as Error).name === 'SocketError') return true;
  }
  return false;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** The three forms of an HTTP-date a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime. */
const HTTP_DATE = new RegExp(`^(?:${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT|${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4})$`);

/**
 * Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else (`-5`,
 * `2, 3`, a repeated header, garbage) is undefined, and the caller waits its normal backoff.
 * Date.parse alone reads `-5` as 1 May 2001 and `2, 3` as 3 February 2001, both in the past, which
 * would skip the backoff entirely.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  if (Array.isArray(value) && value.length !== 1) return undefined;
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  if (!HTTP_DATE.test(raw)) return undefined;
  // asctime carries no zone, and HTTP-dates are GMT; Date.parse would read it as local time.
  const date = Date.parse(raw.endsWith('GMT') ? raw : `${raw} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryHooks<T> {
  /** Told about each retry before the wait; for logs. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /**
   * Runs after a failed attempt and before the next one. A value other than undefined ends the loop
   * with that value (the failed attempt took effect after all).
   */
  beforeRetry?: () => Promise<T | undefined>;
}

/**
 * How withRetries waits: `sleep` between attempts (a test passes one that records the wait and
 * returns at once), and `signal`, the command's deadline, which ends the loop with its reason.
 */
export interface RetryTiming {
  sleep?: Sleep;
  signal?: AbortSignal;
}

export async function withRetries<T>(policy: RetryPolicy, attempt: (attemptNumber: number) => Promise<T>, hooks: RetryHooks<T> = {}, timing: RetryTiming = {}): Promise<T> {
  const { sleep = realSleep, signal } = timing;
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      // Past the deadline, whatever broke broke because of it: the deadline is the answer.
      signal?.throwIfAborted();
      if (!isTransientNetworkError(error) || n >= policy.attempts) throw error;
      const retryAfter = error instanceof RetryableFailure ? error.retryAfterMs : undefined;
      if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) throw error;
      const delayMs = retryAfter ?? backoffDelay(policy, n);
      hooks.onRetry?.({ attempt: n, delayMs, reason: describeFailure(error) });
      try {
        await sleep(delayMs, signal);
      } catch (aborted) {
        signal?.throwIfAborted();
        throw aborted;
      }
      signal?.throwIfAborted();
      if (hooks.beforeRetry) {
        const settled = await hooks.beforeRetry();
        if (settled !== undefined) return settled;
      }
    }
  }
}

export function describeFailure(error: unknown): string {
  if (error instanceof RetryableFailure) return error.message;
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
