import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    // Builds dist/ when src/ changed, and gives uid 65534 a copy of the CLI it can reach (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // CLI tests spawn the built binary; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
