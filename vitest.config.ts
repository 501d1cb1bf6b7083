import { defineConfig } from 'vitest/config';
import { TIMING_FILES } from './test/timing-files.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Workers suite runs on its own Worker under wrangler dev (vitest.workers.config.ts); the files that measure
    // time run alone after this suite (vitest.timing.config.ts).
    exclude: ['**/node_modules/**', 'test/workers/**', ...TIMING_FILES],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on random ports; two files run at once (most wait on sockets and child
    // processes more than they compute), tests inside one file in order.
    pool: 'forks',
    maxWorkers: 2,
    // A worker keeps its loaded modules from one file to the next: loading the gateway's modules again for each file
    // was a third of the suite's time. Tests mock no module and stub no global, so a file sees nothing of the last one
    // but what src/ keeps at module level (the tokenizer once built, caches keyed by objects).
    isolate: false,
  },
});
