import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    // CLI tests spawn the built binary; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
