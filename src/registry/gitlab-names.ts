/**
 * GitLab's rules for generic package names, versions and file names (GitLab
 * `lib/gitlab/regex/packages.rb`, newest server). The client checks them before any request so
 * that a bad value fails with a message naming it, instead of a bare 400 halfway through a publish.
 */
import { inputError } from '../base/errors.js';
import type { PackageRef } from './types.js';

export const GITLAB_PACKAGE_NAME = /^[A-Za-z0-9._+-]+$/;
/** `\A(?!.*\.\.)[\w+.-]+\z`: no `..` anywhere, no slash. */
export const GITLAB_VERSION = /^(?!.*\.\.)[A-Za-z0-9_+.-]+$/;
/** The last path segment: `~` and `@` allowed but not at either end; no spaces, `%` or non-ASCII. */
export const GITLAB_FILE_NAME = /^(?![~@])[A-Za-z0-9._+~@-]+(?<![~@])$/;

export function validateGitlabName(name: string): void {
  if (!GITLAB_PACKAGE_NAME.test(name) || name === '.' || name === '..') {
    throw inputError(
      `invalid package name ${JSON.stringify(name)}`,
      'GitLab package names may use only letters, digits, ".", "_", "-" and "+" (and may not be "." or "..")',
    );
  }
}

export function validateGitlabRef(ref: PackageRef): void {
  validateGitlabName(ref.name);
  // `.` passes the regex but would be read as a URL dot-segment: the request would go elsewhere.
  if (!GITLAB_VERSION.test(ref.version) || ref.version === '.') {
    throw inputError(
      `invalid package version ${JSON.stringify(ref.version)}`,
      'GitLab package versions may use only letters, digits, "_", "+", "." and "-", with no ".." (e.g. 1.2.3, 1.2.3-rc.1, v1.2.4-build)',
    );
  }
}

/**
 * Why an older GitLab may refuse a file name that the newest rule (GITLAB_FILE_NAME) accepts, or
 * undefined when every release's rule accepts it. `generic_package_file_name_regex` in
 * `lib/gitlab/regex/packages.rb` was first the package-name rule `\A[A-Za-z0-9.\_\-+]+\z`, then
 * `\A(?!~)[A-Za-z0-9.\_\-+~]+(?<!~)\z` (`~` inside a name), and the newest also takes `@` inside
 * a name (`spec/requests/api/generic_packages_spec.rb` uploads `myfile@1.1.tar.gz`).
 */
export function olderGitlabFileNameRules(fileName: string): string | undefined {
  const base = fileName.split('/').pop() ?? '';
  const reasons: string[] = [];
  if (base.includes('~')) reasons.push('"~" is refused by GitLab releases whose generic file-name rule is still the package-name rule [A-Za-z0-9._+-]');
  if (base.includes('@')) reasons.push('"@" is accepted only by the newest GitLab releases; those whose rule allows "~" but not "@" refuse it');
  if (reasons.length === 0) return undefined;
  return `${reasons.join('; ')} (lib/gitlab/regex/packages.rb, generic_package_file_name_regex). This server seems to be one of them: rename the file, e.g. with "-" or "_" in their place`;
}

export function validateGitlabFileName(fileName: string): void {
  const segments = fileName.split('/');
  const base = segments.pop() ?? '';
  for (const segment of segments) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule refuses
    if (segment === '' || segment === '.' || segment === '..' || /[\u0000-\u001f\u007f\\]/.test(segment)) {
      throw inputError(
        `invalid directory ${JSON.stringify(segment)} in file name ${JSON.stringify(fileName)}`,
        'directories in a GitLab package path must be non-empty, not "." or "..", and free of control characters and backslashes',
      );
    }
  }
  if (!GITLAB_FILE_NAME.test(base)) {
    throw inputError(
      `invalid file name ${JSON.stringify(base)}${segments.length ? ` (in ${JSON.stringify(fileName)})` : ''}`,
      'GitLab file names may use only letters, digits, ".", "_", "-", "+", "~" and "@", with no "~" or "@" at either end (no spaces, "%" or non-ASCII); rename the file',
    );
  }
}

/**
 * GitLab stores a file uploaded under a sub-path as `encodeURIComponent(path/file)` with only
 * `A-Za-z0-9*._-` left raw (`encoded_file_name` in GitLab `lib/api/generic_packages.rb`); root files
 * are stored raw.
 */
export function decodeGitlabFileName(stored: string): string {
  try {
    return decodeURIComponent(stored);
  } catch {
    return stored;
  }
}

/** The URL path of a file: raw slashes between segments, each segment percent-encoded. */
export function gitlabFilePath(fileName: string): string {
  return fileName.split('/').map(encodeURIComponent).join('/');
}
