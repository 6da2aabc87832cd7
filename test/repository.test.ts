/**
 * Repository-wide checks: what every tracked file must (not) say. The product was renamed from
 * an earlier working name to relpack; that name belongs to another package on npm, so a leftover
 * in a command, a variable or a doc would send users to a stranger's code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findInTrackedFiles } from './helpers/tracked-files.js';

/** Spelled in pieces so that this file does not contain it. */
const OLD_NAME = ['gen', 'pack'].join('');

test('the old working name is gone from every tracked file and path', () => {
  const word = new RegExp(OLD_NAME, 'i');
  const hits = findInTrackedFiles((text) => word.exec(text)?.[0]);
  assert.deepEqual(hits, [], `rename leftovers:\n${hits.join('\n')}`);
});
