/**
 * Releases of relpack itself: every stamp names package.json's version, the templates name one
 * exact tool and nothing newer than GitLab 17.0 understands, and `npm run release` does what
 * RELEASING.md says, for real, in a clone of this repository (stamps, rebuilt dist/, commit, tag,
 * `--verify`), and refuses what it must.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { ROOT, tempDir } from '../helpers/harness.js';
// @ts-expect-error: a plain .mjs script, typed by its use here
import { checkStamps, linkModules } from '../../scripts/release.mjs';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const IMAGE = `registry.gitlab.com/relpack/relpack:${pkg.version}`;
const TEMPLATES = ['publish', 'download', 'bump'];

test('every stamp (component image, templates, README examples) names package.json\'s version', () => {
  assert.deepEqual(checkStamps(ROOT, pkg.version), []);
});

for (const name of TEMPLATES) {
  test(`templates/${name}.yml: runs exactly relpack ${pkg.version} by default and loads on GitLab 17.0`, () => {
    const text = readFileSync(join(ROOT, 'templates', `${name}.yml`), 'utf8');
    const spec = YAML.parse(text.split(/^---$/m)[0]!) as { spec: Record<string, unknown> & { inputs: Record<string, { default?: string }> } };
    // `spec: component` and `$[[ component.* ]]` need GitLab 18.6.
    assert.deepEqual(Object.keys(spec.spec), ['inputs']);
    assert.doesNotMatch(text, /component\.version|\$\[\[ component\./);
    assert.equal(spec.spec.inputs.image?.default, IMAGE, 'the default image is this release\'s, by exact version');
    assert.equal(spec.spec.inputs.cli?.default, 'relpack', 'the default command is the image\'s relpack');
    // No tool is named without an exact version: no npx, no ranges, no latest, no untagged image.
    assert.doesNotMatch(text, /\bnpx\b|@latest|relpack@[\^~]|relpack@\$|:latest\b/);
    for (const [input, value] of Object.entries(spec.spec.inputs)) {
      if (typeof value.default === 'string' && /\/relpack\/relpack(?::|$)/.test(value.default)) assert.equal(value.default, IMAGE, input);
    }
  });
}

test('action.yml: Marketplace metadata (description under 125 characters, a Feather icon and an allowed colour)', () => {
  const action = YAML.parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { name: string; description: string; branding: { icon: string; color: string } };
  assert.equal(action.name, 'relpack');
  assert.ok(action.description.length < 125, `${action.description.length} characters`);
  assert.equal(action.branding.icon, 'package');
  assert.ok(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'].includes(action.branding.color));
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@relpack.invalid', ...args], { cwd, encoding: 'utf8' }).trim();
}

function release(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, ['scripts/release.mjs', ...args], { cwd, encoding: 'utf8' });
}

test('npm run release: dry run changes nothing; the release stamps, rebuilds, commits and tags; --verify holds the tag to it', async () => {
  const clone = join(await tempDir('relpack-release-'), 'relpack');
  execFileSync('git', ['clone', '-q', ROOT, clone]);
  linkModules(ROOT, clone);
  const head = git(clone, 'rev-parse', 'HEAD');

  for (const [args, message] of [
    [['v9.9.9'], /without the v/],
    [['0.0.1'], /is not after the current version/],
    [['9.9'], /not a semantic version/],
  ] as const) {
    const refused = release(clone, ...args);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, message);
  }

  const dry = release(clone, '9.9.9', '--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^release 9\.9\.9$/m);
  assert.match(dry.stdout, /^\+ {6}default: registry\.gitlab\.com\/relpack\/relpack:9\.9\.9$/m, 'the templates\' stamped image shows');
  assert.equal(git(clone, 'rev-parse', 'HEAD'), head, 'a dry run commits nothing');
  assert.equal(git(clone, 'status', '--porcelain'), '', 'a dry run leaves the tree alone');
  assert.equal(git(clone, 'tag', '--list', '9.9.9'), '');
  assert.equal(git(clone, 'worktree', 'list').split('\n').length, 1, 'the throwaway worktree is gone');

  const real = release(clone, '9.9.9');
  assert.equal(real.status, 0, real.stderr);
  assert.equal(git(clone, 'log', '-1', '--format=%s'), 'release 9.9.9');
  assert.equal(git(clone, 'rev-parse', '9.9.9^{commit}'), git(clone, 'rev-parse', 'HEAD'), 'the tag is on the release commit');
  assert.equal(git(clone, 'status', '--porcelain'), '', 'everything stamped and rebuilt is committed');
  assert.equal(JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).version, '9.9.9');
  for (const name of TEMPLATES) assert.match(readFileSync(join(clone, 'templates', `${name}.yml`), 'utf8'), /default: registry\.gitlab\.com\/relpack\/relpack:9\.9\.9$/m);
  const readme = readFileSync(join(clone, 'README.md'), 'utf8');
  assert.match(readme, /npm install --global relpack@9\.9\.9/);
  assert.match(readme, /relpack\/relpack@v9\b/);
  assert.match(readFileSync(join(clone, 'CHANGELOG.md'), 'utf8'), /^## Unreleased\n\n## 9\.9\.9 \(\d{4}-\d\d-\d\d\)$/m);
  const version = spawnSync(process.execPath, [join(clone, 'dist/relpack.mjs'), '--version'], { encoding: 'utf8' });
  assert.equal(version.stdout, '9.9.9\n', 'dist/ was rebuilt with the new version');
  assert.ok(existsSync(join(clone, 'dist/index.js')));
  const fresh = spawnSync(process.execPath, ['scripts/build.mjs', '--check'], { cwd: clone, encoding: 'utf8' });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.deepEqual(git(clone, 'show', '--format=', '--name-only', 'HEAD', '--', 'dist').split('\n').sort(), ['dist/index.js', 'dist/relpack.mjs'], 'only the embedded version changed in dist/: the same chunks as a fresh install builds');

  assert.equal(release(clone, '--verify', '9.9.9').status, 0);
  const wrongTag = release(clone, '--verify', '9.9.8');
  assert.equal(wrongTag.status, 1);
  assert.match(wrongTag.stderr, /package\.json: version is 9\.9\.9/);
  assert.match(wrongTag.stderr, /templates\/publish\.yml: the image tag is 9\.9\.9, not 9\.9\.8/);

  const again = release(clone, '9.9.9');
  assert.equal(again.status, 2);
  execFileSync('sh', ['-c', 'echo change >> README.md'], { cwd: clone });
  const dirty = release(clone, '9.9.10');
  assert.equal(dirty.status, 2);
  assert.match(dirty.stderr, /work tree has changes/);
});
