// GitLab's Content-Disposition: `present_disk_file!` and `present_carrierwave_file!` in
// `lib/api/helpers.rb` build it with Rails' `ActionDispatch::Http::ContentDisposition.format`
// (actionpack `lib/action_dispatch/http/content_disposition.rb`): the plain `filename` is the
// transliterated name with every byte outside ` A-Za-z0-9!#$+.^_`|~-` percent-escaped, the
// `filename*` the UTF-8 name with every byte outside `A-Za-z0-9!#$&+.^_`|~-` percent-escaped.

const TRADITIONAL_KEPT = /[ A-Za-z0-9!#$+.^_`|~-]/;
const RFC_5987_KEPT = /[A-Za-z0-9!#$&+.^_`|~-]/;

function percentEscape(s: string, kept: RegExp): string {
  let out = '';
  for (const ch of s) {
    out += kept.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/**
 * I18n.transliterate with its default Latin approximations (é → e), simplified to "drop the
 * combining marks"; anything still not ASCII becomes `?`, as I18n's replacement does.
 */
function transliterate(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{ASCII}]/gu, '?');
}

export function gitlabAttachmentDisposition(filename: string): string {
  return `attachment; filename="${percentEscape(transliterate(filename), TRADITIONAL_KEPT)}"; filename*=UTF-8''${percentEscape(filename, RFC_5987_KEPT)}`;
}
