import { defineConfig } from 'vitest/config';
import { TIMING_FILES } from './test/timing-files.js';

/** The main suite's files that measure time (test/timing-files.ts says which and why), one at a time. */
export default defineConfig({
  test: {
    include: TIMING_FILES,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
