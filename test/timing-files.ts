/**
 * Test files that measure time (a deadline met, a first byte before the
 * rest, a lease that expires, a drain cut on time) or hold a machine-wide
 * resource for a timed window. They run one at a time after the rest
 * (vitest.timing.config.ts), so the rest can be run several files at once
 * (vitest.config.ts) without a neighbour's CPU making these fail.
 * A new test that asserts on elapsed time belongs here.
 */
export const TIMING_FILES = [
  'test/admin/performance.test.ts',
  'test/app/drain.test.ts',
  'test/crash/**/*.test.ts',
  'test/dashboard/performance-page.test.ts',
  'test/fuzz/bounded-work.test.ts',
  'test/gateway/disconnect.test.ts',
  'test/gateway/routing-tiers.test.ts',
  'test/limits/**/*.test.ts',
  'test/pools/replicas-health.test.ts',
  'test/security/slow-clients.test.ts',
  'test/shared-state/**/*.test.ts',
  'test/store/counters.conformance.test.ts',
  'test/store/locks.conformance.test.ts',
  'test/unit/load-tokenizer.test.ts',
];
