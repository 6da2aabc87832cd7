#!/usr/bin/env node
/**
 * Cuts a release of relpack itself (RELEASING.md says the whole flow):
 *
 *   npm run release -- X.Y.Z            stamp, rebuild, commit "release X.Y.Z", tag X.Y.Z
 *   npm run release -- X.Y.Z --dry-run  the same in a throwaway worktree; prints what it stamped
 *   node scripts/release.mjs --verify X.Y.Z
 *                                       the tag pipeline's check: every stamp names X.Y.Z
 *
 * The version goes into package.json (and the lock file), the component's default image
 * (component.yml, and from it the templates' `spec:`), the README's install and usage examples,
 * and CHANGELOG.md; dist/ is rebuilt because the bundles embed the version. The tag has no `v`:
 * GitLab's CI/CD catalog only publishes tags that are plain semantic versions.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?$/;
const V = '\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?';

/**
 * Every place that names the released version, as a pattern whose group 1 is the version.
 * `major: true` places name `v<major>` (the action's moving tag).
 */
export const STAMPS = [
  // Any image of relpack's: the default in component.yml and the templates, and the README's
  // `docker run` and mirroring examples.
  { files: ['component.yml', 'templates/*.yml', 'README.md'], pattern: new RegExp(`/relpack:(${V})(?![\\w.-])`, 'g'), what: 'the image tag' },
  { files: ['README.md'], pattern: new RegExp(`(?<![/\\w-])relpack@(${V})(?![\\w.-])`, 'g'), what: 'the npm version' },
  { files: ['README.md'], pattern: new RegExp(`relpack/(?:publish|download|bump)@(${V})(?![\\w.-])`, 'g'), what: 'the component version' },
  { files: ['README.md'], pattern: new RegExp(`/packages/generic/relpack/(${V})(?![\\w.-])`, 'g'), what: 'the one-file CLI in the package registry' },
  { files: ['README.md'], pattern: new RegExp(`/releases/download/v(${V})/`, 'g'), what: 'the one-file CLI on GitHub' },
  { files: ['README.md'], pattern: new RegExp(`relpack/relpack@v(${V})(?![\\w.-])`, 'g'), what: "the action's release tag" },
  { files: ['README.md'], pattern: /relpack\/relpack@v(\d+)(?![\d.])/g, what: "the action's major tag", major: true },
];

/** The stamped files that exist, expanded from the `templates/*.yml` form. */
function stampedFiles(root, stamp) {
  return stamp.files.flatMap((file) => {
    if (!file.includes('*')) return existsSync(join(root, file)) ? [file] : [];
    const [dir, suffix] = file.split('/*');
    return execFileSync('git', ['ls-files', dir], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f.endsWith(suffix));
  });
}

const majorOf = (version) => version.split('.')[0];

/** Each stamp that does not name `version`: `file: what (found)`. Empty when all agree. */
export function checkStamps(root, version) {
  const problems = [];
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (pkg.version !== version) problems.push(`package.json: version is ${pkg.version}`);
  for (const stamp of STAMPS) {
    const want = stamp.major ? majorOf(version) : version;
    let seen = 0;
    for (const file of stampedFiles(root, stamp)) {
      for (const match of readFileSync(join(root, file), 'utf8').matchAll(stamp.pattern)) {
        seen++;
        if (match[1] !== want) problems.push(`${file}: ${stamp.what} is ${match[1]}, not ${want}`);
      }
    }
    if (seen === 0) problems.push(`${stamp.files.join(', ')}: ${stamp.what} is named nowhere`);
  }
  return problems;
}

