// `npm start`: runs the API from its JavaScript build (dist/api, compiled by scripts/build-api.mjs; no TypeScript
// loader at runtime), building it first when its sources changed, and the operator web app likewise (apps/web/out).
// Without DATABASE_URL the API starts embedded PostgreSQL in .data/pg. Signals are forwarded so the API
// can close its connections and stop PostgreSQL; the exit code is the API's.
// The API runs in its own process group so a terminal Ctrl+C reaches it once (through us), not twice: a second
// signal during Nest's graceful shutdown would kill it before PostgreSQL is stopped.
// OPKERNEL_SKIP_WEB_BUILD=1 / OPKERNEL_SKIP_API_BUILD=1 skip the up-to-date checks (the e2e set-up builds the web
// app itself).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_MAIN, apiBuildIsCurrent } from './build-api.mjs';
import { ensureWebBuild } from './build-web.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The operator web app is served by the API from apps/web/out: build it first when its sources changed.
if (process.env.OPKERNEL_SKIP_WEB_BUILD !== '1') ensureWebBuild();
// The API likewise, in a process of its own: this one stays small while it waits for the API to exit.
if (process.env.OPKERNEL_SKIP_API_BUILD !== '1' && !apiBuildIsCurrent()) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-api.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// Stack traces name the compiled files (readable, one per source). The build writes source maps beside them;
// NODE_OPTIONS=--enable-source-maps maps traces to the TypeScript, at about 10 MB of memory (Node then parses the
// source map of every package that ships one).
const child = spawn(process.execPath, [API_MAIN, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
  detached: true,
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}

child.on('exit', (code, signal) => {
  if (signal) {
    // Re-raise so our parent sees the same termination cause.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
