// Gitea's UploadStream (`services/context/context_request.go`; docs/gitea-behaviour.md, case 4): a PUT whose Content-Type starts with
// `multipart/form-data` or `application/x-www-form-urlencoded` is parsed as a multipart form and
// the first file part is stored; a form that cannot be parsed (a urlencoded body is never
// multipart, a missing boundary, a malformed body, no file part) is an error: 500 in Gitea, 400
// in Forgejo. Go parses the whole form before the handler continues; here the first file part is
// streamed out while the rest is still checked, so nothing is held in memory.

export class MultipartError extends Error {
  readonly code = 'RELPACK_GITEA_MULTIPART';
}

/** Does this Content-Type make Gitea parse a form? */
export function isFormContentType(contentType: string | undefined): boolean {
  const ct = (contentType ?? '').toLowerCase();
  return ct.startsWith('multipart/form-data') || ct.startsWith('application/x-www-form-urlencoded');
}

/** The boundary, or a MultipartError saying why the body is not a multipart form (Go's wording). */
export function boundaryOf(contentType: string): string {
  const ct = contentType.trim();
  if (!/^multipart\/form-data\s*(;|$)/i.test(ct)) throw new MultipartError("request Content-Type isn't multipart/form-data");
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(ct);
  const b = m?.[1] ?? m?.[2];
  if (!b) throw new MultipartError('no multipart boundary param in Content-Type');
  return b;
}

const HEADER_LIMIT = 16 << 10;

/**
 * Yields the bytes of the first part that has a non-empty `filename`, consumes and validates the
 * rest of the body, and throws MultipartError when the form is malformed or has no file part.
 * Errors of `body` itself (aborts, reset faults) pass through unchanged.
 */
export async function* firstFilePart(body: AsyncIterable<Buffer>, boundary: string): AsyncGenerator<Buffer> {
  const it = body[Symbol.asyncIterator]();
  const delim = Buffer.from(`\r\n--${boundary}`);
  // A leading CRLF lets the first boundary be found with the same delimiter as the others.
  let buf: Buffer = Buffer.from('\r\n');
  let eof = false;
  const more = async (): Promise<boolean> => {
    if (eof) return false;
    const r = await it.next();
    if (r.done) {
      eof = true;
      return false;
    }
    buf = buf.length ? Buffer.concat([buf, r.value]) : r.value;
    return true;
  };
  const need = async (n: number) => {
    while (buf.length < n) if (!(await more())) throw new MultipartError('multipart: NextPart: EOF');
  };

  // Preamble: skip to the first delimiter, keeping only a possible partial match.
  for (;;) {
    const i = buf.indexOf(delim);
    if (i >= 0) {
      buf = buf.subarray(i + delim.length);
      break;
    }
    if (buf.length >= delim.length) buf = buf.subarray(buf.length - delim.length + 1);
    if (!(await more())) throw new MultipartError('multipart: NextPart: EOF');
  }

  let found = false;
  for (;;) {
    // After a delimiter: `--` ends the form, else optional blanks and a line break start a part.
    await need(2);
    if (buf[0] === 0x2d && buf[1] === 0x2d) break;
    let k = 0;
    for (;;) {
      await need(k + 1);
      if (buf[k] === 0x20 || buf[k] === 0x09) k++;
      else break;
    }
    if (buf[k] === 0x0d) {
      await need(k + 2);
      if (buf[k + 1] !== 0x0a) throw new MultipartError('multipart: boundary line is not terminated by CRLF');
      buf = buf.subarray(k + 2);
    } else if (buf[k] === 0x0a) {
      buf = buf.subarray(k + 1);
    } else {
      throw new MultipartError('multipart: expecting a new Part; got line ' + JSON.stringify(buf.subarray(0, Math.min(buf.length, 40)).toString('latin1')));
    }
    // Part headers up to the blank line.
    await need(2);
    let headerText = '';
    if (buf[0] === 0x0d && buf[1] === 0x0a) {
      buf = buf.subarray(2); // a part without headers
    } else {
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) === -1) {
        if (buf.length > HEADER_LIMIT) throw new MultipartError('multipart: message too large');
        if (!(await more())) throw new MultipartError('multipart: NextPart: EOF');
      }
      headerText = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 4);
    }
    const isFile = !found && hasFilename(headerText);
    if (isFile) found = true;
    // Part body up to the next delimiter; bytes that cannot start a delimiter are released early.
    for (;;) {
      const i = buf.indexOf(delim);
      if (i >= 0) {
        if (isFile && i > 0) yield buf.subarray(0, i);
        buf = buf.subarray(i + delim.length);
        break;
      }
      const safe = buf.length - delim.length + 1;
      if (safe > 0) {
        if (isFile) yield buf.subarray(0, safe);
        buf = buf.subarray(safe);
      }
      if (!(await more())) throw new MultipartError('multipart: NextPart: unexpected EOF');
    }
  }
  // The epilogue is ignored, but the body is read to its end so aborts are still detected.
  while (await more()) buf = Buffer.alloc(0);
  if (!found) throw new MultipartError('http: no such file');
}

function hasFilename(headers: string): boolean {
  for (const line of headers.split(/\r\n/)) {
    const m = /^content-disposition\s*:(.*)$/i.exec(line);
    if (!m) continue;
    const f = /;\s*filename\*?\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(m[1]!);
    return !!(f && (f[1] ?? f[2]));
  }
  return false;
}
