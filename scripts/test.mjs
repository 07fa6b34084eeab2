// `npm test`: runs every Vitest project (unit + integration) once.
// Without DATABASE_URL, starts embedded PostgreSQL (.data/pg-test, port 54330 unless taken) through
// apps/api/src/cli/embedded-db.ts, exports its URL to Vitest, and stops it afterwards.
// Extra arguments go to `vitest run` (e.g. `npm test -- --project integration`). Exit code = Vitest's.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
let database = null;

if (!env.DATABASE_URL) {
  database = spawn(
    process.execPath,
    [
      '-r',
      './scripts/register.cjs',
      'apps/api/src/cli/embedded-db.ts',
      '--data-dir',
      '.data/pg-test',
      '--port',
      '54330',
      '--database',
      'postgres',
    ],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' },
    },
  );
  env.DATABASE_URL = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: database.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('DATABASE_URL=')) resolve(line.slice('DATABASE_URL='.length));
      else process.stdout.write(`${line}\n`);
    });
    database.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited early (code ${code})`)));
  }).catch((error) => {
    console.error(`[test] ${error.message}`);
    process.exit(1);
  });
  const { port } = new URL(env.DATABASE_URL);
  console.log(`[test] embedded PostgreSQL on 127.0.0.1:${port} (.data/pg-test)`);
}

async function stopDatabase() {
  if (!database || database.exitCode !== null) return;
  const exited = new Promise((resolve) => database.once('exit', resolve));
  database.stdin.end(); // embedded-db.ts stops PostgreSQL when stdin closes
  const timer = setTimeout(() => database.kill('SIGTERM'), 15_000);
  await exited;
  clearTimeout(timer);
}

// The JSON report gives the closing summary line CI reads ("N passed, N failed"): Vitest's own is not parsed there.
const report = path.join(root, '.data', 'vitest-report.json');
mkdirSync(path.dirname(report), { recursive: true });
rmSync(report, { force: true });
const vitest = spawn(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (vitest.exitCode === null) vitest.kill(signal);
  });
}
const code = await new Promise((resolve) =>
  vitest.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
);
await stopDatabase();
let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error('[test] no Vitest report was written');
}
if (summary) {
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`tests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`);
  if (summary.numTotalTests === 0) {
    console.error('[test] no test ran');
    process.exit(1);
  }
}
process.exit(code);
