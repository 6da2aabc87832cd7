/**
 * Gitea's and Forgejo's rules for generic packages (Gitea `routers/api/packages/generic/generic.go`),
 * and relpack's reversible encoding of sub-paths: Gitea forbids `/` in file names, so
 * `dir/sub/f.txt` is stored as `dir%2Fsub%2Ff.txt`, with a literal `%` written `%25` where it would otherwise read as an
 * escape, so that decoding is exact. That is the form GitLab gives path files, and `%` is allowed
 * by the file-name rule (Gitea ≥ 1.22).
 */
import { inputError } from '../base/errors.js';
import type { PackageRef } from './types.js';

/** `\A[-_+.\w]+\z` with `\w` = ASCII word characters. */
export const GITEA_PACKAGE_NAME = /^[-_+.A-Za-z0-9]+$/;
/** `\A[-_+=:;.()\[\]{}~!@#$%^& \w]+\z`: spaces allowed inside, not at either end. */
export const GITEA_FILE_NAME = /^[-_+=:;.()[\]{}~!@#$%^& A-Za-z0-9]+$/;
/** name, version and file name are VARCHAR(255) columns. */
const MAX_LENGTH = 255;

/**
 * `/` becomes `%2F`; a `%` is written `%25` only where the decoder would otherwise read it as one
 * of those two escapes (before `25` or `2F`), so names other tools stored with a `%` in them
 * (`100%.txt`) mean the same to relpack.
 */
export function encodeGiteaFileName(path: string): string {
  return path.replace(/%(?=25|2F)/gi, '%25').replace(/\//g, '%2F');
}

export function decodeGiteaFileName(stored: string): string {
  return stored.replace(/%(25|2F)/gi, (match) => (match === '%25' ? '%' : '/'));
}

export function validateGiteaName(name: string): void {
  if (!GITEA_PACKAGE_NAME.test(name) || name === '..' || (name.length === 1 && !/^[A-Za-z0-9]$/.test(name)) || name.length > MAX_LENGTH) {
    throw inputError(
      `invalid package name ${JSON.stringify(name)}`,
      'Gitea package names may use only letters, digits, "-", "_", "+" and "."; a one-character name must be a letter or digit; at most 255 characters',
    );
  }
}

export function validateGiteaRef(ref: PackageRef): void {
  validateGiteaName(ref.name);
  const { version } = ref;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule refuses
  if (version === '' || version === '.' || version === '..' || version.trim() !== version || /[/\\\u0000-\u001f]/.test(version) || version.length > MAX_LENGTH) {
    throw inputError(
      `invalid package version ${JSON.stringify(version)}`,
      'Gitea package versions must not be empty or start or end with whitespace, and cannot contain "/", "\\" or control characters (at most 255 characters)',
    );
  }
}

/** The file-name rule of Gitea 1.21 and older (`routers/api/packages/generic/generic.go` then). */
const GITEA_1_21_FILE_NAME = /^[A-Za-z0-9._+-]+$/;

/**
 * Why Gitea 1.21 or older refuses a file name the current rule (GITEA_FILE_NAME) accepts, or
 * undefined when it would accept it too. A sub-path is stored with `%2F`, so it needs 1.22.
 */
export function olderGiteaFileNameRules(fileName: string): string | undefined {
  const stored = encodeGiteaFileName(fileName);
  if (GITEA_1_21_FILE_NAME.test(stored)) return undefined;
  return (
    'Gitea 1.21 and older allow only letters, digits, ".", "_", "-" and "+" in file names' +
    (fileName.includes('/') ? ', and a file in a sub-directory is stored as dir%2Ffile, which needs Gitea 1.22 or later' : '') +
    ' (routers/api/packages/generic/generic.go). This server seems to be one of them: upgrade it, or rename the file (and publish from a flat directory)'
  );
}

export function validateGiteaFileName(fileName: string): void {
  const segments = fileName.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw inputError(`invalid path ${JSON.stringify(fileName)}`, 'file paths must be relative, without empty, "." or ".." segments');
    }
  }
  const stored = encodeGiteaFileName(fileName);
  if (!GITEA_FILE_NAME.test(stored) || stored.trim() !== stored || stored.length > MAX_LENGTH) {
    throw inputError(
      `invalid file name ${JSON.stringify(fileName)}`,
      'Gitea file names may use letters, digits, spaces (not at either end) and - _ + = : ; . ( ) [ ] { } ~ ! @ # $ % ^ &, at most 255 characters with the path; no "|", "?", quotes or non-ASCII',
    );
  }
}
