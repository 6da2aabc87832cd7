/**
 * Every failure relpack reports is a RelpackError: a stable code, the failing request (method, URL
 * without credentials, status) when there was one, and a hint that says what the user should change.
 * Exit status follows the code: usage and input errors are 2, everything else 1.
 */
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
  | 'CHECKSUM_MISMATCH'
  | 'UNSAFE_PATH'
  | 'EXISTS_DIFFERENT'
  | 'EXISTS';

export interface FailedRequest {
  method: string;
  url: string;
  status?: number;
  body?: string;
}

export class RelpackError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly request?: FailedRequest;

  constructor(code: ErrorCode, message: string, options: { hint?: string; request?: FailedRequest; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelpackError';
    this.code = code;
    this.hint = options.hint;
    this.request = options.request;
  }

  get exitCode(): number {
    return this.code === 'USAGE' || this.code === 'INVALID_INPUT' || this.code === 'UNSAFE_PATH' || this.code === 'NO_MATCH' ? 2 : 1;
  }

  /** The full multi-line text shown to a user. */
  describe(): string {
    const lines = [this.message];
    if (this.request) {
      const status = this.request.status ? ` -> ${this.request.status}` : '';
      lines.push(`  request: ${this.request.method} ${this.request.url}${status}`);
      if (this.request.body) lines.push(`  server said: ${this.request.body}`);
    }
    if (this.hint) lines.push(...this.hint.split('\n').map((line) => `  hint: ${line}`));
    return lines.join('\n');
  }
}

export function usageError(message: string, hint?: string): RelpackError {
  return new RelpackError('USAGE', message, { hint });
}

export function inputError(message: string, hint?: string): RelpackError {
  return new RelpackError('INVALID_INPUT', message, { hint });
}
