import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest ancestor of this file holding `nx.json`. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * Test helper: absolute path of an erpsys fixture file, e.g. `erpsysFixturePath('backup.json')`.
 * Looks in `<repo root>/../shared/fixtures/erpsys/` (the shared reference material), then in a copy at
 * `<repo root>/fixtures/erpsys/`.
 * @throws {Error} when neither exists.
 */
export function erpsysFixturePath(file: string): string {
  const root = repoRoot();
  const candidates = [
    path.resolve(root, '..', 'shared', 'fixtures', 'erpsys', file),
    path.resolve(root, 'fixtures', 'erpsys', file),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`erpsys fixture ${file} not found in ${candidates.join(' or ')}`);
  return found;
}

/** Parsed fixture rows (a fresh copy on every call, so tests may mutate them). */
export function loadErpsysFixture(file: 'backup.json' | 'business_define.json'): unknown[] {
  return JSON.parse(readFileSync(erpsysFixturePath(file), 'utf8')) as unknown[];
}
