/**
 * Reproducible archives (issue 16, part 3): `publish --archive` packs the expanded inputs into one
 * tar.gz or zip whose bytes depend only on the files' names, contents and execute bits, so the same
 * inputs give the same SHA-256 on any machine and a re-publish is skipped as identical.
 *
 * What is normalised, and why each field:
 * - entries are sorted by package name (byte order of the UTF-8 name), one entry per file, no
 *   directory entries: a walk's order and the directories' own metadata are host facts.
 * - every mtime is the one given (SOURCE_DATE_EPOCH, read by the operation, else 1980-01-01T00:00:02Z,
 *   the first instant a zip's DOS timestamp can hold exactly).
 * - modes are 0644, or 0755 when the file has any execute bit; uid/gid 0, uname/gname empty; no
 *   pax atime/ctime/dev/ino/nlink (a pax header is written only for a name longer than ustar holds,
 *   and then carries only the path). zip entries carry no extended-timestamp field, only the DOS
 *   time, written from the UTC fields (yazl reads local time, so the Date is shifted for it).
 * - gzip: level 9, header mtime 0, no file name, OS byte 255 ("unknown"): Node's zlib writes the OS
 *   it was built for, which would differ between Linux and Windows. The deflate stream itself is
 *   zlib's at that level; relpack runs on the zlib Node ships, and the same zlib gives the same bytes.
 *
 * Extraction trusts nothing in the archive (it comes from a registry): see `extractArchive`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Header, Parser, Pax, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { RelpackError } from '../base/errors.js';
import type { LocalFile } from './local-files.js';

export type ArchiveFormat = 'tar.gz' | 'zip';
export const ARCHIVE_FORMATS: readonly ArchiveFormat[] = ['tar.gz', 'zip'];

/** 1980-01-01T00:00:02Z: zip's DOS epoch (with its 2-second step), used when SOURCE_DATE_EPOCH is unset. */
export const DEFAULT_ARCHIVE_MTIME = new Date(Date.UTC(1980, 0, 1, 0, 0, 2));

/** File names `download --extract` treats as archives. */
export function archiveFormatOf(fileName: string): ArchiveFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.zip')) return 'zip';
  return undefined;
}

/**
 * The mtime an archive's entries get: SOURCE_DATE_EPOCH (whole seconds since 1970, as
 * reproducible-builds.org specifies it) when set, else DEFAULT_ARCHIVE_MTIME. Undefined when the
 * variable is not a whole number, so the caller can say which input was wrong.
 */
export function archiveMtime(sourceDateEpoch: string | undefined): Date | undefined {
  if (sourceDateEpoch === undefined || sourceDateEpoch.trim() === '') return DEFAULT_ARCHIVE_MTIME;
  if (!/^\d{1,12}$/.test(sourceDateEpoch.trim())) return undefined;
  return new Date(Number(sourceDateEpoch.trim()) * 1000);
}

export interface ArchiveResult {
  path: string;
  size: number;
  entries: number;
}

/** Packs `files` (from expandInputs) into `dest` under their package names; streams every file. */
export async function createArchive(files: readonly LocalFile[], format: ArchiveFormat, dest: string, options: { mtime: Date }): Promise<ArchiveResult> {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].name === sorted[i - 1].name) throw new RelpackError('INVALID_INPUT', `two files would be archived as ${JSON.stringify(sorted[i].name)}`);
  }
  const stats = await Promise.all(sorted.map((file) => stat(file.path)));
  const entries = sorted.map((file, i) => ({ file, mode: normalMode(stats[i].mode), size: stats[i].size }));
  if (format === 'tar.gz') await pipeline(tarStream(entries, options.mtime), createGzip({ level: 9 }), gzipHeaderFix(), createWriteStream(dest));
  else await writeZip(entries, dest, options.mtime);
  return { path: dest, size: (await stat(dest)).size, entries: entries.length };
}

/** 0755 when any execute bit is set, else 0644: the only permission fact an archive keeps. */
function normalMode(mode: number): number {
  return mode & 0o111 ? 0o755 : 0o644;
}

interface Entry {
  file: LocalFile;
  mode: number;
  /** As stat saw it just before archiving: the header promises it, so the data is held to it. */
  size: number;
}

