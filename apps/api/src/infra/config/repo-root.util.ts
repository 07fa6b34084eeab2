import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds the monorepo root (the nearest directory holding `nx.json`), starting at `start` and walking up.
 * Falls back to `start` when none is found.
 */
export function findRepoRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

/** `<repo>/.data`, where embedded PostgreSQL and generated secrets live (git-ignored). */
export function defaultDataDir(): string {
  return path.join(findRepoRoot(), '.data');
}
