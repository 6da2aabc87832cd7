// The pure parts of linking a release: which tags git accepts, the description's table of files and
// its replacement on a re-run, and the permanent asset paths GitLab accepts. The requests
// themselves are tested over HTTP against relpack serve (test/cli/release-*.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelpackError } from '../../src/base/errors.js';
import { filesSection, MAX_DESCRIBED_FILES, validateTagName, withSection } from '../../src/core/release-links.js';
import { GitlabReleaseStore } from '../../src/registry/releases/gitlab.js';
import { externalAssetsIn } from '../../src/registry/releases/gitea.js';
import { HttpClient } from '../../src/http/client.js';

describe('validateTagName: the rules of git check-ref-format', () => {
  for (const tag of ['v1.4.2', '1.0.0-rc.1', 'release/2026-11', 'nightly_7', 'v1+build.5']) {
    it(`accepts ${tag}`, () => validateTagName(tag));
  }
  for (const [tag, rule] of [
    ['', /empty/],
    ['v1 2', /space/],
    ['v1..2', /"\.\."/],
    ['v1.lock', /\.lock/],
    ['/v1', /starts or ends with "\/"/],
    ['v1/', /starts or ends with "\/"/],
    ['a//b', /empty part/],
    ['v1.', /ends with "\."/],
    ['.hidden', /starts with "\."/],
    ['v1@{2}', /@\{/],
    ['v1~1', /~/],
    ['-v1', /starts with "-"/],
    ['v1\n', /control character/],
    ['x'.repeat(256), /255/],
  ] as const) {
    it(`refuses ${JSON.stringify(tag.length > 20 ? `${tag.slice(0, 8)}…` : tag)} with exit 2`, () => {
      assert.throws(
        () => validateTagName(tag),
        (error: unknown) => error instanceof RelpackError && error.exitCode === 2 && rule.test(error.message),
      );
    });
  }
});

describe('the description: a table of files between markers', () => {
  const files = [
    { fileName: 'bin/app-linux', size: 3 * 1024 * 1024, sha256: 'a'.repeat(64), url: 'https://gl.example/api/v4/projects/1/packages/generic/app/1.0.0/bin%2Fapp-linux' },
    { fileName: 'odd|name [x].txt', size: 12, sha256: 'b'.repeat(64), url: 'https://gl.example/p/odd (1)' },
  ];
  const section = filesSection({ name: 'app', version: '1.0.0' }, files);

  it('lists each file with its size and SHA-256, Markdown escaped', () => {
    assert.match(section, /^<!-- relpack:files app -->\n/);
    assert.match(section, /\| \[bin\/app-linux\]\(https:\/\/gl\.example\/api\/v4\/projects\/1\/packages\/generic\/app\/1\.0\.0\/bin%2Fapp-linux\) \| 3\.0 MiB \| `a{64}` \|/);
    assert.match(section, /\[odd\\\|name \\\[x\\\]\.txt\]\(https:\/\/gl\.example\/p\/odd%20%281%29\)/);
    assert.match(section, /\n<!-- \/relpack:files app -->$/);
  });

  it('replaces its own section on a re-run and keeps the text around it and other packages\' sections', () => {
    const other = filesSection({ name: 'tool', version: '2.0.0' }, files.slice(0, 1));
    const first = withSection(`Notes by a person.\n\n${other}\n\nMore notes.`, 'app', section);
    assert.ok(first.startsWith('Notes by a person.'));
    assert.ok(first.endsWith(section));
    const next = filesSection({ name: 'app', version: '1.0.1' }, files.slice(0, 1));
    const second = withSection(first, 'app', next);
    assert.ok(second.includes(next) && !second.includes('app 1.0.0') && second.includes(other) && second.includes('More notes.'));
    assert.equal(withSection(second, 'app', next), second, 'a re-run with the same files changes nothing');
    assert.equal(withSection('', 'app', section), section);
  });

  it(`lists at most ${MAX_DESCRIBED_FILES} files and says how many more there are`, () => {
    const many = Array.from({ length: MAX_DESCRIBED_FILES + 5 }, (_, i) => ({ fileName: `f${i}`, size: 1, url: `https://x/f${i}` }));
    const text = filesSection({ name: 'big', version: '1' }, many);
    assert.equal(text.split('\n').filter((line) => line.startsWith('| [')).length, MAX_DESCRIBED_FILES);
    assert.match(text, /…and 5 more files/);
  });

  it('keeps a package name from closing the marker comment, and gives two names two markers', () => {
    assert.match(filesSection({ name: 'a-->b', version: '1' }, []), /^<!-- relpack:files a%2D%2D%3Eb -->/);
    const markers = ['a--b', 'a_b', 'a%2D%2Db', 'a-b', 'a b'].map((name) => /^<!-- relpack:files (\S+) -->/.exec(filesSection({ name, version: '1' }, []))![1]);
    assert.equal(new Set(markers).size, markers.length, markers.join(' '));
  });
});

describe('GitLab permanent asset paths (FILEPATH_REGEX, app/models/releases/link.rb)', () => {
  const store = new GitlabReleaseStore({ url: 'http://127.0.0.1:1', project: '1', credential: 'a token' }, new HttpClient({}));
  it('takes the file path as it is when GitLab accepts it', () => {
    assert.deepEqual(store.assetPath('bin/app-linux.tar.gz'), { path: '/bin/app-linux.tar.gz' });
  });
  it('derives a valid path from one GitLab refuses, and says so', () => {
    const derived = store.assetPath('my app+x.zip~');
    assert.equal(derived.path, '/my-app-x.zip');
    assert.match(derived.note ?? '', /GitLab refuses \/my app\+x\.zip~/);
  });
  it('gives none when nothing valid can be made, and says so', () => {
    assert.equal(store.assetPath('a').path, undefined, 'too short: the rule needs four characters');
    assert.equal(store.assetPath(`${'d/'.repeat(70)}file`).path, undefined, 'longer than 128 characters');
    assert.match(store.assetPath('a').note ?? '', /no permanent path/);
  });
});

describe('external-URL assets by server version (Forgejo v9+, never Gitea)', () => {
  for (const [version, expected] of [
    ['9.0.0+gitea-1.22.0', true],
    ['11.0.1+gitea-1.22.0', true],
    ['8.0.3+gitea-1.22.0', false],
    ['1.26.1', false],
    ['1.22.0', false],
  ] as const) {
    it(`${version}: ${expected ? 'yes' : 'no'}`, () => assert.equal(externalAssetsIn(version), expected));
  }
});
