/**
 * SHA-256 in the same pass as the transfer: uploads read the file once through HashingStream,
 * downloads hash each chunk as it is written.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** Whole-file hashing reads pieces of this size into one buffer, reused from the first to the last. */
const HASH_FILE_PIECE_BYTES = 4 * 1024 * 1024;

/**
 * The SHA-256 of a whole file, read into one buffer (of the file's size, for a small one) that is
 * reused for every piece: a read stream's fresh buffer per chunk costs more CPU than the hash
 * itself on this VM (1 GiB on tmpfs: 2.9 s of CPU with 1 MiB stream chunks, 1.65 s reusing one
 * 1 MiB buffer; openssl dgst 1.0 s).
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(HASH_FILE_PIECE_BYTES, size)));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
