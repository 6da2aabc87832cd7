/**
 * Reads a small package file (a manifest) into memory, bounded, with the same retries as any
 * transfer: a body that breaks half-way is fetched again rather than failing the whole command.
 */
import { RetryableFailure } from '../http/retry.js';
import type { PackageRef, RegistryAdapter } from '../registry/types.js';
import { GenpackError } from './errors.js';

export async function readSmallFile(registry: RegistryAdapter, ref: PackageRef, fileName: string, maxBytes: number): Promise<{ data: Buffer; headerSha256?: string }> {
  return registry.http.retrying(
    { method: 'GET', url: registry.fileUrl(ref, fileName) },
    async () => {
      const response = await registry.download(ref, fileName, { retry: false });
      const chunks: Buffer[] = [];
      let total = 0;
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          total += chunk.length;
          if (total > maxBytes) {
            response.body.destroy();
            throw new GenpackError('CHECKSUM_MISMATCH', `${fileName} is larger than ${maxBytes} bytes, too large to be a checksum manifest`);
          }
          chunks.push(chunk);
        }
      } catch (error) {
        if (error instanceof GenpackError) throw error;
        throw new RetryableFailure(`reading ${fileName} broke after ${total} bytes`, undefined, undefined, { cause: error });
      }
      return { data: Buffer.concat(chunks), headerSha256: response.header('x-checksum-sha256')?.toLowerCase() };
    },
  );
}
