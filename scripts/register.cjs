// Runs TypeScript sources directly (SWC, with decorator metadata and tsconfig paths) for `npm start`,
// `npm run journey` and the benchmarks. Tests use Vitest + unplugin-swc instead.
process.env.SWC_NODE_PROJECT =
  process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('reflect-metadata');
require('@swc-node/register');
