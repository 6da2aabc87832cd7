/**
 * The import graph of src/: imports go down the layers only, and no module imports itself round a
 * cycle. Every `import`, `export … from` and `import()` with a relative specifier is read with
 * TypeScript's own pre-processor (type-only imports count: a type is a dependency too).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

/** A layer that may be used only for some of its files (a path pattern, relative to the root). */
interface NarrowUse {
  layer: string;
  only: RegExp;
  why: string;
}

/**
 * The layers, bottom to top (docs: the conventions' "One core, three thin shells"). A layer may
 * import its own files and the layers in `uses`, nothing else. The longest matching path decides a
 * file's layer; a file under src/ that no path matches fails the test, so a new folder is placed
 * here on purpose.
 */
const LAYERS: Record<string, { paths: string[]; uses: (string | NarrowUse)[] }> = {
  base: { paths: ['src/base/'], uses: [] },
  http: { paths: ['src/http/'], uses: ['base'] },
  registry: { paths: ['src/registry/'], uses: ['base', 'http'] },
  core: { paths: ['src/core/'], uses: ['base', 'http', 'registry'] },
  server: {
    paths: ['src/server/'],
    uses: ['base', 'http', { layer: 'registry', only: /^src\/registry\/[^/]+-names\.ts$/, why: 'the registries\' name rules, which the server enforces as the real ones do' }],
  },
  options: { paths: ['src/options/'], uses: ['base', 'http', 'registry', 'core'] },
  operations: { paths: ['src/operations/'], uses: ['base', 'http', 'registry', 'core', 'options'] },
  // The CLI alone reaches the server, for `relpack serve`.
  cli: { paths: ['src/cli.ts', 'src/cli/'], uses: ['base', 'http', 'registry', 'core', 'options', 'operations', 'server'] },
  action: { paths: ['src/action/'], uses: ['base', 'http', 'registry', 'core', 'options', 'operations'] },
  entry: { paths: ['src/bin.ts', 'src/action.ts'], uses: ['base', 'http', 'registry', 'core', 'server', 'options', 'operations', 'cli', 'action'] },
};

const ROOT = resolve(import.meta.dirname, '../..');

interface ImportEdge {
  from: string;
  line: number;
  specifier: string;
  /** Root-relative path of the imported module, `/`-separated. */
  to: string;
}

type Graph = Map<string, ImportEdge[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const posix = (path: string) => path.split(sep).join('/');

/** `./x.js` -> `src/…/x.ts` (or `x/index.ts`); undefined for what is not a module of src/. */
function resolveSpecifier(fromFile: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = posix(relative(ROOT, resolve(ROOT, dirname(fromFile), specifier)));
  const stem = target.replace(/\.(js|ts|mjs|mts)$/, '');
  return [`${stem}.ts`, `${stem}.mts`, `${stem}/index.ts`, target].find((candidate) => known.has(candidate));
}

function readGraph(root: string, files: string[]): Graph {
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const edges: ImportEdge[] = [];
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const specifier = imported.fileName;
      const to = resolveSpecifier(file, specifier, known);
      // Packages, node: modules and ../package.json are outside the graph; a relative module that
      // does not resolve would be a hole in it.
      if (to === undefined) {
        if (specifier.startsWith('.') && !specifier.endsWith('.json')) throw new Error(`${file}: cannot resolve ${specifier}`);
        continue;
      }
      edges.push({ from: file, line: text.slice(0, imported.pos).split('\n').length, specifier, to });
    }
    graph.set(file, edges);
  }
  return graph;
}

function layerOf(file: string): string | undefined {
  let best: { layer: string; length: number } | undefined;
  for (const [layer, { paths }] of Object.entries(LAYERS)) {
    for (const path of paths) {
      const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (matches && (!best || path.length > best.length)) best = { layer, length: path.length };
    }
  }
  return best?.layer;
}

/** Whether `upper` sits (directly or through others) on `lower`. */
function sitsOn(upper: string, lower: string, seen = new Set<string>()): boolean {
  if (seen.has(upper)) return false;
  seen.add(upper);
  return LAYERS[upper].uses.some((use) => {
    const name = typeof use === 'string' ? use : use.layer;
    return name === lower || sitsOn(name, lower, seen);
  });
}

