/**
 * Every failure relpack reports is a RelpackError: a stable code, the failing request (method, URL
 * without credentials, status) when there was one, and a hint that says what the user should change.
 * Exit status follows the code: usage and input errors are 2, everything else 1. What a user sees
 * of an error goes through describe(), never through a stack trace.
 */
import { escapeUnprintable } from './format.js';
import { describeLocalFailure } from './local-errors.js';

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_INPUT'
  | 'NO_MATCH'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'TOO_LARGE'
  | 'HTTP'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'PROTOCOL'
  | 'CHECKSUM_MISMATCH'
  | 'UNSAFE_PATH'
  | 'EXISTS_DIFFERENT'
  | 'EXISTS'
  | 'FILESYSTEM'
  | 'INTERNAL';

export interface FailedRequest {
  method: string;
  url: string;
  status?: number;
  body?: string;
}

export interface RelpackErrorOptions {
  hint?: string;
  request?: FailedRequest;
  cause?: unknown;
  /**
   * The registry's answer is at fault (a name in its listing that would escape --out, say), not
   * what the user typed: exit 1 whatever the code. Exit 2 promises bad usage with nothing sent.
   */
  fromRegistry?: boolean;
}

export class RelpackError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly request?: FailedRequest;
  readonly fromRegistry: boolean;

  constructor(code: ErrorCode, message: string, options: RelpackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelpackError';
    this.code = code;
    this.hint = options.hint;
    this.request = options.request;
    this.fromRegistry = options.fromRegistry ?? false;
  }

  get exitCode(): number {
    if (this.fromRegistry) return 1;
    return this.code === 'USAGE' || this.code === 'INVALID_INPUT' || this.code === 'UNSAFE_PATH' || this.code === 'NO_MATCH' ? 2 : 1;
  }

  /**
   * The full multi-line text shown to a user. Anything unprintable a server or a file name put
   * into it is escaped (an ESC in a listed name must not recolour or rewrite the user's terminal),
   * and what the server said stays on its line.
   */
  describe(): string {
    const lines = [escapeUnprintable(this.message)];
    if (this.request) {
      const status = this.request.status ? ` -> ${this.request.status}` : '';
      lines.push(`  request: ${escapeUnprintable(`${this.request.method} ${this.request.url}${status}`, { lines: false })}`);
      if (this.request.body) lines.push(`  server said: ${escapeUnprintable(this.request.body, { lines: false })}`);
    }
    if (this.hint) lines.push(...this.hint.split('\n').map((line) => `  hint: ${escapeUnprintable(line, { lines: false })}`));
    return lines.join('\n');
  }

  /** What `--json` prints for a failure: the code, the message, the hint and the request. */
  toJSON(): { code: ErrorCode; message: string; hint?: string; request?: FailedRequest } {
    return { code: this.code, message: this.message, hint: this.hint, request: this.request };
  }
}

export function usageError(message: string, hint?: string): RelpackError {
  return new RelpackError('USAGE', message, { hint });
}

export function inputError(message: string, hint?: string): RelpackError {
  return new RelpackError('INVALID_INPUT', message, { hint });
}

/**
 * Whatever a run threw, as the RelpackErrors a shell shows: each error of a parallel batch (an
 * `errors` list) on its own, a local file-system failure (disk full, a directory where a file
 * goes…) as a sentence about the file, and anything else as an internal error with its message,
 * never its stack.
 */
export function relpackErrors(error: unknown): RelpackError[] {
  const batch = (error as { errors?: unknown })?.errors;
  const errors = Array.isArray(batch) && batch.length > 0 ? batch : [error];
  return errors.map((e) => asRelpackError(e));
}

/** `error` as a RelpackError (see relpackErrors); `file` names the file a local failure was about when the error does not. */
export function asRelpackError(error: unknown, file?: string): RelpackError {
  if (error instanceof RelpackError) return error;
  const local = describeLocalFailure(error, file);
  if (local) return new RelpackError('FILESYSTEM', local.message, { hint: local.hint, cause: error });
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return new RelpackError('INTERNAL', `unexpected ${name}: ${message}`, {
    hint: 'this is a bug in relpack, not in your input or the registry: please report it with the command that was run',
    cause: error,
  });
}
