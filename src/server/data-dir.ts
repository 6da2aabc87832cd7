// The data dir (`relpack serve --data-dir DIR`) and what makes a directory relpack serve's own.
//
// At every start the server cleans up after a crash: it removes its temp uploads, sweeps blobs no
// record refers to and rewrites the journal. Done in a directory that also holds someone else's
// files, that cleanup destroys them. So a directory becomes a data dir only when relpack serve
// finds it missing or empty and writes its marker there, and a non-empty directory without the
// marker, or with a format this version does not know, is refused before anything is touched.
// Inside a data dir, the cleanup still removes only names relpack serve generates (blobs.ts).
import { mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './journal.js';

/** The marker file; its presence says "this directory is relpack serve's". */
export const MARKER_FILE = 'relpack-serve.json';
const FORMAT = 'relpack-serve-data';
/** Bumped when the layout or the journal's records change in a way older versions misread. */
export const DATA_FORMAT_VERSION = 1;

/** The directory cannot be used as a data dir; nothing in it was changed. */
export class DataDirError extends Error {
  readonly code = 'RELPACK_SERVE_DATA_DIR';
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataDirError';
  }
}

/**
 * Makes sure `dir` is a data dir this version can use: creates it (and its marker) when missing
 * or empty, accepts it when its marker names a format this version reads, refuses it otherwise.
 */
export async function openDataDir(dir: string): Promise<{ created: boolean }> {
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataDirError(dir, `cannot use ${dir} as the data dir: ${code === 'EEXIST' || code === 'ENOTDIR' ? 'it is not a directory' : (e as Error).message}`);
  }
  const marker = await readMarker(dir);
  if (marker === null) {
    const entries = await readdir(dir);
    if (entries.length) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
      throw new DataDirError(
        dir,
        `${dir} is not empty (${shown}) and is not a relpack serve data dir (it has no ${MARKER_FILE}). ` +
          'relpack serve cleans up its data dir at every start, so it only takes a new or empty directory, ' +
          'or one it created. Nothing was changed. Pass --data-dir a new or empty directory.',
      );
    }
    await writeMarker(dir);
    return { created: true };
  }
  if (marker.format !== FORMAT || !Number.isInteger(marker.version)) {
    throw new DataDirError(dir, `${join(dir, MARKER_FILE)} is not a relpack serve marker that can be read (${marker.problem ?? 'unknown format'}). Nothing was changed. Restore the file, or pass --data-dir a new or empty directory.`);
  }
  if (marker.version !== DATA_FORMAT_VERSION) {
    throw new DataDirError(
      dir,
      `${dir} holds relpack serve data in format ${marker.version}; this relpack serve reads format ${DATA_FORMAT_VERSION}. ` +
        'Nothing was changed. Use the relpack version that wrote it, or pass --data-dir a new or empty directory.',
    );
  }
  return { created: false };
}

async function readMarker(dir: string): Promise<{ format?: unknown; version?: unknown; problem?: string } | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MARKER_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataDirError(dir, `cannot read ${join(dir, MARKER_FILE)}: ${(e as Error).message}`);
  }
  try {
    const m = JSON.parse(text) as unknown;
    if (m && typeof m === 'object' && !Array.isArray(m)) return m as { format?: unknown; version?: unknown };
    return { problem: 'not a JSON object' };
  } catch {
    return { problem: 'not JSON' };
  }
}

async function writeMarker(dir: string): Promise<void> {
  const body = {
    format: FORMAT,
    version: DATA_FORMAT_VERSION,
    created: new Date().toISOString(),
    note: 'Data directory of relpack serve (docs/serve.md, "The data dir"). Keep other files out of it.',
  };
  try {
    await writeFile(join(dir, MARKER_FILE), JSON.stringify(body, null, 2) + '\n', { flag: 'wx' });
  } catch (e) {
    // Another server initialised the same empty directory a moment ago: its marker is as good.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return;
  }
  await fsyncDir(dir);
}

/** Removes what an interrupted journal compaction left (`.journal-<pid>-<ms>.tmp`, journal.ts). */
export async function removeCompactionLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (/^\.journal-\d+-\d+\.tmp$/.test(name)) await unlink(join(dir, name)).catch(() => {});
  }
}
