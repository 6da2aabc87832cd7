#!/usr/bin/env node
// Bundles each shell into one self-contained file with ncc: the CLI (dist/cli/index.js, the
// package's `bin`) and, once it exists, the action (dist/index.js, action.yml's `main`).
// Output is reproducible; `--check` builds into a temporary folder and fails when the committed
// dist/ differs from what the sources build to (a test and CI run it).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const ncc = join(root, 'node_modules/.bin/ncc');
const bundles = [
  { entry: 'src/bin.ts', out: 'cli', executable: true },
  { entry: 'src/action.ts', out: '.', optional: true },
];

const target = check ? mkdtempSync(join(tmpdir(), 'relpack-dist-')) : join(root, 'dist');
try {
  for (const bundle of bundles) {
    if (bundle.optional && !existsSync(join(root, bundle.entry))) continue;
    // ncc empties its output folder, so each bundle is built apart and copied into place.
    const scratch = mkdtempSync(join(tmpdir(), 'relpack-ncc-'));
    execFileSync(ncc, ['build', esmEntry(bundle.entry), '-o', scratch, '--minify', '--transpile-only', '--no-source-map-register', '--quiet', '--target', 'es2022'], { stdio: 'inherit', cwd: root });
    const file = join(scratch, 'index.js');
    if (bundle.executable) {
      const code = readFileSync(file, 'utf8');
      if (!code.startsWith('#!')) writeFileSync(file, `#!/usr/bin/env node\n${code}`);
      chmodSync(file, 0o755);
    }
    const out = join(target, bundle.out);
    if (!check && bundle.out !== '.') rmSync(out, { recursive: true, force: true });
    chmodSync(scratch, 0o755);
    cpSync(scratch, out, { recursive: true });
    rmSync(scratch, { recursive: true, force: true });
    if (!check) console.log(`built ${relative(root, join(out, 'index.js'))}`);
  }
  if (check) {
    const stale = compare(target, join(root, 'dist'));
    if (stale.length) {
      console.error(`dist/ is stale (${stale.join(', ')}): run 'npm run build' and commit dist/`);
      process.exitCode = 1;
    } else {
      console.log('dist/ matches the sources');
    }
  }
} finally {
  if (check) rmSync(target, { recursive: true, force: true });
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
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });
}

function compare(built, committed) {
  const names = new Set([...files(built), ...files(committed)]);
  return [...names].filter((name) => {
    const a = join(built, name);
    const b = join(committed, name);
    return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
  });
}
