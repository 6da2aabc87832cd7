/**
 * Turns publish inputs (files, directories, globs with `**` and `!exclude`) into the list of local
 * files and the name each gets in the package. The naming follows actions/upload-artifact: a file
 * keeps its base name, a directory's files keep their path relative to the directory, and a glob's
 * matches keep their path relative to the glob's literal leading directories.
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { RelpackError, inputError } from './errors.js';

export interface LocalFile {
  /** Absolute path on disk. */
  path: string;
  /** The file's name in the package, `/`-separated. */
  name: string;
  size: number;
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

export async function expandInputs(inputs: readonly string[], cwd: string): Promise<LocalFile[]> {
  const includes = inputs.filter((input) => !input.startsWith('!')).map((input) => input.trim()).filter(Boolean);
  const excludes = inputs.filter((input) => input.startsWith('!')).map((input) => input.slice(1));
  if (includes.length === 0) throw inputError('nothing to publish', 'name at least one file, directory or glob');

  const byName = new Map<string, LocalFile>();
  const excluded = excludes.length ? new Set((await glob(excludes, { cwd, dot: true, absolute: true })).map((p) => resolve(p))) : new Set<string>();

  for (const input of includes) {
    const found = await expandOne(input, cwd, excludes);
    const kept = found.filter((file) => !excluded.has(file.path));
    if (kept.length === 0) {
      throw new RelpackError('NO_MATCH', `${JSON.stringify(input)} matches no file${found.length ? ' once the exclusions are applied' : ''}`, {
        hint: `paths and globs are relative to ${cwd}; check the spelling, or build the files first`,
      });
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
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function expandOne(input: string, cwd: string, excludes: string[]): Promise<LocalFile[]> {
  const absolute = resolve(cwd, input);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isFile()) {
    return [{ path: absolute, name: toPosix(input).split('/').pop() ?? input, size: info.size }];
  }
  if (info?.isDirectory()) {
    const paths = await glob('**/*', { cwd: absolute, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore: relativeExcludes(excludes, cwd, absolute) });
    return withSizes(paths.map((p) => ({ path: join(absolute, p), name: toPosix(p) })));
  }
  if (!isDynamicPattern(input)) return [];
  const pattern = toPosix(input);
  const base = globBase(pattern);
  const baseAbs = resolve(cwd, base);
  const paths = await glob(pattern, { cwd, dot: false, onlyFiles: true, absolute: true, followSymbolicLinks: true });
  return withSizes(paths.map((p) => ({ path: resolve(p), name: toPosix(relative(baseAbs, resolve(p))) })));
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
