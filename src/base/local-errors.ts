/**
 * Failures of the machine relpack runs on, as Node reports them (an `errno` code with the system
 * call and the path, Node's `SystemError`): each gets a sentence about the file and what to change,
 * never a hint about the network. The codes are POSIX's (`errno(3)`); Node's own list is
 * `os.constants.errno`.
 */

export interface LocalFailure {
  message: string;
  hint: string;
}

/** Codes that mean "this machine's file system said no", whatever call it was. */
const LOCAL_CODES: Record<string, (what: string) => LocalFailure> = {
  ENOSPC: (what) => ({ message: `no space left on the device while writing ${what}`, hint: 'free space on that file system, or write somewhere else (--out)' }),
  EDQUOT: (what) => ({ message: `the disk quota is exhausted while writing ${what}`, hint: 'free space within your quota, or write somewhere else (--out)' }),
  EFBIG: (what) => ({ message: `${what} is larger than this file system allows`, hint: 'write to a file system that takes files this large (--out)' }),
  EISDIR: (what) => ({ message: `${what} is a directory, where relpack needs a file`, hint: 'remove or rename that directory, or write somewhere else (--out)' }),
  ENOTDIR: (what) => ({ message: `a part of ${what} is a file, where relpack needs a directory`, hint: 'remove or rename the file that stands in the way, or choose another path' }),
  ENAMETOOLONG: (what) => ({ message: `the path ${what} is too long for the file system`, hint: 'use a shorter directory (--out), or shorter file names' }),
  EACCES: (what) => ({ message: `permission denied for ${what}`, hint: 'check the permissions of the file and of its directories for the user relpack runs as' }),
  EPERM: (what) => ({ message: `the operation on ${what} is not permitted`, hint: 'check the permissions and attributes (immutable, read-only mount) of the file and its directories' }),
  EEXIST: (what) => ({ message: `${what} already exists`, hint: 'remove it, or choose another path' }),
  ENOENT: (what) => ({ message: `${what} does not exist`, hint: 'check the path; relative paths start from the working directory' }),
  EROFS: (what) => ({ message: `${what} is on a read-only file system`, hint: 'write somewhere writable (--out)' }),
  ELOOP: (what) => ({ message: `${what} goes through too many symbolic links`, hint: 'check the links on the way to it' }),
  EMFILE: (what) => ({ message: `too many open files while opening ${what}`, hint: 'lower --concurrency, or raise the limit (ulimit -n)' }),
  ENFILE: (what) => ({ message: `the system ran out of file handles while opening ${what}`, hint: 'lower --concurrency, or try again when the machine is less busy' }),
  EIO: (what) => ({ message: `an input/output error on ${what}`, hint: 'the disk or the file system is failing; check the system log' }),
  EXDEV: (what) => ({ message: `${what} cannot be moved across file systems`, hint: 'keep the output directory on one file system' }),
  EBUSY: (what) => ({ message: `${what} is busy`, hint: 'another program holds it; try again when it is free' }),
};

/** System calls whose errors are about the network, even when their code looks local. */
const NETWORK_CALLS = new Set(['connect', 'getaddrinfo', 'bind', 'listen', 'accept', 'send', 'recv']);

/**
 * The sentence for a local file-system failure, or undefined when `error` is not one. `file` names
 * the file when the error does not (a write to an open file carries no path).
 */
export function describeLocalFailure(error: unknown, file?: string): LocalFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path, dest } = error as { code?: unknown; syscall?: unknown; path?: unknown; dest?: unknown };
  if (typeof code !== 'string' || !(code in LOCAL_CODES)) return undefined;
  if (typeof syscall === 'string' && NETWORK_CALLS.has(syscall)) return undefined;
  // Node's fs errors carry the path (and `dest` for rename, link and copy); a write to an open
  // file carries neither.
  const what = typeof path === 'string' ? (typeof dest === 'string' ? `${path} -> ${dest}` : path) : (file ?? 'a file');
  const failure = LOCAL_CODES[code](what);
  return { message: `${failure.message} (${code}${typeof syscall === 'string' ? ` in ${syscall}` : ''})`, hint: failure.hint };
}
