import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'protocol/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Lists skipped tests at the end; with CI set, any skip fails the run (test/support/skips.ts).
    reporters: ['default', './test/support/no-skips-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
