// Builds the operator web app (apps/web, a Next.js static export) into apps/web/out when its sources changed.
// Used by `npm start` and the browser tests; the API serves apps/web/out on the same origin as /api and /live.
// A content hash of the web sources and the lockfile is kept in apps/web/out/.build-hash.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'apps', 'web');
const out = path.join(web, 'out');
const SKIP = new Set(['out', '.next', 'node_modules']);

function sourceHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP.has(name)) continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(path.relative(web, full)).update(readFileSync(full));
    }
  };
  walk(web);
  hash.update(readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

/** Builds apps/web unless apps/web/out is up to date. @returns true when it built */
export function ensureWebBuild({ log = (line) => process.stdout.write(`${line}\n`) } = {}) {
  if (!existsSync(path.join(web, 'package.json')) && !existsSync(path.join(web, 'next.config.mjs'))) return false;
  const hash = sourceHash();
  const stamp = path.join(out, '.build-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  log('[web] building the operator app (next build) …');
  const result = spawnSync('npx', ['next', 'build', web], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  writeFileSync(stamp, hash);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWebBuild();
}
