/**
 * Writing a package's next version into its CI variable only if no other pipeline wrote it first,
 * through the platform's VariableStore (registry/variables/).
 */
import type { StoredVariable, VariableStore } from '../registry/variables/types.js';
import { cleanVersion } from './versioning.js';

export type CompareAndSetResult =
  | { outcome: 'updated' | 'created'; previous?: StoredVariable }
  | { outcome: 'changed'; actual?: StoredVariable };

/**
 * Writes `next` only if the variable still holds `expected` (undefined: still does not exist).
 *
 * No platform offers an atomic compare-and-set on variables, so this is re-read-then-write: the
 * read happens immediately before the write, and the window between the two (one round trip) is
 * the residual race, documented in the README. Creating is safe: a second create fails (409/400).
 */
export async function compareAndSet(store: VariableStore, name: string, expected: string | undefined, next: string): Promise<CompareAndSetResult> {
  const current = await store.read(name);
  if (current === undefined) {
    if (expected !== undefined) return { outcome: 'changed' };
    if ((await store.create(name, next)) === 'exists') return { outcome: 'changed', actual: await store.read(name) };
    return { outcome: 'created' };
  }
  if (expected === undefined || !sameVersion(current.value, expected)) return { outcome: 'changed', actual: current };
  await store.update(current, next);
  return { outcome: 'updated', previous: current };
}

/** `v1.4.2` and `1.4.2` are the same version: `version show` prints the cleaned form. */
function sameVersion(stored: string, expected: string): boolean {
  if (stored === expected) return true;
  const a = cleanVersion(stored);
  return a !== undefined && a === cleanVersion(expected);
}
