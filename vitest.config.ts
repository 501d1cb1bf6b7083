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
  },
});
