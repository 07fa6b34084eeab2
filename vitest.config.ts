import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const alias = {
  '@opkernel/kernel/testing': path.resolve(__dirname, 'libs/kernel/src/testing/index.ts'),
  '@opkernel/kernel': path.resolve(__dirname, 'libs/kernel/src/index.ts'),
  '@opkernel/design': path.resolve(__dirname, 'libs/design/src/index.ts'),
  '@opkernel/migrations': path.resolve(__dirname, 'migrations/index.ts'),
};

// Two projects: pure unit tests (kernel, design) and integration tests against real PostgreSQL/Redis.
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
    ],
  },
});
