import { defineConfig } from 'vitest/config';

/**
 * The Workers suite (test/workers/): black-box tests over HTTP against the
 * Worker under `wrangler dev` with local D1 and Durable Objects, started once
 * for the run by test/workers/setup.ts. SWITCHBOARD_WORKERS_TARGET=node runs
 * the same tests on the Node gateway, to tell a wrong test from a Worker bug.
 */
export default defineConfig({
  test: {
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