/** Writes `version` into every stamp, package.json, the lock file and the changelog. */
function stamp(root, version, today) {
  for (const stamp of STAMPS) {
    const want = stamp.major ? majorOf(version) : version;
    for (const file of stampedFiles(root, stamp)) {
      const path = join(root, file);
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replace(stamp.pattern, (whole, found) => whole.replace(found, want)));
    }
  }
  for (const file of ['package.json', 'package-lock.json']) {
    const path = join(root, file);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.version = version;
    if (json.packages?.['']) json.packages[''].version = version;
    writeFileSync(path, JSON.stringify(json, null, 2) + '\n');
  }
  const changelog = join(root, 'CHANGELOG.md');
  const text = readFileSync(changelog, 'utf8');
  if (!/^## Unreleased$/m.test(text)) throw new ReleaseError('CHANGELOG.md has no "## Unreleased" section to release');
  writeFileSync(changelog, text.replace(/^## Unreleased$/m, `## Unreleased\n\n## ${version} (${today})`));
}

class ReleaseError extends Error {}

function git(root, ...args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function run(root, script, ...args) {
  execFileSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

function compare(a, b) {
  const [x, y] = [a, b].map((v) => SEMVER.exec(v).slice(1, 4).map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  const [pa, pb] = [SEMVER.exec(a)[4], SEMVER.exec(b)[4]];
  if (pa === pb) return 0;
  if (!pa) return 1;
  if (!pb) return -1;
  return pa < pb ? -1 : 1;
}

/** Stamps, regenerates, rebuilds and commits in `root`; tags unless `tag` is false. */
export function release(root, version, { tag = true, today = new Date().toISOString().slice(0, 10) } = {}) {
  if (!SEMVER.test(version)) {
    throw new ReleaseError(`${JSON.stringify(version)} is not a semantic version X.Y.Z${version.startsWith('v') ? ': write it without the v (the CI/CD catalog refuses tags with one)' : ''}`);
  }
  const current = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  if (compare(version, current) <= 0) throw new ReleaseError(`${version} is not after the current version ${current}`);
  if (git(root, 'status', '--porcelain')) throw new ReleaseError('the work tree has changes: commit or stash them first, a release is made from a clean tree');
  if (git(root, 'tag', '--list', version)) throw new ReleaseError(`tag ${version} exists already`);

  stamp(root, version, today);
  run(root, 'generate-interface.mjs');
  run(root, 'build.mjs');
  const problems = checkStamps(root, version);
  if (problems.length) throw new ReleaseError(`stamping left ${problems.length} place(s) behind:\n  ${problems.join('\n  ')}`);
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=relpack release', '-c', 'user.email=release@relpack.invalid', 'commit', '-q', '-m', `release ${version}`);
  if (tag) git(root, '-c', 'user.name=relpack release', '-c', 'user.email=release@relpack.invalid', 'tag', '-a', version, '-m', `relpack ${version}`);
}

/**
 * The checkout's node_modules in another tree, as hard links (a copy where the file system will
 * not link). Not a symlink: ncc names the action's chunk after the modules' real path, so a
 * symlinked node_modules would build a dist/ that differs from the one `npm ci` gives.
 */
export function linkModules(from, to) {
  if (!existsSync(join(from, 'node_modules'))) return;
  try {
    execFileSync('cp', ['-al', join(from, 'node_modules'), join(to, 'node_modules')], { stdio: 'ignore' });
  } catch {
    execFileSync('cp', ['-a', join(from, 'node_modules'), join(to, 'node_modules')], { stdio: 'ignore' });
  }
}

/** The release in a throwaway worktree of HEAD: returns what changed, leaves this tree alone. */
function dryRun(version) {
  const dir = mkdtempSync(join(tmpdir(), 'relpack-release-'));
  const worktree = join(dir, 'tree');
  git(ROOT, 'worktree', 'add', '--detach', '-q', worktree, 'HEAD');
  try {
    linkModules(ROOT, worktree);
    release(worktree, version, { tag: false });
    const stat = git(worktree, 'show', '--stat', '--format=%s', 'HEAD');
    const templates = git(worktree, 'show', '--format=', 'HEAD', '--', 'component.yml', 'templates', 'README.md', 'CHANGELOG.md');
    return `${stat}\n\n${templates}\n`;
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(argv) {
  const args = argv.filter((a) => !a.startsWith('--'));
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const unknown = [...flags].filter((f) => !['--dry-run', '--verify'].includes(f));
  if (args.length !== 1 || unknown.length) {
    console.error('usage: npm run release -- X.Y.Z [--dry-run]  |  node scripts/release.mjs --verify X.Y.Z');
    return 2;
  }
  const version = args[0];
  try {
    if (flags.has('--verify')) {
      const problems = checkStamps(ROOT, version);
      if (!/^## \S+/m.test(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')) || !new RegExp(`^## ${version.replace(/\./g, '\\.')} `, 'm').test(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'))) {
        problems.push(`CHANGELOG.md: no "## ${version}" section`);
      }
      if (problems.length) {
        console.error(`relpack release: the tree does not say ${version}:\n  ${problems.join('\n  ')}\nTag only a commit made by 'npm run release -- ${version}'.`);
        return 1;
      }
      console.log(`every stamp names ${version}`);
      return 0;
    }
    if (flags.has('--dry-run')) {
      process.stdout.write(dryRun(version));
      console.log(`dry run: nothing was committed or tagged here; 'npm run release -- ${version}' does it`);
      return 0;
    }
    release(ROOT, version);
    console.log(`released ${version}: commit and tag made. Push both: git push origin HEAD ${version}`);
    return 0;
  } catch (error) {
    if (error instanceof ReleaseError) {
      console.error(`relpack release: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
