import { defineConfig } from 'vitest/config';

/**
 * The data-plane integration suites again, each test gateway being two
 * replicas that share only PostgreSQL and Redis, behind a round-robin
 * balancer (test/helpers/replica-pair.ts). Needs the PostgreSQL and Redis
 * services the scale-out tests use.
 */
export default defineConfig({
  test: {
    include: ['test/gateway/**/*.test.ts', 'test/cache/**/*.test.ts', 'test/stored-responses/**/*.test.ts'],
    env: { SWITCHBOARD_TEST_REPLICAS: '2' },
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
