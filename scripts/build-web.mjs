// Builds the operator web app (apps/web, a Next.js static export) into apps/web/out when its sources changed.
// Used by `npm start` and the browser tests; the API serves apps/web/out on the same origin as /api and /live.
// A content hash of the web sources and the lockfile is kept in apps/web/out/.build-hash.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

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
  hash.update(readFileSync(fileURLToPath(import.meta.url))); // a change of this script's output rebuilds too
  return hash.digest('hex');
}

/** Text files worth compressing; smaller ones are sent as they are. */
const COMPRESSIBLE = /\.(?:js|css|html|json|svg|txt|map|ico|webmanifest)$/;
const MIN_COMPRESS_BYTES = 1024;

/**
 * Writes `<file>.br` (brotli, best quality) and `<file>.gz` (gzip -9) beside every compressible file of `dir`, for
 * the API to send precompressed (apps/api/src/bootstrap/web-app-static.ts): compressed once at build time, never
 * per request. @returns the bytes before and after (brotli) of every file compressed
 */
export function precompress(dir = out) {
  let before = 0;
  let after = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (COMPRESSIBLE.test(name) && statSync(full).size >= MIN_COMPRESS_BYTES) {
        const content = readFileSync(full);
        const br = brotliCompressSync(content, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
            [zlib.BROTLI_PARAM_SIZE_HINT]: content.length,
          },
        });
        writeFileSync(`${full}.br`, br);
        writeFileSync(`${full}.gz`, gzipSync(content, { level: 9 }));
        before += content.length;
        after += br.length;
      }
    }
  };
  walk(dir);
  return { before, after };
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
  const { before, after } = precompress();
  log(`[web] precompressed ${Math.round(before / 1024)} KiB to ${Math.round(after / 1024)} KiB (brotli)`);
  writeFileSync(stamp, hash);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWebBuild();
}
