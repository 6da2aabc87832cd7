#!/usr/bin/env node
// Builds dist/, every file of it from the sources:
//   dist/relpack.mjs    the CLI as one self-contained file (esbuild): the npm package's `bin`, and
//                       what users download and run with `node relpack.mjs` (no node_modules).
//   dist/index.js (+ its chunk and package.json)  the action (ncc), action.yml's `main`.
// Output is reproducible. Everything is built into a temporary folder first; a build then replaces
// dist/ with it (so nothing stale survives), and `--check` instead fails when the committed dist/
// differs from it (a test and CI run it).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const dist = join(root, 'dist');
const SHEBANG = '#!/usr/bin/env node\n';

const target = mkdtempSync(join(tmpdir(), 'relpack-dist-'));
chmodSync(target, 0o755); // mkdtemp's 0700 would be copied onto dist/
try {
  await buildCli(join(target, 'relpack.mjs'));
  if (existsSync(join(root, 'src/action.ts'))) buildAction('src/action.ts', target);
  if (check) {
    const stale = compare(target, dist);
    if (stale.length) {
      console.error(`dist/ is stale (${stale.join(', ')}): run 'npm run build' and commit dist/`);
      process.exitCode = 1;
    } else {
      console.log('dist/ matches the sources');
    }
  } else {
    rmSync(dist, { recursive: true, force: true });
    cpSync(target, dist, { recursive: true });
    for (const name of files(dist)) console.log(`built dist/${name}`);
  }
} finally {
  rmSync(target, { recursive: true, force: true });
}

/**
 * The CLI as one ES module with no chunks, so that the file alone runs on Node 20+. Choices, each
 * measured with `node dist/relpack.mjs --version` against `node -e 0` (start-up is dominated by
 * V8 compiling the whole file, which one file cannot avoid):
 * - Whitespace and syntax are minified, identifiers are not: renaming them made V8's compile of
 *   the file slower (~40 ms against ~28 ms on the build machine), although the file is smaller,
 *   and the real names keep stack traces readable.
 * - No splitting: `import()` of the rest of the CLI (src/bin.ts) becomes a lazily initialised
 *   module, so `--version` runs none of it.
 * - Node built-ins imported by ES modules are turned into lazy `require()`s (lazyBuiltins below):
 *   esbuild would hoist them to static imports at the top of the file, which loads node:http,
 *   node:tls, node:crypto… for `--version` too (~25 ms).
 * - The banner gives bundled CommonJS (undici and others) a `require` for the built-ins.
 * - Symlinks are preserved: module ids in the output are paths relative to the project root, and
 *   a checkout whose node_modules is a symlink (the release test's clone) must build the same bytes.
 */
async function buildCli(outfile) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/bin.ts'],
    outfile,
    write: false,
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    preserveSymlinks: true,
    legalComments: 'eof',
    banner: { js: "import { createRequire as __relpackCreateRequire } from 'node:module';\nconst require = __relpackCreateRequire(import.meta.url);" },
    plugins: [lazyBuiltins(), versionOnlyManifest()],
    logLevel: 'warning',
  });
  let code = result.outputFiles[0].text;
  // esbuild keeps src/bin.ts's shebang above the banner; it must be there for `bin` to run.
  if (!code.startsWith(SHEBANG)) code = SHEBANG + code;
  // All ASCII: one character beyond it (a name in a bundled licence comment) makes Node decode the
  // file, and V8 scan it, as a two-byte string of twice the size, at every start-up. esbuild
  // escapes strings, regular expressions and identifiers itself (charset ascii); what is left is in
  // comments, where the escape is only text. (`--version`: the decode 10 -> 8 ms, the compile
  // 33-54 -> 32-34 ms, in --cpu-prof of three runs each.)
  // Per UTF-16 unit (`\uXXXX`, surrogates apart), the escape every kind of literal reads alike.
  code = code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  mkdirSync(join(outfile, '..'), { recursive: true });
  writeFileSync(outfile, code);
  chmodSync(outfile, 0o755);
}

/** `import … from 'node:x'` in an ES module becomes a CommonJS module that requires it when first initialised. */
function lazyBuiltins() {
  return {
    name: 'lazy-builtins',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) =>
        args.kind === 'import-statement' && isBuiltin(args.path) ? { path: args.path, namespace: 'lazy-builtin' } : undefined,
      );
      esbuild.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

/**
 * The sources read only `version` from package.json (src/bin.ts, src/cli.ts). esbuild would embed
 * the whole manifest (scripts, devDependencies…), and every edit of it would make dist/ stale.
 */
function versionOnlyManifest() {
  const manifest = join(root, 'package.json');
  return {
    name: 'version-only-manifest',
    setup(esbuild) {
      esbuild.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
        if (args.path !== manifest) return undefined;
        const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  };
}

/** The action with ncc, into `out` (its index.js, a chunk and a package.json marking them ESM). */
function buildAction(entry, out) {
  // ncc empties its output folder, so it builds apart and is copied into place.
  const scratch = mkdtempSync(join(tmpdir(), 'relpack-ncc-'));
  chmodSync(scratch, 0o755);
  try {
    execFileSync(join(root, 'node_modules/.bin/ncc'), ['build', esmEntry(entry), '-o', scratch, '--minify', '--transpile-only', '--no-source-map-register', '--quiet', '--target', 'es2022'], { stdio: 'inherit', cwd: root });
    cpSync(scratch, out, { recursive: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * ncc transpiles TypeScript with the nearest tsconfig.json above the entry, and with the
 * project's `module: NodeNext` it emits CommonJS, which resolves ESM-only packages
 * (@actions/core, @actions/exec) under the `require` condition and fails. So each entry is reached
 * through a one-line stub in .tmp/ncc/ whose tsconfig asks for ES modules (the type check still
 * uses the root tsconfig).
 */
function esmEntry(entry) {
  const dir = join(root, '.tmp/ncc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler', esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true } }, null, 2) + '\n');
  const stub = join(dir, entry.replace(/[/\\]/g, '-'));
  writeFileSync(stub, `import '../../${entry.replace(/\.ts$/, '.js')}';\n`);
  return stub;
}

function files(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
    });
}

/** Files that differ in content or in the executable bit (`bin` needs it), or exist on one side only. */
function compare(built, committed) {
  const names = new Set([...files(built), ...files(committed)]);
  return [...names].filter((name) => {
    const a = join(built, name);
    const b = join(committed, name);
    if (!existsSync(a) || !existsSync(b)) return true;
    return !readFileSync(a).equals(readFileSync(b)) || (statSync(a).mode & 0o111) !== (statSync(b).mode & 0o111);
  });
}
