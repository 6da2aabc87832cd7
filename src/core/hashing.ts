/**
 * SHA-256 in the same pass as the transfer: uploads read the file once through HashingStream,
 * downloads hash each chunk as it is written. Reads use 1 MiB chunks so the per-chunk cost of
 * streams and hashing stays small next to the hashing itself.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

export const CHUNK_SIZE = 1024 * 1024;

export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private finished = false;

  constructor(private readonly onBytes?: (total: number) => void) {
    super({ highWaterMark: CHUNK_SIZE });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.finished = true;
    callback();
  }

  /** The hex digest, once every byte has passed; undefined for a stream that did not finish. */
  digest(): string | undefined {
    return this.finished ? this.hash.copy().digest('hex') : undefined;
  }

  /**
   * The digest once the stream has settled. The consumer may be done before the flush ran: an
   * HTTP client that has sent Content-Length bytes gets its answer while this stream's end is
   * still queued, so asking digest() at that moment would find it unfinished.
   */
  async settled(): Promise<string | undefined> {
    if (!this.finished && !this.closed && !this.errored) {
      await new Promise<void>((resolve) => {
        this.once('finish', resolve);
        this.once('close', resolve);
        this.once('error', () => resolve());
      });
    }
    return this.digest();
  }
}

/** Opens `path` and returns a stream of its bytes that hashes them on the way through. */
export function openHashed(path: string, onBytes?: (total: number) => void): HashingStream {
  const hashing = new HashingStream(onBytes);
  const source = createReadStream(path, { highWaterMark: CHUNK_SIZE });
  source.on('error', (error) => hashing.destroy(error));
  hashing.on('close', () => source.destroy());
  source.pipe(hashing);
  return hashing;
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_SIZE })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
