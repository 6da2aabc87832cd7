/**
 * The values every shell reads as text (a flag, an action input, a template variable) and turns
 * into a request field: one reading, so `8`, `none` or an empty value mean the same in each.
 */
import { inputError } from '../base/errors.js';

/** Parallel transfers: a whole number from 1 to 64, written in digits. `name` says where it came from. */
export function parseConcurrency(text: string, name: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 64) throw inputError(`${name} must be a whole number from 1 to 64, not ${JSON.stringify(text)}`);
  return n;
}

/** The manifest's name; `none` for no manifest (null). */
export function parseChecksums(text: string): string | null {
  return text === 'none' ? null : text;
}
