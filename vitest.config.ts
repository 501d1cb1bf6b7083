import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Workers suite runs on its own Worker under wrangler dev (vitest.workers.config.ts).
    exclude: ['**/node_modules/**', 'test/workers/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on random ports; files run in parallel, tests inside one file in order.
    pool: 'forks',
    // Two files at a time even on two cores (Vitest's default is one fewer than the cores: one at a time there):
    // most of a file's time is spent waiting on its servers and child processes, not on the CPU.
    maxWorkers: 2,
  },
});