async function* tarStream(entries: readonly Entry[], mtime: Date): AsyncGenerator<Buffer> {
  for (const { file, mode, size } of entries) {
    const header = new Header({ path: file.name, mode, uid: 0, gid: 0, size, mtime, type: 'File', uname: '', gname: '', devmaj: 0, devmin: 0 });
    const block = Buffer.alloc(512);
    header.encode(block);
    // A name longer than ustar's 100+155 bytes (or a size past 8 GiB) needs a pax header; it
    // carries only those fields, never the host's atime, ctime or ids.
    if (header.needPax) yield new Pax({ path: file.name, mtime, ...(size >= 8 ** 11 ? { size } : {}) }).encode();
    yield block;
    let written = 0;
    for await (const chunk of createReadStream(file.path)) {
      written += (chunk as Buffer).length;
      if (written > size) break;
      yield chunk as Buffer;
    }
    if (written !== size) throw new RelpackError('FILESYSTEM', `${file.path} changed while it was archived (${written} bytes instead of ${size})`, { hint: 'archive files that are not being written to' });
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}

/** Sets the gzip header's OS byte to 255 (unknown); Node already writes mtime 0 and no name. */
function gzipHeaderFix(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (seen <= 9 && seen + chunk.length > 9) {
        chunk = Buffer.from(chunk);
        chunk[9 - seen] = 0xff;
      }
      seen += chunk.length;
      done(null, chunk);
    },
  });
}

async function writeZip(entries: readonly Entry[], dest: string, mtime: Date): Promise<void> {
  // DOS timestamps are 1980..2107 and local time in yazl: give it a Date whose local fields are
  // the UTC ones, so the bytes do not depend on the machine's time zone.
  const clamped = new Date(Math.min(Math.max(mtime.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58)));
  const local = new Date(clamped.getUTCFullYear(), clamped.getUTCMonth(), clamped.getUTCDate(), clamped.getUTCHours(), clamped.getUTCMinutes(), clamped.getUTCSeconds());
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(dest));
  for (const { file, mode, size } of entries) {
    zip.addReadStreamLazy(file.name, { mtime: local, mode: 0o100000 | mode, compressionLevel: 9, forceDosTimestamp: true, size }, (cb) => {
      // opened only when yazl reaches the entry, so 5,000 files hold one descriptor at a time
      const stream = createReadStream(file.path);
      stream.once('error', (error) => (zip.outputStream as Readable).destroy(error));
      cb(null, stream);
    });
  }
  zip.end();
  await done;
}

// ---- extraction -------------------------------------------------------------------------------

export interface ExtractOptions {
  /** Bytes all entries together may expand to; past it the extraction stops and nothing is placed. */
  maxBytes: number;
  /** Entries an archive may hold (files and directories). Default 1,000,000. */
  maxEntries?: number;
}

export interface ExtractResult {
  files: number;
  bytes: number;
  /** The top-level names placed in outDir. */
  placed: string[];
}

/**
 * Extracts an archive (from a registry: untrusted) into `outDir`, all or nothing:
 * - everything is written to a fresh temporary folder next to outDir first; only when every entry
 *   was read does its tree move into place, by rename.
 * - an entry whose name is absolute (`/x`, `C:x`, `\x`), has a `..` segment, a backslash or a
 *   control character is refused (UNSAFE_PATH), as is every link (symbolic or hard: a link's target
 *   is a second name to check, and a later entry written through a link lands wherever it
 *   points; refusing all of them is the rule that needs no reasoning) and every device, FIFO or
 *   other special entry. A duplicate name is refused too (tar lets a later entry replace an earlier).
 * - the entries' declared and actual sizes together may not pass `maxBytes`, nor their count
 *   `maxEntries`: a small archive can expand to fill a disk.
 * - a top-level name that already exists in outDir is refused before anything moves.
 * Modes are normalised on the way out (0755 if any execute bit, else 0644; never setuid).
 */
