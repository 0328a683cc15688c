import { defineConfig } from 'vitest/config';

// The end-to-end suite against real OpenClaw gateways (test/e2e, docs/e2e-notes.md): `npm run test:e2e`.
// One file at a time: every file starts real gateways, and the CI box has 2 cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
