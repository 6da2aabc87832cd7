/**
 * Checks that read every tracked file of the repository (paths and lines), for repository-wide
 * rules: the old product name is gone, citations point inside the repository's reach.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.js';

/**
 * `path` for a tracked path that `find` matches, `path:line: found` for each matching line.
 * `find` returns what it found (for the message), or undefined. Files deleted in the work tree
 * but not yet committed are skipped.
 */
export function findInTrackedFiles(find: (text: string) => string | undefined, options: { skip?: (path: string) => boolean } = {}): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && !options.skip?.(file));
  const hits: string[] = [];
  for (const file of files) {
    const inPath = find(file);
    if (inPath !== undefined) hits.push(`${file} (path: ${inPath})`);
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'latin1');
    } catch {
      continue;
    }
    text.split('\n').forEach((line, i) => {
      const found = find(line);
      if (found !== undefined) hits.push(`${file}:${i + 1}: ${found}`);
    });
  }
  return hits;
}
