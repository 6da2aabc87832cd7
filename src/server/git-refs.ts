// The git side of the Releases APIs, shared by the flavours: which ref names git accepts, and the
// commit a serve repository's ref points at. serve keeps no repositories; a project's refs are the
// branches and tags its config declares plus the tags releases created, and every 40-hex SHA is
// taken to be a commit (docs/serve.md, "Releases").
import { createHash } from 'node:crypto';

/**
 * `git check-ref-format` for a branch or tag name, as GitLab's Gitlab::GitRefValidator
 * (`lib/gitlab/git_ref_validator.rb`, which also refuses `HEAD` and the `refs/heads/`,
 * `refs/remotes/` prefixes) and git's own tag creation (Gitea `services/release/release.go`
 * turns git's "is not a valid tag name" into ErrInvalidTagName) apply it.
 */
export function validRefName(name: string): boolean {
  if (name === '' || name === '@' || name === 'HEAD') return false;
  if (name.startsWith('-') || name.startsWith('refs/heads/') || name.startsWith('refs/remotes/')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git refuses
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  return name.split('/').every((c) => !c.startsWith('.') && !c.endsWith('.lock'));
}

/** A full commit id (SHA-1 object format). */
export function isCommitSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/.test(ref);
}

/** The commit a declared branch or tag points at: stable per repository and ref. */
export function commitOf(repository: string, ref: string): string {
  return createHash('sha1').update(`relpack-serve:${repository.toLowerCase()}:${ref}`).digest('hex');
}
