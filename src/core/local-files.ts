/**
 * Turns publish inputs (files, directories, globs with `**` and `!exclude`) into the list of local
 * files and the name each gets in the package. The naming follows actions/upload-artifact: a file
 * keeps its base name, a directory's files keep their path relative to the directory, and a glob's
 * matches keep their path relative to the glob's literal leading directories.
 *
 * Hidden files stay home unless asked for: a directory walk or a glob leaves out every file with a
 * dotfile or dot-directory below what the user named (`.env`, `.npmrc`, `.git/`), as
 * actions/upload-artifact does since v4.4 (`include-hidden-files`), because a build folder often
 * holds a secret next to the binaries. What was left out is returned, so the plan can say so.
 * A path the user names itself (`.env`, `.output/`, `dist/.well-known/*`) is taken as asked.
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { RelpackError, inputError } from '../base/errors.js';

export interface LocalFile {
  /** Absolute path on disk. */
  path: string;
  /** The file's name in the package, `/`-separated. */
  name: string;
  size: number;
}

/** Hidden files that a walk left out, grouped by the first hidden file or directory. */
export interface LeftOut {
  /** Relative to the working directory, `/`-separated; a directory ends with `/`. */
  path: string;
  files: number;
}

export interface ExpandOptions {
  /** Also publish dotfiles and the contents of dot-directories. */
  includeHidden?: boolean;
}

export interface Expanded {
  files: LocalFile[];
  leftOut: LeftOut[];
}

const toPosix = (p: string) => p.split(sep).join('/');

/** The literal directories before the first segment with glob syntax (`build/**\/*.bin` -> `build`). */
export function globBase(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (isDynamicPattern(segment)) break;
    literal.push(segment);
  }
  return literal.join('/') || (pattern.startsWith('/') ? '/' : '.');
}

export async function expandInputs(inputs: readonly string[], cwd: string, options: ExpandOptions = {}): Promise<Expanded> {
  const includes = inputs.filter((input) => !input.startsWith('!')).map((input) => input.trim()).filter(Boolean);
  const excludes = inputs.filter((input) => input.startsWith('!')).map((input) => input.slice(1));
  if (includes.length === 0) throw inputError('nothing to publish', 'name at least one file, directory or glob');

  const byName = new Map<string, LocalFile>();
  const leftOut = new LeftOutTally(cwd);
  const excluded = excludes.length ? new Set((await glob(excludes, { cwd, dot: true, absolute: true })).map((p) => resolve(p))) : new Set<string>();

  for (const input of includes) {
    const found = await expandOne(input, cwd, excludes, options.includeHidden ?? false);
    const kept = found.files.filter((file) => !excluded.has(file.path));
    const hidden = found.hidden.filter((file) => !excluded.has(file.path));
    for (const file of hidden) leftOut.add(file);
    if (kept.length === 0) {
      throw new RelpackError(
        'NO_MATCH',
        `${JSON.stringify(input)} matches no file${hidden.length ? ` but hidden ones (${hidden.length}, such as ${hidden[0].path})` : found.files.length ? ' once the exclusions are applied' : ''}`,
        { hint: hidden.length ? 'hidden files are left out unless asked for: pass --include-hidden (input include-hidden) to publish them' : `paths and globs are relative to ${cwd}; check the spelling, or build the files first` },
      );
    }
    for (const file of kept) {
      const other = byName.get(file.name);
      if (other && other.path !== file.path) {
        throw inputError(
          `two files would be published as ${JSON.stringify(file.name)}: ${other.path} and ${file.path}`,
          'publish them from a common directory so that their relative paths differ, or rename one',
        );
      }
      byName.set(file.name, file);
    }
  }
  const files = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { files, leftOut: leftOut.list() };
}

interface Found {
  files: LocalFile[];
  /** Matches left out for being hidden (never sized: they are not sent). */
  hidden: { path: string; name: string }[];
}

async function expandOne(input: string, cwd: string, excludes: string[], includeHidden: boolean): Promise<Found> {
  const absolute = resolve(cwd, input);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isFile()) {
    return { files: [{ path: absolute, name: toPosix(input).split('/').pop() ?? input, size: info.size }], hidden: [] };
  }
  if (info?.isDirectory()) {
    // One walk that sees everything; what is hidden below the named directory is set aside.
    const paths = await glob('**/*', { cwd: absolute, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore: relativeExcludes(excludes, cwd, absolute) });
    const all = paths.map((p) => ({ path: join(absolute, p), name: toPosix(p) }));
    if (includeHidden) return { files: withSizes(all), hidden: [] };
    return { files: withSizes(all.filter((file) => !isHidden(file.name))), hidden: all.filter((file) => isHidden(file.name)) };
  }
  if (!isDynamicPattern(input)) return { files: [], hidden: [] };
  const pattern = toPosix(input);
  const baseAbs = resolve(cwd, globBase(pattern));
  const match = async (dot: boolean) =>
    (await glob(pattern, { cwd, dot, onlyFiles: true, absolute: true, followSymbolicLinks: true })).map((p) => ({ path: resolve(p), name: toPosix(relative(baseAbs, resolve(p))) }));
  // A glob's own dot segments (`dist/.well-known/*`) match either way: picomatch's `dot: false`
  // only keeps wildcards from matching a leading dot, so "hidden" is what the wildcards reached.
  const shown = await match(includeHidden);
  if (includeHidden) return { files: withSizes(shown), hidden: [] };
  const kept = new Set(shown.map((file) => file.path));
  return { files: withSizes(shown), hidden: (await match(true)).filter((file) => !kept.has(file.path)) };
}

/** A name with a segment that starts with a dot: a dotfile, or a file under a dot-directory. */
function isHidden(name: string): boolean {
  return name.split('/').some((segment) => segment.startsWith('.'));
}

/** Groups left-out files under their first hidden segment (`.git/` with 1,234 files is one row). */
class LeftOutTally {
  private readonly counts = new Map<string, number>();
  constructor(private readonly cwd: string) {}

  add(file: { path: string; name: string }): void {
    const segments = file.name.split('/');
    const at = segments.findIndex((segment) => segment.startsWith('.'));
    const top = at === -1 ? segments.length - 1 : at;
    const depthBelow = segments.length - 1 - top;
    // The path of the hidden segment on disk: the file's path less the segments below it.
    let path = file.path;
    for (let i = 0; i < depthBelow; i++) path = dirname(path);
    const key = toPosix(relative(this.cwd, path)) + (depthBelow > 0 ? '/' : '');
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  list(): LeftOut[] {
    return [...this.counts].map(([path, files]) => ({ path, files })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** Exclusion patterns are written relative to cwd; inside a directory walk they must be rebased. */
function relativeExcludes(excludes: string[], cwd: string, dir: string): string[] {
  const prefix = toPosix(relative(cwd, dir));
  return excludes
    .map((pattern) => (isAbsolute(pattern) ? toPosix(relative(dir, pattern)) : pattern))
    .map((pattern) => (prefix && pattern.startsWith(prefix + '/') ? pattern.slice(prefix.length + 1) : pattern));
}

/** One stat each, synchronous: the walk that found the files has just read their inodes. */
function withSizes(files: { path: string; name: string }[]): LocalFile[] {
  return files.map((file) => ({ ...file, size: statSync(file.path).size }));
}