/** Every import that goes up (or sideways) the layer table, one message each. */
function layerViolations(graph: Graph): string[] {
  const problems: string[] = [];
  for (const [file, edges] of graph) {
    const source = layerOf(file);
    if (!source) {
      problems.push(`${file} is in no layer: add its folder to LAYERS in test/architecture/imports.test.ts`);
      continue;
    }
    for (const edge of edges) {
      const target = layerOf(edge.to);
      if (!target || target === source) continue;
      const use = LAYERS[source].uses.find((u) => (typeof u === 'string' ? u : u.layer) === target);
      if (typeof use === 'string') continue;
      if (use?.only.test(edge.to)) continue;
      const allowed = LAYERS[source].uses.map((u) => (typeof u === 'string' ? u : `${u.layer} (only ${u.why})`)).join(', ') || 'nothing';
      const what = use ? `uses more of ${target} than ${source} may` : sitsOn(target, source) ? 'goes up' : 'goes sideways';
      problems.push(`${file}:${edge.line} imports ${edge.to}: ${source} -> ${target} ${what} (${source} may import ${allowed})`);
    }
  }
  return problems;
}

/** Each cycle of modules, as a path that returns to its start (one per strongly connected group). */
function findCycles(graph: Graph): string[][] {
  // Tarjan's strongly connected components; a group of two or more modules, or a module that
  // imports itself, holds a cycle.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const targets = (file: string) => [...new Set((graph.get(file) ?? []).map((edge) => edge.to))];
  const visit = (file: string) => {
    indices.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of targets(file)) {
      if (!indices.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, indices.get(next)!));
      }
    }
    if (low.get(file) === indices.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || targets(file).includes(file)) groups.push(group);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!indices.has(file)) visit(file);
  return groups.map((group) => cyclePath(group.sort()[0], new Set(group), targets));
}

/** The shortest way from `start` back to itself inside its group (breadth first). */
function cyclePath(start: string, group: Set<string>, targets: (file: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of targets(file)) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = file; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const files = sourceFiles(join(ROOT, 'src')).map((path) => posix(relative(ROOT, path)));
const graph = readGraph(ROOT, files);

test('every import in src/ goes down the layers (base, http, registry, core, options/operations, cli/action, entry; server beside core)', () => {
  assert.ok(graph.size > 50, `read ${graph.size} modules`);
  const problems = layerViolations(graph);
  assert.deepEqual(problems, [], `imports against the layer table:\n${problems.join('\n')}`);
});

test('no module of src/ imports itself through a cycle', () => {
  const cycles = findCycles(graph);
  assert.deepEqual(cycles.map((cycle) => cycle.join(' -> ')), [], 'import cycles');
});

test('the checks catch an upward import, a sideways one, a narrowed layer used beyond its files, and a cycle', () => {
  const edge = (from: string, to: string, line = 1): ImportEdge => ({ from, to, line, specifier: to });
  const planted: Graph = new Map([
    ['src/registry/gitlab.ts', [edge('src/registry/gitlab.ts', 'src/core/publish.ts', 7)]],
    ['src/core/publish.ts', [edge('src/core/publish.ts', 'src/core/transfer.ts')]],
    ['src/core/transfer.ts', [edge('src/core/transfer.ts', 'src/core/publish.ts')]],
    ['src/action/run.ts', [edge('src/action/run.ts', 'src/cli.ts', 3)]],
    ['src/server/router.ts', [edge('src/server/router.ts', 'src/registry/gitlab-names.ts'), edge('src/server/router.ts', 'src/registry/gitlab.ts', 9)]],
    ['src/new-folder/x.ts', []],
  ]);
  const problems = layerViolations(planted);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0], /^src\/registry\/gitlab\.ts:7 imports src\/core\/publish\.ts: registry -> core goes up \(registry may import base, http\)$/);
  assert.match(problems[1], /^src\/action\/run\.ts:3 imports src\/cli\.ts: action -> cli goes sideways/);
  assert.match(problems[2], /^src\/server\/router\.ts:9 imports src\/registry\/gitlab\.ts: server -> registry uses more of registry than server may/);
  assert.match(problems[3], /^src\/new-folder\/x\.ts is in no layer/);
  assert.deepEqual(findCycles(planted), [['src/core/publish.ts', 'src/core/transfer.ts', 'src/core/publish.ts']]);
});

/**
 * Core works through the RegistryAdapter contract (src/registry/types.ts): it never asks which
 * flavour it talks to and never reaches the adapter's HTTP client. Read as syntax, so comments and
 * strings may still name them.
 */
test('src/core/ never reads .flavour or .http of anything', () => {
  const problems: string[] = [];
  for (const file of files.filter((f) => f.startsWith('src/core/'))) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      const name = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression) ? node.argumentExpression.text : undefined;
      if (name === 'flavour' || name === 'http') {
        problems.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`);
      }
      if (ts.isBindingElement(node) && ['flavour', 'http'].includes((node.propertyName ?? node.name).getText())) {
        problems.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: destructures ${node.getText()}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(problems, [], 'core must ask the adapter (replaceFile, unlistedUploads, validateName, retrying) instead');
});
