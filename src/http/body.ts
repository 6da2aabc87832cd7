/**
 * Response bodies read into memory, bounded: a registry's JSON answer (a listing page, a variable)
 * and the text of an error answer. A server that sends more than any real answer holds, or
 * something that is not JSON, gets a sentence naming the request instead of an unbounded buffer
 * or a SyntaxError's stack.
 */
import { RelpackError } from '../base/errors.js';
import { escapeUnprintable, formatBytes } from '../base/format.js';
import { redactUrl } from './redact.js';

/**
 * The largest JSON answer relpack reads. A GitLab page of 100 package files is about 50 KiB, a
 * Gitea page of 50 packages less; 32 MiB leaves room for any real answer while a hostile one
 * cannot grow the process without end.
 */
export const MAX_JSON_BYTES = 32 * 1024 * 1024;

/** Error answers are read for their message only: this much of them, the rest discarded. */
export const MAX_ERROR_TEXT_BYTES = 64 * 1024;

export interface BodySource extends AsyncIterable<Buffer> {
  destroy(error?: Error): unknown;
}

/** The request an answer belongs to, for messages (the URL already without credentials). */
export interface AnswerOf {
  method: string;
  url: string | URL;
}

/** Up to `maxBytes` of `body`; `complete` is false when more was there (and the body is destroyed). */
export async function readAtMost(body: BodySource, maxBytes: number): Promise<{ data: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (total + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - total));
      total = maxBytes;
      body.destroy();
      return { data: Buffer.concat(chunks, total), complete: false };
    }
    chunks.push(chunk);
    total += chunk.length;
  }
  return { data: Buffer.concat(chunks, total), complete: true };
}

/**
 * The body parsed as JSON. Larger than `maxBytes`, or not JSON once complete: a PROTOCOL error
 * (not worth a retry: the server would answer the same). A body that breaks while being read
 * throws the stream's own error, which retry loops treat as a network failure.
 */
export async function readJson(body: BodySource, answer: AnswerOf, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const { data, complete } = await readAtMost(body, maxBytes);
  const request = { method: answer.method, url: redactUrl(answer.url) };
  if (!complete) {
    throw new RelpackError('PROTOCOL', `the answer to ${answer.method} ${request.url} is larger than ${formatBytes(maxBytes)}, more than any registry answer relpack reads`, {
      request,
      hint: 'the server is not answering as a GitLab or Gitea/Forgejo registry does; check --url, and any proxy between relpack and the registry',
      fromRegistry: true,
    });
  }
  const text = data.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    const start = text.trim().slice(0, 80);
    throw new RelpackError('PROTOCOL', `the answer to ${answer.method} ${request.url} is not JSON${start ? `: it starts ${JSON.stringify(start)}` : ' (an empty body)'}`, {
      request: { ...request, body: escapeUnprintable(start, { lines: false }) || undefined },
      hint: 'a login page, a proxy or a server that is not the registry answered; check --url (the instance\'s own address, with its path prefix if it has one)',
      fromRegistry: true,
    });
  }
}

/** The start of an error answer's text, for its message; never more than `maxBytes` is held. */
export async function readText(body: BodySource, maxBytes = MAX_ERROR_TEXT_BYTES): Promise<string> {
  const { data } = await readAtMost(body, maxBytes);
  return data.toString('utf8');
}
