// Validation copied from GitLab (`lib/gitlab/regex/packages.rb`; variables: `app/models/ci/variable.rb`,
// `app/models/concerns/ci/has_variable.rb`, `app/models/concerns/ci/maskable.rb`).

// The name, version and file-name rules are the ones relpack's client checks before sending: one
// definition (src/registry/gitlab-names.ts) serves both, and the conformance tests pin it.
export { GITLAB_FILE_NAME as FILE_NAME, GITLAB_PACKAGE_NAME as PACKAGE_NAME, GITLAB_VERSION as PACKAGE_VERSION } from '../../registry/gitlab-names.js';

/**
 * Gitlab::PathTraversal.check_path_traversal! (the `file_path: true` Grape validator): `.`/`..`
 * alone, or `..` as a path component, or a newline. Applied to the decoded value, so
 * `%2e%2e%2f` in the URL is caught too.
 */
export function isTraversal(decoded: string): boolean {
  return /(^\.{1,2}$|^\.\.[/\\]|[/\\]\.\.$|[/\\]\.\.[/\\]|\n)/.test(decoded);
}

/** Absolute paths are rejected by the same validator. */
export function isAbsolutePath(decoded: string): boolean {
  return decoded.startsWith('/') || decoded.startsWith('\\') || /^[A-Za-z]:[/\\]/.test(decoded);
}

/**
 * URI.encode_uri_component as used for path files (`encoded_file_name` in `lib/api/generic_packages.rb`): everything but `A-Za-z0-9*._-` is
 * percent-encoded (UTF-8, upper-case hex), so `dir/sub/f.txt` → `dir%2Fsub%2Ff.txt` and
 * `~ + @ space` → `%7E %2B %40 %20`.
 */
export function encodeUriComponentGitlab(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9*._-]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Decodes one URL segment the way Rack/Grape do; null when the escape is malformed. */
export function decodeSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Ci::HasVariable key rule. */
export const VARIABLE_KEY = /^[a-zA-Z0-9_]+$/;
/** Ci::Maskable: raw=false → Base64 alphabet plus `@ : . ~ -`, ≥ 8 chars; raw=true → ≥ 8 non-space. */
export const MASKABLE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
export const MASKABLE_RAW = /^\S{8,}$/;
