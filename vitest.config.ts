import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Hang guards, not speed limits: on a loaded 2-core CI box a spawning test can take minutes, and a test
    // that fails because the machine is busy is a false alarm.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Builds dist/ when src/ changed, and gives uid 65534 a copy of the CLI it can reach (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // CLI tests spawn the built binary; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
