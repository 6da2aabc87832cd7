/**
 * The HTTP shape of moving one package file, the same for every flavour: a streamed PUT with its
 * length, and a GET that may resume with Range. A 429/5xx answer becomes a RetryableFailure for
 * the caller's retry loop; any other answer is returned for the adapter to judge.
 */
import type { HttpClient, HttpResponse } from '../http/client.js';
import { throwIfRetryable } from '../http/client.js';
import type { DownloadRequest, UploadBody } from './types.js';

export async function putFile(http: HttpClient, url: string | URL, body: () => UploadBody, size: number): Promise<HttpResponse> {
  const response = await http.send({
    method: 'PUT',
    url,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body,
  });
  return throwIfRetryable(response);
}

/** GET a file; 200/206 come back with the body unread, other answers with it to read. */
export async function getFile(http: HttpClient, url: string, request: DownloadRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  if (request.offset) {
    headers.range = `bytes=${request.offset}-`;
    if (request.ifRange) headers['if-range'] = request.ifRange;
  }
  return throwIfRetryable(await http.request({ method: 'GET', url, headers, retry: request.retry }));
}
