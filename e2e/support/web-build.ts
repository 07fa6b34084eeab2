import path from 'node:path';
import { ROOT } from './paths';

type BuildWebModule = { ensureWebBuild(options?: { log?: (line: string) => void }): boolean };

/**
 * `ensureWebBuild()` of scripts/build-web.mjs: builds apps/web into apps/web/out (next build) unless it is up to
 * date. Works under Vitest (its module runner imports the ES module) and under @swc-node/register, where the
 * `import()` becomes `require()` of an ES module (Node >= 20.19). @returns true when it built
 */
export async function ensureWebBuild(log?: (line: string) => void): Promise<boolean> {
  const mod = (await import(/* @vite-ignore */ path.join(ROOT, 'scripts', 'build-web.mjs'))) as BuildWebModule;
  return mod.ensureWebBuild(log ? { log } : undefined);
}
