/**
 * The overall deadline of a command (RELPACK_TIMEOUT, or the `timeout` an operation is given): one
 * AbortSignal that every request, body and wait between retries of the run listens to, so that a
 * server that answers nothing, or trickles, or asks for retries forever cannot keep a CI job past
 * the time it was given. undici aborts a request and its body on the signal (undici
 * `docs/docs/api/Dispatcher.md`, option `signal`).
 */
import { RelpackError, usageError } from '../base/errors.js';

/** Starts `fn` after `ms` and returns how to cancel it; a parameter so that tests step time themselves. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  // A pending deadline must not keep a finished command alive.
  timer.unref();
  return () => clearTimeout(timer);
};

export class Deadline {
  private readonly controller = new AbortController();
  private readonly cancel: () => void;
  private readonly endsAt: number;

  /** `setting` names where the limit came from, for the message (`RELPACK_TIMEOUT`, `--timeout`). */
  constructor(
    readonly seconds: number,
    readonly setting: string,
    schedule: Schedule = realSchedule,
    now: () => number = Date.now,
  ) {
    this.endsAt = now() + seconds * 1000;
    this.cancel = schedule(() => this.controller.abort(this.error()), seconds * 1000);
  }

  /** Seconds left, for a client that can only be given a number (never 0: that would mean none). */
  remainingSeconds(now: () => number = Date.now): number {
    return Math.max(0.001, (this.endsAt - now()) / 1000);
  }

  /** Aborted, with the TIMEOUT RelpackError as its reason, when the time is up. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the timer (the command is over). */
  dispose(): void {
    this.cancel();
  }

  private error(): RelpackError {
    return new RelpackError('TIMEOUT', `relpack stopped after ${formatSeconds(this.seconds)}, the time ${this.setting} allows for the whole command`, {
      hint: `the registry or the network was too slow to finish in time; raise ${this.setting}, or find out what held the transfer back (the log shows the retries)`,
    });
  }
}

export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`;
}

/**
 * A number of seconds from the environment (fractions allowed: 0.5); undefined when unset or
 * empty, a usage error naming the variable when it is not a positive number.
 */
export function secondsFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return parseSeconds(raw, name);
}

export function parseSeconds(raw: string | number, name: string): number {
  const seconds = typeof raw === 'number' ? raw : Number(raw.trim());
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 7 * 24 * 3600) {
    throw usageError(`${name} must be a number of seconds above 0 (fractions allowed, at most a week), not ${JSON.stringify(String(raw))}`);
  }
  return seconds;
}
