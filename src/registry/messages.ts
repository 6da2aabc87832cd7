/**
 * The human part of a registry's error body: GitLab's `{"message": …}` / Grape's `{"error": …}`,
 * Gitea's v1 `{"message": …}`, or the plain text of Gitea's package routes.
 */
export function serverMessage(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { message?: unknown; error?: unknown };
    const value = parsed.message ?? parsed.error;
    return typeof value === 'string' ? value : JSON.stringify(value ?? parsed);
  } catch {
    return raw.trim();
  }
}
