import { defineConfig } from 'vitest/config';

// The normal test run must stay within a few minutes on 2 cores; long campaigns live in
// the CLI and bench/. Property tests use fixed seeds so a run is reproducible.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
