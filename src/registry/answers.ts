/**
 * The shape of every registry answer relpack reads, checked before anything is taken from it: a
 * listing row whose `file_name` is null, a size that is a string, a row that is null. A server
 * that answers otherwise (a proxy, a login page, an incompatible or hostile server) gets a PROTOCOL
 * error naming the request and the field, where it would otherwise have become a file called
 * `null` or a TypeError's stack. Fields relpack does not read are not checked: servers add them.
 */
import { RelpackError } from '../base/errors.js';
import { escapeUnprintable, hasUnprintable } from '../base/format.js';
import { redactUrl } from '../http/redact.js';

/** What a field must hold. `?` also accepts a missing field or null (read as undefined). */
interface Kinds {
  /** Any string: a name or version, judged where it is used (core refuses unsafe names itself). */
  string: string;
  'string?': string | undefined;
  /** A string, or null where the API says "none" (a hidden GitLab variable's value). */
  'string|null': string | null;
  /** A string meant for display (a date, a status): no control characters. */
  'text?': string | undefined;
  /** A registry id: a whole number ≥ 0. */
  id: number;
  'id?': number | undefined;
  /** A byte count: a whole number ≥ 0. */
  size: number;
  'size?': number | undefined;
  /** A SHA-256 in hex, lower-cased; an empty string is read as "none". */
  'sha256?': string | undefined;
  'boolean?': boolean | undefined;
}

export type FieldKind = keyof Kinds;
export type Shape = Readonly<Record<string, FieldKind>>;
export type Parsed<S extends Shape> = { -readonly [K in keyof S]: Kinds[S[K]] };

/** The request an answer came from. */
export interface Answer {
  method: string;
  url: string | URL;
}

export function protocolError(answer: Answer, problem: string): RelpackError {
  const url = redactUrl(answer.url);
  return new RelpackError('PROTOCOL', `the registry's answer to ${answer.method} ${url} is not what relpack expects: ${problem}`, {
    request: { method: answer.method, url },
    hint: 'relpack reads the package API of GitLab and of Gitea/Forgejo; something else answered (a proxy, a login page, an incompatible or broken server): check --url and the server',
    fromRegistry: true,
  });
}

/** The body as a list of rows of `shape`. */
export function readRows<S extends Shape>(answer: Answer, body: unknown, shape: S): Parsed<S>[] {
  if (!Array.isArray(body)) throw protocolError(answer, `the body is ${describeValue(body)}, where a list was expected`);
  return body.map((row, index) => readObject(answer, row, shape, `row ${index + 1}`));
}

/** The body as one object of `shape`. */
export function readObject<S extends Shape>(answer: Answer, value: unknown, shape: S, where = 'the body'): Parsed<S> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw protocolError(answer, `${where} is ${describeValue(value)}, where an object was expected`);
  }
  const record = value as Record<string, unknown>;
  const parsed: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(shape)) {
    const result = readField(record[key], kind);
    if (!result.ok) throw protocolError(answer, `${where === 'the body' ? '' : `${where}: `}"${key}" is ${describeValue(record[key])}, where ${result.expected} was expected`);
    parsed[key] = result.value;
  }
  return parsed as Parsed<S>;
}

type FieldResult = { ok: true; value: unknown } | { ok: false; expected: string };

function readField(value: unknown, kind: FieldKind): FieldResult {
  const optional = kind.endsWith('?');
  if (optional && (value === undefined || value === null)) return { ok: true, value: undefined };
  const fail = (expected: string): FieldResult => ({ ok: false, expected });
  switch (kind) {
    case 'string':
    case 'string?':
      return typeof value === 'string' ? { ok: true, value } : fail('a string');
    case 'string|null':
      return typeof value === 'string' || value === null ? { ok: true, value } : fail('a string or null');
    case 'text?':
      return typeof value === 'string' && !hasUnprintable(value) ? { ok: true, value } : fail('a string without control characters');
    case 'id':
    case 'id?':
    case 'size':
    case 'size?':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? { ok: true, value } : fail('a whole number');
    case 'sha256?':
      if (value === '') return { ok: true, value: undefined };
      return typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value) ? { ok: true, value: value.toLowerCase() } : fail('a SHA-256 in hex');
    case 'boolean?':
      return typeof value === 'boolean' ? { ok: true, value } : fail('true or false');
  }
}

/** A value as a message shows it: short, and with anything unprintable escaped. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${escapeUnprintable(JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
