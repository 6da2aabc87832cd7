/**
 * A small package file read whole into memory, bounded, with the same retries as any transfer: a
 * body that breaks half-way is fetched again rather than failing the whole command. It sits in the
 * registry layer because adapters read a version's SHA256SUMS through it (manifest-index.ts) as
 * well as core.
 */
import { RelpackError } from '../base/errors.js';
import { RetryableFailure } from '../http/retry.js';
import type { PackageRef, RegistryAdapter } from './types.js';

export interface WholeFileLimit {
  /** A body longer than this is refused with `tooLarge()`, never buffered. */
  maxBytes: number;
  tooLarge: () => RelpackError;
  /** When the size is known, a shorter body is a broken one, fetched again. */
  expectedBytes?: number;
}

export async function fetchWhole(registry: RegistryAdapter, ref: PackageRef, fileName: string, limit: WholeFileLimit): Promise<{ data: Buffer; headerSha256?: string }> {
  return registry.retrying({ method: 'GET', url: registry.fileUrl(ref, fileName) }, async () => {
    const response = await registry.download(ref, fileName, { retry: false });
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limit.maxBytes) {
          response.body.destroy();
          throw limit.tooLarge();
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof RelpackError) throw error;
      throw new RetryableFailure(`the download of ${fileName} broke after ${total} bytes`, undefined, undefined, { cause: error });
    }
    if (limit.expectedBytes !== undefined && total < limit.expectedBytes) {
      throw new RetryableFailure(`the download of ${fileName} ended after ${total} of ${limit.expectedBytes} bytes`);
    }
    return { data: Buffer.concat(chunks, total), headerSha256: response.header('x-checksum-sha256')?.toLowerCase() };
  });
}

/** A checksum manifest, at most `maxBytes`. */
export function readSmallFile(registry: RegistryAdapter, ref: PackageRef, fileName: string, maxBytes: number): Promise<{ data: Buffer; headerSha256?: string }> {
  return fetchWhole(registry, ref, fileName, {
    maxBytes,
    tooLarge: () => new RelpackError('CHECKSUM_MISMATCH', `${fileName} is larger than ${maxBytes} bytes, too large to be a checksum manifest`),
  });
}
