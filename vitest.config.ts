import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const alias = {
  '@opkernel/kernel/testing': path.resolve(__dirname, 'libs/kernel/src/testing/index.ts'),
  '@opkernel/kernel': path.resolve(__dirname, 'libs/kernel/src/index.ts'),
  '@opkernel/design': path.resolve(__dirname, 'libs/design/src/index.ts'),
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
    ],
  },
});
