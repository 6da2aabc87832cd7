/**
 * Archives that relpack never writes, for the tests of what extraction refuses: a tar.gz built
 * header by header, and a zip whose entry name is patched in after yazl (which refuses `..` and
 * absolute names) has written it.
 */
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import yazl from 'yazl';

/** A tar.gz written header by header, so it can hold what relpack never writes. */
export function hostileTar(entries: { path: string; type?: string; linkpath?: string; body?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const block = Buffer.alloc(512);
    new Header({ path: entry.path, type: (entry.type ?? 'File') as 'File', linkpath: entry.linkpath, size: body.length, mode: 0o644, mtime: new Date(0) }).encode(block);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A zip with one entry named `name` (yazl refuses `..` and absolute names, so they are patched in). */
export async function hostileZip(name: string, mode = 0o100644): Promise<Buffer> {
  const placeholder = 'p'.repeat(Buffer.byteLength(name));
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('x'), placeholder, { mode, mtime: new Date(2000, 0, 1) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.from(Buffer.concat(chunks).toString('latin1').split(placeholder).join(name), 'latin1');
}
