/**
 * SHA-256 in the same pass as the transfer: uploads read the file once through HashingStream,
 * downloads hash each chunk as it is written.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

/** Download batches and whole-file hashing: few enough chunks that their cost is nothing next to SHA-256. */
export const CHUNK_SIZE = 1024 * 1024;

/**
 * Upload reads are smaller: a chunk lives from its read until the socket took it, and while the
 * registry holds the upload back that can outlast two scavenges, which moves the chunk to V8's old
 * generation where only a full GC frees it. With 1 MiB chunks a 4 GiB publish to a slow server
 * peaked at 127 MiB RSS; with 256 KiB, 80 MiB, at less CPU (`npm run bench`, docs/benchmarks.md).
 */
export const UPLOAD_CHUNK_SIZE = 256 * 1024;

export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private finished = false;

  constructor(private readonly onBytes?: (total: number) => void) {
    super({ highWaterMark: UPLOAD_CHUNK_SIZE });
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
  const source = createReadStream(path, { highWaterMark: UPLOAD_CHUNK_SIZE });
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
