/**
 * URLs as they may be shown: no user-info, and no value for query parameters that carry
 * credentials or signatures (GitLab's `job_token`, Gitea's `token`/`access_token`, presigned URLs).
 */
const SECRET_PARAMS = /^(job_token|private_token|token|access_token|signature|x-amz-signature|x-amz-credential|sig|se)$/i;

export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return String(input).replace(/\/\/[^/@\s]*@/, '//');
  }
  url.username = '';
  url.password = '';
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) url.searchParams.set(key, 'REDACTED');
  }
  return url.toString();
}

/** Replaces every occurrence of each secret in `text` with ***. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
