// `npm start`: runs the API from its TypeScript sources (SWC via scripts/register.cjs).
// Without DATABASE_URL the API starts embedded PostgreSQL in .data/pg. Signals are forwarded so the API
// can close its connections and stop PostgreSQL; the exit code is the API's.
// The API runs in its own process group so a terminal Ctrl+C reaches it once (through us), not twice: a second
// signal during Nest's graceful shutdown would kill it before PostgreSQL is stopped.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './build-web.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The operator web app is served by the API from apps/web/out: build it first when its sources changed.
if (process.env.OPKERNEL_SKIP_WEB_BUILD !== '1') ensureWebBuild();
const child = spawn(
  process.execPath,
  ['-r', './scripts/register.cjs', 'apps/api/src/main.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: process.env, detached: true },
);

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
