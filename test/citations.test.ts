/**
 * Citations must point at something a reader can open: the upstream source (GitLab, Gitea,
 * Forgejo, a runner, GitHub's docs) or a page in this repository (docs/gitlab-behaviour.md,
 * docs/gitea-behaviour.md). Private notes kept outside the repository and paths of one build
 * machine are neither, so no tracked file outside dist/ (rebuilt from src) may name them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findInTrackedFiles } from './helpers/tracked-files.js';

/** Spelled in pieces so that this file does not contain what it looks for. */
const NOTE_NAMES = [['gitlab', '-api', '.md'], ['gitea', '-api', '.md'], ['peers', '.md']].map((parts) => parts.join(''));
const NOTE_DIR = ['shared', 'reference'].join('/');
const MACHINE_ROOTS = ['wo' + 'rk', 'ho' + 'me'];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOTE = new RegExp(`(${[...NOTE_NAMES, NOTE_DIR].map(escapeRegExp).join('|')})`, 'i');
/** An absolute path under one of those roots: the leading `/` not preceded by a path or word character. */
const ABSOLUTE = new RegExp(`(^|[^A-Za-z0-9_.~/-])/(${MACHINE_ROOTS.join('|')})/`);

test('no tracked file outside dist/ cites notes kept outside the repository or a build machine path', () => {
  const hits = findInTrackedFiles((text) => NOTE.exec(text)?.[1] ?? ABSOLUTE.exec(text)?.[0].trim(), { skip: (file) => file.startsWith('dist/') });
  assert.deepEqual(hits, [], `cite the upstream source or a page under docs/ instead:\n${hits.join('\n')}`);
});

test('the patterns catch what they are meant to catch', () => {
  const note = NOTE_NAMES[0]!;
  assert.ok(NOTE.test(`// see ${note} §1`));
  assert.ok(NOTE.test(`/x/${NOTE_DIR}/y`));
  for (const root of MACHINE_ROOTS) {
    assert.ok(ABSOLUTE.test(`read /${root}/notes/a.md`), root);
    assert.ok(ABSOLUTE.test(`"/${root}/x"`), root);
    assert.ok(ABSOLUTE.test(`/${root}/`), root);
    assert.ok(!ABSOLUTE.test(`/${root} tree has changes/`), root);
    assert.ok(!ABSOLUTE.test(`bench/${root}/x`), root);
    assert.ok(!ABSOLUTE.test(`https://example.com/${root}/x`), root);
    assert.ok(!ABSOLUTE.test(`/${root}flow`), root);
  }
});
