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
 *
 * Everything is checked here, before the plan asks the registry anything, so that a publish that
 * cannot be complete stops with nothing sent:
 * - only regular files are published. A FIFO, socket or device named by the user is an error (a
 *   FIFO would block the read, `/dev/zero` never ends); found by a walk or a glob it is left out
 *   and listed, like the hidden files.
 * - a symbolic link found by a walk or a glob is followed only while it stays inside the directory
 *   (or the glob's literal base) it was found in: a link out of it (`dist/host -> /etc/hostname`)
 *   would publish a file from elsewhere on the machine, so it stops the publish unless
 *   `followSymlinks` asks for it. A link back to a directory it sits in is not followed (a cycle
 *   would walk for ever or publish the same files again under longer names), and is listed.
 * - every directory is read and every file access-checked: an unreadable one stops the publish,
 *   instead of being skipped (a directory) or failing after other files were uploaded (a file).
 */
import { accessSync, constants, type Dirent, type Stats, readlinkSync, realpathSync, statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type FileSystemAdapter, glob, isDynamicPattern } from 'tinyglobby';
import { RelpackError, inputError } from '../base/errors.js';

export interface LocalFile {
  /** Absolute path on disk (through the links that lead to it, as the walk reached it). */
  path: string;
  /** The file's name in the package, `/`-separated. */
  name: string;
  size: number;
  /** When it was last changed, as planned: an upload checks that neither this nor the size moved. */
  mtimeMs: number;
}

/** Why an entry a walk or a glob reached is not published, when it is not a hidden file. */
export type SkipReason = 'FIFO' | 'socket' | 'character device' | 'block device' | 'link cycle';

/** What a walk or a glob reached and left out: hidden files (grouped), and entries that are not regular files. */
export interface LeftOut {
  /** Relative to the working directory, `/`-separated; a directory ends with `/`. */
  path: string;
  files: number;
  /** Absent for hidden files; for anything else, why it is not published. */
  reason?: SkipReason;
}

export interface ExpandOptions {
  /** Also publish dotfiles and the contents of dot-directories. */
  includeHidden?: boolean;
  /** Also follow symbolic links that lead out of the directory or glob base they were found in. */
  followSymlinks?: boolean;
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
  const problems = new Problems(cwd);
  const excluded = excludes.length ? new Set((await glob(excludes, { cwd, dot: true, absolute: true })).map((p) => resolve(p))) : new Set<string>();
  const context: ExpandContext = { cwd, excludes, excluded, includeHidden: options.includeHidden ?? false, followSymlinks: options.followSymlinks ?? false, problems, leftOut };

  for (const input of includes) {
    const found = await expandOne(input, context);
    if (found.files.length === 0 && found.problems === 0) {
      const { hidden, skipped, excludedOnly } = found;
      throw new RelpackError(
        'NO_MATCH',
        `${JSON.stringify(input)} matches no file${hidden ? ` but hidden ones (${hidden}, such as ${found.hiddenExample})` : skipped ? ` that can be published (${skipped} not a regular file)` : excludedOnly ? ' once the exclusions are applied' : ''}`,
        { hint: hidden ? 'hidden files are left out unless asked for: pass --include-hidden (input include-hidden) to publish them' : `paths and globs are relative to ${cwd}; check the spelling, or build the files first` },
      );
    }
    for (const file of found.files) {
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
  problems.throwIfAny();
  const files = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { files, leftOut: leftOut.list() };
}

interface ExpandContext {
  cwd: string;
  excludes: string[];
  excluded: Set<string>;
  includeHidden: boolean;
  followSymlinks: boolean;
  problems: Problems;
  leftOut: LeftOutTally;
}

interface Found {
  files: LocalFile[];
  /** How many hidden matches were left out, and one of them to name. */
  hidden: number;
  hiddenExample?: string;
  /** How many matches were left out for not being regular files. */
  skipped: number;
  /** True when there were matches, all excluded. */
  excludedOnly: boolean;
  /** How many problems this input added (they are reported together, after every input). */
  problems: number;
}

async function expandOne(input: string, context: ExpandContext): Promise<Found> {
  const { cwd, excludes, includeHidden } = context;
  const problemsBefore = context.problems.count;
  const found: Found = { files: [], hidden: 0, skipped: 0, excludedOnly: false, problems: 0 };
  const absolute = resolve(cwd, input);
  const info = await stat(absolute).catch(() => undefined);
  if (info && !info.isDirectory()) {
    // Named by the user: taken as asked, through any link, but only if it is a regular file.
    const name = toPosix(input).split('/').pop() ?? input;
    const outcome = checkFile(absolute, name, info, context.problems);
    if (typeof outcome === 'string') context.problems.add({ kind: 'special', path: absolute, reason: outcome });
    else if (outcome) found.files.push(outcome);
    found.problems = context.problems.count - problemsBefore;
    return found;
  }

  let matches: Match[];
  let walk: Walk;
  if (info?.isDirectory()) {
    // One walk that sees everything; what is hidden below the named directory is set aside.
    walk = new Walk(absolute, context.followSymlinks, context.problems);
    const paths = await glob('**/*', { cwd: absolute, dot: true, onlyFiles: true, followSymbolicLinks: false, fs: walk.fs, ignore: relativeExcludes(excludes, cwd, absolute) });
    matches = paths.map((p) => ({ path: join(absolute, p), name: toPosix(p) }));
    // What is wrong in a hidden place is no reason to stop: nothing there is published.
    walk.report(context.leftOut, (path) => includeHidden || !isHidden(toPosix(relative(absolute, path))));
    if (!includeHidden) {
      const hidden = matches.filter((match) => isHidden(match.name) && !context.excluded.has(match.path));
      for (const match of hidden) context.leftOut.add(match);
      found.hidden = hidden.length;
      found.hiddenExample = hidden[0]?.path;
      matches = matches.filter((match) => !isHidden(match.name));
    }
  } else {
    if (!isDynamicPattern(input)) return found;
    const pattern = toPosix(input);
    const baseAbs = resolve(cwd, globBase(pattern));
    const ignore = excludes.filter((exclude) => !isAbsolute(exclude));
    const match = async (dot: boolean, into: Walk) =>
      (await glob(pattern, { cwd, dot, onlyFiles: true, absolute: true, followSymbolicLinks: false, fs: into.fs, ignore })).map((p) => ({
        path: resolve(p),
        name: toPosix(relative(baseAbs, resolve(p))),
      }));
    walk = new Walk(baseAbs, context.followSymlinks, context.problems);
    matches = await match(includeHidden, walk);
    walk.report(context.leftOut);
    if (!includeHidden) {
      // A glob's own dot segments (`dist/.well-known/*`) match either way: picomatch's `dot: false`
      // only keeps wildcards from matching a leading dot, so "hidden" is what the wildcards reached.
      // A second walk finds their names; what it meets there is not reported (nothing is published).
      const kept = new Set(matches.map((m) => m.path));
      const hidden = (await match(true, new Walk(baseAbs, context.followSymlinks, new Problems(cwd)))).filter((m) => !kept.has(m.path) && !context.excluded.has(m.path));
      for (const file of hidden) context.leftOut.add(file);
      found.hidden = hidden.length;
      found.hiddenExample = hidden[0]?.path;
    }
  }

  const kept = matches.filter((match) => !context.excluded.has(match.path));
  found.excludedOnly = matches.length > 0 && kept.length === 0;
  for (const match of kept) {
    const outcome = walk.check(match);
    if (outcome === undefined) continue;
    if (typeof outcome === 'string') {
      context.leftOut.skip(match.path, outcome);
      found.skipped++;
    } else {
      found.files.push(outcome);
    }
  }
  found.problems = context.problems.count - problemsBefore;
  return found;
}

interface Match {
  /** Absolute, as the walk reached it (through links). */
  path: string;
  name: string;
}

/** A directory entry as the walk shows it to the glob: links resolved, anything else not a directory shown as a file. */
interface Shown {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

const shownFile = (name: string): Shown => ({ name, isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false });
const shownDirectory = (name: string): Shown => ({ name, isFile: () => false, isDirectory: () => true, isSymbolicLink: () => false });

/**
 * One walk below `root`, done by tinyglobby (its pattern decides which directories are read) over
 * this view of the file system. The glob is told to follow no link itself (it would follow a link
 * out of the tree and read a whole outside directory before anyone could refuse it, skip a
 * directory it cannot read, and drop FIFOs and sockets without a word): the view shows a link to a
 * directory as a directory and decides, when the glob first reads it, whether it may be entered;
 * every other entry is shown as a file, to be checked when it matches (`check`).
 */
class Walk {
  /** Links to a directory the walk was already inside: not followed (paths as reached). */
  readonly cycles = new Set<string>();
  /** Links the walk has shown, by the path it reached them at. */
  private readonly links = new Set<string>();
  private readonly reals = new Map<string, Promise<string>>();
  private readonly rootReal: string;
  /** Problems met while the glob walks, held until the caller says which places count (reportProblems). */
  private readonly met: Problem[] = [];

  constructor(
    private readonly root: string,
    private readonly follow: boolean,
    private readonly problems: Problems,
  ) {
    this.rootReal = realpathOr(root);
  }

  readonly fs: FileSystemAdapter = {
    readdir: ((path: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, entries: Shown[]) => void) => {
      this.read(resolve(String(path))).then(
        (entries) => callback(null, entries),
        (error: NodeJS.ErrnoException) => callback(error, []),
      );
    }) as unknown as FileSystemAdapter['readdir'],
  };

  /**
   * Adds what the walk met to the publish's problems, and the link cycles to what is left out;
   * those under a path `counts` rejects (a hidden place, left out anyway) are dropped.
   */
  report(leftOut: LeftOutTally, counts: (path: string) => boolean = () => true): void {
    for (const problem of this.met) if (counts(problem.path)) this.problems.add(problem);
    for (const link of this.cycles) if (counts(link)) leftOut.skip(link, 'link cycle');
  }

  private async read(dir: string): Promise<Shown[]> {
    if (this.links.has(dir) && !(await this.mayEnter(dir))) return [];
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      // Gone, or not a directory (a glob's base that does not exist): nothing there to publish.
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.met.push({ kind: 'unreadable', path: dir, directory: true, code });
      return [];
    }
    return Promise.all(entries.map((entry) => this.show(dir, entry)));
  }

  private async show(dir: string, entry: Dirent): Promise<Shown> {
    if (entry.isDirectory()) return shownDirectory(entry.name);
    if (!entry.isSymbolicLink()) return shownFile(entry.name);
    const path = join(dir, entry.name);
    this.links.add(path);
    const target = await stat(path).catch(() => undefined);
    return target?.isDirectory() ? shownDirectory(entry.name) : shownFile(entry.name);
  }

  /** A link to a directory, about to be read: inside the tree (or followSymlinks), and not a way back up. */
  private async mayEnter(link: string): Promise<boolean> {
    let real: string;
    try {
      real = await realpath(link);
    } catch (error) {
      this.met.push({ kind: 'broken-link', path: link, target: readLink(link), code: errorCode(error) });
      return false;
    }
    if (!this.follow && !within(this.rootReal, real)) {
      this.met.push({ kind: 'outside', path: link, target: readLink(link), real });
      return false;
    }
    for (const ancestor of ancestors(dirname(link), this.root)) {
      if (within(real, await this.realOf(ancestor))) {
        this.cycles.add(link);
        return false;
      }
    }
    return true;
  }

  private realOf(dir: string): Promise<string> {
    let real = this.reals.get(dir);
    if (!real) {
      real = realpath(dir);
      this.reals.set(dir, real);
    }
    return real;
  }

  /**
   * A match, checked: a link still inside the tree, a regular file, readable. Returns the file, the
   * reason it is skipped, or undefined when a problem was recorded.
   */
  check(match: Match): LocalFile | SkipReason | undefined {
    if (this.links.has(match.path)) {
      let real: string;
      try {
        real = realpathSync(match.path);
      } catch (error) {
        this.problems.add({ kind: 'broken-link', path: match.path, target: readLink(match.path), code: errorCode(error) });
        return undefined;
      }
      if (!this.follow && !within(this.rootReal, real)) {
        this.problems.add({ kind: 'outside', path: match.path, target: readLink(match.path), real });
        return undefined;
      }
    }
    let info: Stats;
    try {
      info = statSync(match.path);
    } catch (error) {
      this.problems.add({ kind: 'unreadable', path: match.path, directory: false, code: errorCode(error) });
      return undefined;
    }
    return checkFile(match.path, match.name, info, this.problems);
  }
}

/** The real path of `path`, or `path` itself where it does not exist (a glob base that matches nothing). */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The directories from `dir` up to `root` (both included); just `dir` when it is not below `root`. */
function* ancestors(dir: string, root: string): Generator<string> {
  if (!within(root, dir)) {
    yield dir;
    return;
  }
  for (let at = dir; ; at = dirname(at)) {
    yield at;
    if (at === root || dirname(at) === at) return;
  }
}

function within(parent: string, path: string): boolean {
  return path === parent || path.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}

/**
 * The file at `path` if it is a regular file this process may read, else what it is instead
 * (undefined: a problem was recorded). access(2) answers for the real user, who is the one running
 * relpack (it is not installed setuid), in one system call where open and close take two.
 */
function checkFile(path: string, name: string, info: Stats, problems: Problems): LocalFile | SkipReason | undefined {
  if (!info.isFile()) return specialKind(info);
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    problems.add({ kind: 'unreadable', path, directory: false, code: errorCode(error) });
    return undefined;
  }
  return { path, name, size: info.size, mtimeMs: info.mtimeMs };
}

function specialKind(info: Stats): Exclude<SkipReason, 'link cycle'> {
  if (info.isFIFO()) return 'FIFO';
  if (info.isSocket()) return 'socket';
  if (info.isBlockDevice()) return 'block device';
  return 'character device';
}

type Problem =
  | { kind: 'outside'; path: string; target: string; real: string }
  | { kind: 'broken-link'; path: string; target: string; code: string }
  | { kind: 'unreadable'; path: string; directory: boolean; code: string }
  | { kind: 'special'; path: string; reason: SkipReason };

const CODE_WORDS: Record<string, string> = { EACCES: 'permission denied', EPERM: 'operation not permitted', ENOENT: 'it does not exist', ELOOP: 'a loop of links', EIO: 'input/output error' };

/** What the inputs have wrong, gathered over all of them and reported in one error. */
class Problems {
  private readonly list: Problem[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly cwd: string) {}

  get count(): number {
    return this.list.length;
  }

  add(problem: Problem): void {
    const key = `${problem.kind} ${problem.path}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(problem);
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    const shown = (path: string) => {
      const rel = toPosix(relative(this.cwd, path));
      return rel && !rel.startsWith('..') ? rel : path;
    };
    const describe = (problem: Problem): string => {
      switch (problem.kind) {
        case 'outside':
          return `${shown(problem.path)} is a symbolic link to ${problem.target}${problem.target !== problem.real ? ` (${problem.real})` : ''}, outside what is published`;
        case 'broken-link':
          return `${shown(problem.path)} is a symbolic link to ${problem.target}, which cannot be followed (${CODE_WORDS[problem.code] ?? problem.code})`;
        case 'unreadable':
          return `cannot read ${shown(problem.path)}${problem.directory ? '/' : ''} (${CODE_WORDS[problem.code] ?? problem.code})`;
        case 'special':
          return `${shown(problem.path)} is a ${problem.reason}, not a regular file`;
      }
    };
    const lines = this.list.map(describe);
    const listed = lines.slice(0, 20).map((line) => `  ${line}`);
    if (lines.length > listed.length) listed.push(`  and ${lines.length - listed.length} more`);
    const outside = this.list.some((problem) => problem.kind === 'outside');
    const hints: string[] = [];
    if (outside) hints.push('a link out of a published directory (or a glob\'s base) would publish a file from elsewhere on this machine: remove the link, copy the file in, or pass --follow-symlinks (input follow-symlinks) to publish what such links point to');
    if (this.list.some((problem) => problem.kind === 'unreadable' || problem.kind === 'broken-link')) hints.push('nothing was sent: fix the permissions or the links (or exclude the paths with !pattern), then publish again');
    if (this.list.some((problem) => problem.kind === 'special')) hints.push('only regular files are published: name the file a FIFO or device would produce once it has been written');
    throw new RelpackError(outside ? 'UNSAFE_PATH' : 'INVALID_INPUT', `${lines.length === 1 ? 'a path cannot be published' : `${lines.length} paths cannot be published`}; nothing was sent:\n${listed.join('\n')}`, {
      hint: hints.join('\n'),
    });
  }
}

/** A name with a segment that starts with a dot: a dotfile, or a file under a dot-directory. */
function isHidden(name: string): boolean {
  return name.split('/').some((segment) => segment.startsWith('.'));
}

/** Groups left-out files under their first hidden segment (`.git/` with 1,234 files is one row); lists skipped entries one by one. */
class LeftOutTally {
  private readonly counts = new Map<string, number>();
  private readonly skipped = new Map<string, SkipReason>();
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

  skip(path: string, reason: SkipReason): void {
    this.skipped.set(toPosix(relative(this.cwd, path)), reason);
  }

  list(): LeftOut[] {
    const rows: LeftOut[] = [...this.counts].map(([path, files]) => ({ path, files }));
    for (const [path, reason] of this.skipped) rows.push({ path, files: 1, reason });
    return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** Exclusion patterns are written relative to cwd; inside a directory walk they must be rebased. */
function relativeExcludes(excludes: string[], cwd: string, dir: string): string[] {
  const prefix = toPosix(relative(cwd, dir));
  return excludes
    .map((pattern) => (isAbsolute(pattern) ? toPosix(relative(dir, pattern)) : pattern))
    .map((pattern) => (prefix && pattern.startsWith(prefix + '/') ? pattern.slice(prefix.length + 1) : pattern));
}