export async function extractArchive(archivePath: string, format: ArchiveFormat, outDir: string, options: ExtractOptions): Promise<ExtractResult> {
  await mkdir(outDir, { recursive: true });
  const staging = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.relpack-extract-`));
  try {
    const sink = new StagingTree(staging, basename(archivePath), options);
    if (format === 'tar.gz') await extractTar(archivePath, sink);
    else await extractZip(archivePath, sink);
    const placed = (await readdir(staging)).sort();
    const taken: string[] = [];
    for (const name of placed) {
      if (await lstat(join(outDir, name)).then(() => true, () => false)) taken.push(name);
    }
    if (taken.length) {
      throw new RelpackError('EXISTS', `${basename(archivePath)} would overwrite ${taken.map((n) => JSON.stringify(n)).join(', ')} in ${outDir}`, {
        hint: 'extract into an empty folder (--out), or remove what is there',
      });
    }
    for (const name of placed) await rename(join(staging, name), join(outDir, name));
    return { files: sink.files, bytes: sink.bytes, placed };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function unsafe(archive: string, entry: string, why: string): RelpackError {
  return new RelpackError('UNSAFE_PATH', `${archive}: entry ${JSON.stringify(entry)} ${why}; nothing was extracted`, {
    hint: 'relpack extracts only regular files and directories with relative names inside --out',
  });
}

/** The checked, `/`-joined relative name of an entry, or an UNSAFE_PATH error. */
export function safeEntryName(archive: string, raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(raw)) throw unsafe(archive, raw, 'has a control character');
  if (raw.includes('\\')) throw unsafe(archive, raw, 'has a backslash (a Windows path separator)');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw unsafe(archive, raw, 'is an absolute path');
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw unsafe(archive, raw, 'has a .. segment');
  return segments.join('/');
}

class StagingTree {
  files = 0;
  bytes = 0;
  private entries = 0;
  private readonly seen = new Set<string>();
  /** Folders already made: one mkdir per folder, not per file (5,000 files in one folder). */
  private readonly made = new Set<string>();
  constructor(
    readonly root: string,
    readonly archive: string,
    readonly options: ExtractOptions,
  ) {}

  /** Checks an entry; returns its path in the staging tree, or undefined for the root itself. */
  async admit(rawName: string, kind: 'file' | 'directory', declaredSize: number): Promise<string | undefined> {
    const name = safeEntryName(this.archive, rawName);
    if (++this.entries > (this.options.maxEntries ?? 1_000_000)) throw new RelpackError('TOO_LARGE', `${this.archive} holds more than ${this.options.maxEntries ?? 1_000_000} entries; nothing was extracted`);
    this.charge(declaredSize);
    if (name === '') return undefined;
    if (kind === 'file') {
      if (this.seen.has(name)) throw unsafe(this.archive, rawName, 'appears twice');
      this.seen.add(name);
      this.files++;
    }
    const path = join(this.root, ...name.split('/'));
    const folder = kind === 'directory' ? path : dirname(path);
    if (!this.made.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    return path;
  }

  charge(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.options.maxBytes) {
      throw new RelpackError('TOO_LARGE', `${this.archive} expands to more than ${this.options.maxBytes} bytes; nothing was extracted`, {
        hint: 'the bound is the download maximum size: raise --max-size (RELPACK_MAX_FILE_SIZE) if the archive is trusted',
      });
    }
  }

  /** Writes one file's data, counting what arrives (a declared size can lie). */
  async write(path: string, data: Readable, mode: number, declaredSize: number): Promise<void> {
    let actual = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => {
      actual += chunk.length;
      if (actual > declaredSize) this.charge(chunk.length);
    });
    await pipeline(data, counter, createWriteStream(path, { mode: mode & 0o111 ? 0o755 : 0o644, flags: 'wx' }));
  }
}

async function extractTar(archivePath: string, sink: StagingTree): Promise<void> {
  let failure: unknown;
  let chain = Promise.resolve();
  const parser = new Parser({ strict: true });
  parser.on('error', (error: Error) => {
    failure ??= error;
  });
  parser.on('entry', (entry: ReadEntry) => {
    // Entries are handled one at a time, in order; the parser waits while an entry's data is unread.
    chain = chain.then(async () => {
      if (failure) return void entry.resume();
      try {
        await handleTarEntry(entry, sink);
      } catch (error) {
        failure ??= error;
        entry.resume();
      }
    });
  });
  const drain = new Writable({
    write(chunk, _encoding, done) {
      if (failure) return done(failure as Error);
      parser.write(chunk) ? done() : parser.once('drain', () => done());
    },
    final(done) {
      parser.end(() => done());
    },
  });
  try {
    await pipeline(createReadStream(archivePath), drain);
  } catch (error) {
    failure ??= error;
  }
  await chain;
  if (failure) throw failure instanceof RelpackError ? failure : new RelpackError('PROTOCOL', `${basename(archivePath)} is not a readable tar.gz: ${(failure as Error).message}`);
}

async function handleTarEntry(entry: ReadEntry, sink: StagingTree): Promise<void> {
  const raw = String(entry.path);
  if (entry.type === 'Directory') {
    await sink.admit(raw, 'directory', 0);
    entry.resume();
    return;
  }
  if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
    const declared = entry.size ?? 0;
    const path = await sink.admit(raw, 'file', declared);
    if (!path) throw unsafe(sink.archive, raw, 'is a file without a name');
    // a ReadEntry is a Minipass stream: read it through its async iterator, which Node's pipeline understands
    await sink.write(path, Readable.from(entry as AsyncIterable<Buffer>), entry.mode ?? 0o644, declared);
    return;
  }
  safeEntryName(sink.archive, raw);
  const what = entry.type === 'SymbolicLink' ? `is a symbolic link (to ${JSON.stringify(String(entry.linkpath))})` : entry.type === 'Link' ? `is a hard link (to ${JSON.stringify(String(entry.linkpath))})` : `is a ${entry.type} entry, not a file or directory`;
  throw unsafe(sink.archive, raw, what);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // decodeStrings stays on but yauzl's own name check is off, so ours reports every refusal the same way
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );
}

async function extractZip(archivePath: string, sink: StagingTree): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(archivePath);
  } catch (error) {
    throw new RelpackError('PROTOCOL', `${basename(archivePath)} is not a readable zip: ${(error as Error).message}`);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        handleZipEntry(zip, entry, sink).then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    if (error instanceof RelpackError) throw error;
    const message = (error as Error).message;
    // yauzl checks names itself before an entry reaches us (yauzl index.js validateFileName)
    const name = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/s.exec(message);
    if (name) throw unsafe(basename(archivePath), name[2], name[1] === 'absolute path' ? 'is an absolute path' : name[1] === 'invalid relative path' ? 'has a .. segment' : 'has a backslash (a Windows path separator)');
    throw new RelpackError('PROTOCOL', `${basename(archivePath)} is not a readable zip: ${message}`);
  }
}

async function handleZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, sink: StagingTree): Promise<void> {
  const raw = entry.fileName;
  // Unix modes live in the upper half of the external attributes when "made by" is Unix (3).
  const unixMode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & 0o177777 : 0;
  const type = unixMode & 0o170000;
  if (raw.endsWith('/') && (type === 0 || type === 0o040000)) {
    await sink.admit(raw, 'directory', 0);
    return;
  }
  if (type !== 0 && type !== 0o100000) {
    safeEntryName(sink.archive, raw);
    throw unsafe(sink.archive, raw, type === 0o120000 ? 'is a symbolic link' : 'is a special file (device, FIFO or socket), not a file or directory');
  }
  const path = await sink.admit(raw, 'file', entry.uncompressedSize);
  if (!path) throw unsafe(sink.archive, raw, 'is a file without a name');
  const data = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))));
  await sink.write(path, data, unixMode || 0o644, entry.uncompressedSize);
}

// ---- download --extract --------------------------------------------------------------------------

/** The message `download --extract` fails with when nothing it would fetch is an archive. */
export const EXTRACT_NEEDS_ARCHIVE = '--extract needs an archive in the version';

/** The archives among a version's file names (`*.tar.gz`, `*.tgz`, `*.zip`), in name order. */
export function archivesAmong(names: readonly string[]): string[] {
  return names.filter((name) => archiveFormatOf(name) !== undefined).sort();
}

export interface ExtractedArchive extends ExtractResult {
  /** The archive's file name in the package. */
  archive: string;
}

/**
 * Extracts each downloaded archive into outDir, in name order, each all or nothing. The archives
 * stay where the download put them. Two archives that hold the same top-level name collide like
 * an archive and a file already there: the second is refused, the first stays extracted.
 */
export async function extractArchives(outDir: string, archives: readonly { name: string; path: string }[], options: ExtractOptions): Promise<ExtractedArchive[]> {
  const extracted: ExtractedArchive[] = [];
  for (const { name, path } of [...archives].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const format = archiveFormatOf(name);
    if (!format) continue;
    extracted.push({ archive: name, ...(await extractArchive(path, format, outDir, options)) });
  }
  return extracted;
}
