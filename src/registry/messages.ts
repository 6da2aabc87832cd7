import { RelpackError, type FailedRequest } from '../base/errors.js';
import type { HttpResponse } from '../http/client.js';
import { redactUrl } from '../http/redact.js';

/**
 * The human part of a registry's error body: GitLab's `{"message": …}` / Grape's `{"error": …}`,
 * Gitea's v1 `{"message": …}`, or the plain text of Gitea's package routes.
 */
export function serverMessage(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { message?: unknown; error?: unknown };
    const value = parsed.message ?? parsed.error;
    return typeof value === 'string' ? value : JSON.stringify(value ?? parsed);
  } catch {
    return raw.trim();
  }
}

/**
 * The error for an answer neither flavour gives a meaning to: a redirected write (writes are never
 * followed, see HttpClient.send), or any other status.
 */
export function unexpectedAnswer(method: string, what: string, response: HttpResponse, request: FailedRequest): RelpackError {
  if (response.status >= 300 && response.status < 400) {
    return new RelpackError('HTTP', `${method}${what} was redirected (HTTP ${response.status}) and writes are not followed`, {
      request,
      hint: `check --url: it must be the instance's own address (https rather than http, with its path prefix if it has one); the server pointed to ${redactUrl(response.header('location') ?? '?')}`,
    });
  }
  return new RelpackError('HTTP', `${method}${what} failed with HTTP ${response.status}`, { request });
}
