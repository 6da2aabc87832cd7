import { RelpackError, type FailedRequest } from '../base/errors.js';
import { escapeUnprintable } from '../base/format.js';
import type { HttpResponse } from '../http/client.js';
import { redactUrl } from '../http/redact.js';

/** How much of an error answer's body a message quotes. */
const QUOTED_BYTES = 500;

/** The start of an error answer's body, or '' when it cannot be read (bounded: http/body.ts). */
export async function errorBody(response: HttpResponse): Promise<string> {
  return (await response.text().catch(() => '')).slice(0, QUOTED_BYTES);
}

/** The message of an error answer (GitLab `message`, Gitea `message`, GitHub `message`), short. */
export async function bodyMessage(response: HttpResponse): Promise<string> {
  return serverMessage(await errorBody(response));
}

/**
 * The human part of a registry's error body: GitLab's `{"message": …}` / Grape's `{"error": …}`,
 * Gitea's v1 `{"message": …}`, or the plain text of Gitea's package routes. On one line, with
 * anything unprintable escaped: it is quoted inside relpack's own messages, where a newline would
 * forge a line of output and an ESC would rewrite the terminal.
 */
export function serverMessage(raw: string): string {
  let text: string;
  try {
    const parsed = JSON.parse(raw) as { message?: unknown; error?: unknown };
    const value = parsed.message ?? parsed.error;
    text = typeof value === 'string' ? value : JSON.stringify(value ?? parsed);
  } catch {
    text = raw;
  }
  return escapeUnprintable(text.replace(/[\r\n\t]+/g, ' ').trim(), { lines: false });
}

/**
 * The error for an answer neither flavour gives a meaning to: a redirect relpack did not follow,
 * or any other status. Reads follow redirects (http/client.ts); one that reaches here had no
 * Location to follow. Writes are never followed.
 */
export function unexpectedAnswer(method: string, what: string, response: HttpResponse, request: FailedRequest): RelpackError {
  if (response.status >= 300 && response.status < 400) {
    const location = response.header('location')?.trim();
    if (method === 'GET' || method === 'HEAD') {
      return new RelpackError('HTTP', `${method}${what || ` ${request.url}`} was redirected (HTTP ${response.status}) without a Location to follow`, {
        request,
        hint: 'the registry, or a proxy in front of it, answered a redirect that names no address; check --url, and the object-storage or proxy settings of the instance',
        fromRegistry: true,
      });
    }
    return new RelpackError('HTTP', `${method}${what} was redirected (HTTP ${response.status}) and writes are not followed`, {
      request,
      hint: `check --url: it must be the instance's own address (https rather than http, with its path prefix if it has one); the server pointed to ${location ? redactUrl(location) : 'no address'}`,
    });
  }
  return new RelpackError('HTTP', `${method}${what} failed with HTTP ${response.status}`, { request });
}
