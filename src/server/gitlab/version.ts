// `gitlab.version` (what GET /api/v4/version reports) decides the rules that changed between
// GitLab releases; each caller names the release and the upstream file of the change.

/** Is the configured version at least major.minor? An unparsable version counts as the newest. */
export function versionAtLeast(version: string, major: number, minor = 0): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}
