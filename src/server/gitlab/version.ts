// `gitlab.version` (what GET /api/v4/version reports) decides the rules that changed between
// GitLab releases; each caller names the release and the upstream file of the change.

/** Is the configured version at least major.minor? An unparsable version counts as the newest. */
export function versionAtLeast(version: string, major: number, minor = 0): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/**
 * GitLab 13.5, the first release with generic packages, took only `X.Y.Z` versions
 * (`generic_package_version_regex` = `\A\d+\.\d+\.\d+\z` in `lib/gitlab/regex.rb`); later releases
 * use `maven_version_regex`. The release of that relaxation is not pinned, so only 13.5 and older
 * are held to it.
 */
const STRICT_SEMVER = /^\d+\.\d+\.\d+$/;

export function versionAllowedBy(gitlabVersion: string, packageVersion: string): boolean {
  return versionAtLeast(gitlabVersion, 13, 6) || STRICT_SEMVER.test(packageVersion);
}
