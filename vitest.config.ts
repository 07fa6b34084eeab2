import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const alias = {
  '@opkernel/kernel/testing': path.resolve(__dirname, 'libs/kernel/src/testing/index.ts'),
  '@opkernel/kernel': path.resolve(__dirname, 'libs/kernel/src/index.ts'),
  '@opkernel/design': path.resolve(__dirname, 'libs/design/src/index.ts'),
  '@opkernel/contracts': path.resolve(__dirname, 'libs/contracts/src/index.ts'),
  '@opkernel/migrations': path.resolve(__dirname, 'migrations/index.ts'),
};

// Three projects: pure unit tests (kernel, design), integration tests against real PostgreSQL/Redis, and browser
// tests (e2e) against the served web app.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias },
  test: {
    projects: [
      {
        plugins: [swc.vite({ module: { type: 'es6' } })],
        resolve: { alias },
        test: { name: 'unit', include: ['libs/**/*.spec.ts'], environment: 'node' },
      },
      {
        // The real API against real PostgreSQL: global-setup migrates a template database once; each test
        // file clones it (CREATE DATABASE … TEMPLATE) and starts its own app on a free port.
        // DATABASE_URL is only used to create/drop databases; without it, embedded PostgreSQL is started.
        plugins: [swc.vite({ module: { type: 'es6' } })],
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['apps/api/test/**/*.integration-spec.ts'],
          environment: 'node',
          globalSetup: ['apps/api/test/global-setup.ts'],
          setupFiles: ['apps/api/test/setup-logging.ts'],
          pool: 'forks',
          maxWorkers: 2,
          // Runs after the unit project (a different maxWorkers needs its own group).
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Browser tests: Chromium (playwright-core) against the app started as `npm start` starts it (built web
        // app served at /, fresh database) by e2e/global-setup.ts. One file at a time: they share that app.
        plugins: [swc.vite({ module: { type: 'es6' } })],
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['e2e/global-setup.ts'],
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
          // After the integration project.
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
