/**
 * The pure half of versioning (issue 5, items 2, 3 and 6): bumps, Conventional Commits, and range
 * resolution over version lists that mix semver, prereleases and free-form names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCommits, bumpVersion, cleanVersion, highestVersion, matchVersion, sortBySemver, versionSpecKind } from '../../src/core/versioning.js';

test('bump: every level, with and without --preid', () => {
  const cases: [string, Parameters<typeof bumpVersion>[1], string | undefined, string][] = [
    ['1.4.2', 'major', undefined, '2.0.0'],
    ['1.4.2', 'minor', undefined, '1.5.0'],
    ['1.4.2', 'patch', undefined, '1.4.3'],
    ['1.4.2', 'premajor', 'rc', '2.0.0-rc.0'],
    ['1.4.2', 'preminor', 'beta', '1.5.0-beta.0'],
    ['1.4.2', 'prepatch', undefined, '1.4.3-0'],
    ['1.4.2', 'prerelease', 'rc', '1.4.3-rc.0'],
    ['1.5.0-rc.0', 'prerelease', 'rc', '1.5.0-rc.1'],
    ['1.5.0-rc.3', 'patch', undefined, '1.5.0'],
    ['1.5.0-rc.3', 'minor', undefined, '1.5.0'],
    ['v2.0.0', 'patch', undefined, '2.0.1'],
    ['0.0.0', 'minor', undefined, '0.1.0'],
  ];
  for (const [from, level, preid, expected] of cases) assert.equal(bumpVersion(from, level, preid), expected, `${from} ${level} ${preid ?? ''}`);
  assert.throws(() => bumpVersion('1.4', 'patch'), /not a semantic version/);
  assert.throws(() => bumpVersion('1.4.2', 'patch', 'rc'), /--preid only applies to/);
  assert.throws(() => bumpVersion('1.4.2', 'prerelease', 'r c'), /not a valid prerelease identifier/);
});

test('clean: leading v removed, non-semver refused', () => {
  assert.equal(cleanVersion('v1.2.3'), '1.2.3');
  assert.equal(cleanVersion('1.2.3-rc.1+build.5'), '1.2.3-rc.1+build.5');
  assert.equal(cleanVersion('1.2'), undefined);
  assert.equal(cleanVersion('nightly'), undefined);
  assert.equal(cleanVersion('release-1.2.3'), undefined);
});

test('Conventional Commits: feat minor, fix patch, ! and BREAKING CHANGE major, others nothing', () => {
  assert.deepEqual(analyzeCommits(['docs: readme', 'chore(ci): cache', 'Merge branch x']).level, undefined);
  assert.equal(analyzeCommits(['fix: off by one', 'docs: x']).level, 'patch');
  assert.equal(analyzeCommits(['fix(parser): y', 'feat(cli): --json', 'chore: z']).level, 'minor');
  assert.equal(analyzeCommits(['feat!: drop node 18']).level, 'major');
  assert.equal(analyzeCommits(['refactor(api)!: rename']).level, 'major');
  assert.equal(analyzeCommits(['fix: y\n\nBREAKING CHANGE: the flag is gone']).level, 'major');
  assert.equal(analyzeCommits(['fix: y\n\nBREAKING-CHANGE: the flag is gone']).level, 'major');
  assert.equal(analyzeCommits(['feature: not a type we know', 'fixes #12']).level, undefined);
  assert.equal(analyzeCommits(['FEAT: upper case type']).level, 'minor');
  assert.equal(analyzeCommits(['fix: mentions BREAKING CHANGE: only in the subject']).level, 'patch');
  const analysis = analyzeCommits(['feat: a', 'fix: b', 'docs: c']);
  assert.deepEqual(analysis.reasons, ['minor: feat: a', 'patch: fix: b']);
  assert.equal(analysis.commits, 3);
});

test('ranges: semver precedence, not list order; non-semver ignored; prereleases only when asked', () => {
  // As a registry lists them: creation order, with free-form and v-prefixed names mixed in.
  const published = ['1.10.0', 'nightly', '1.4.2', 'v1.4.10', '1.9.0', '2.0.0-rc.1', '1.4.3-beta.1', 'latest-build', '0.9.0', '1.2'];
  assert.deepEqual(sortBySemver(published), ['2.0.0-rc.1', '1.10.0', '1.9.0', 'v1.4.10', '1.4.3-beta.1', '1.4.2', '0.9.0']);
  assert.equal(matchVersion(published, 'latest'), '1.10.0');
  assert.equal(matchVersion(published, 'latest-prerelease'), '2.0.0-rc.1');
  assert.equal(matchVersion(published, '^1.4'), '1.10.0');
  assert.equal(matchVersion(published, '~1.4.2'), 'v1.4.10');
  assert.equal(matchVersion(published, '~1.4.3-beta.0'), 'v1.4.10');
  assert.equal(matchVersion(published, '>=1.4.3-beta.0 <1.4.4'), '1.4.3-beta.1');
  assert.equal(matchVersion(published, '1.x'), '1.10.0');
  assert.equal(matchVersion(published, '^2'), undefined, 'a prerelease does not match a plain range');
  assert.equal(matchVersion(published, '^2.0.0-rc.0'), '2.0.0-rc.1');
  assert.equal(matchVersion(published, '1.4.2'), '1.4.2');
  assert.equal(matchVersion(published, '1.4.10'), 'v1.4.10');
  assert.equal(matchVersion(published, 'nightly'), 'nightly');
  assert.equal(matchVersion(published, '^3'), undefined);
  assert.equal(highestVersion(['nightly', 'x']), undefined);
  assert.equal(highestVersion(['2.0.0-rc.1'], { includePrerelease: false }), undefined);
});

test('version specs: exact versions and free-form names are used as given, ranges resolved', () => {
  assert.equal(versionSpecKind('1.4.2'), 'exact');
  assert.equal(versionSpecKind('v1.4.2'), 'exact');
  assert.equal(versionSpecKind('nightly'), 'exact');
  assert.equal(versionSpecKind('2024-05-01'), 'exact');
  assert.equal(versionSpecKind('^1.4'), 'range');
  assert.equal(versionSpecKind('~1.4.2'), 'range');
  assert.equal(versionSpecKind('>=1 <2'), 'range');
  assert.equal(versionSpecKind('1.x'), 'range');
  assert.equal(versionSpecKind('latest'), 'latest');
  assert.equal(versionSpecKind('latest-prerelease'), 'latest-prerelease');
});
