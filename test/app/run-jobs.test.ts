import { describe, expect, it } from 'vitest';
import { runJobs } from '../../src/platform/node/run-jobs.js';
import { createNodeRuntime, nodeSleep } from '../../src/platform/node/runtime.js';
import type { Job } from '../../src/app/jobs.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the Node job runner', () => {
  it('never runs a job while its last run is still going, and keeps running it', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const slow: Job = {
      name: 'slow',
      everyMs: 5,
      run: async () => {
        active++;
        most = Math.max(most, active);
        runs++;
        await pause(40);
        active--;
      },
    };
    const runner = runJobs([slow], () => {});
    await pause(200);
    await runner.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    // Each run took 40 ms, ticks came every 5 ms: the skipped ticks did not pile up.
    expect(runs).toBeLessThanOrEqual(6);
  });

  it('logs a failed run with the job name and tries again at the next tick', async () => {
    const log: string[] = [];
    let runs = 0;
    const flaky: Job = {
      name: 'flaky',
      everyMs: 10,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('database away');
      },
    };
    const runner = runJobs([flaky], (m) => log.push(m));
    await pause(80);
    await runner.stop();
    expect(log.some((m) => m.startsWith('flaky failed: Error: database away'))).toBe(true);
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('runs a job that asks for it at start, long before its interval', async () => {
    let runs = 0;
    const runner = runJobs([{ name: 'eager', everyMs: 60_000, runAtStart: true, run: async () => void runs++ }], () => {});
    await pause(30);
    await runner.stop();
    expect(runs).toBe(1);
  });

  it('stop waits for the run in progress and starts no other', async () => {
    let finished = false;
    let runs = 0;
    const job: Job = {
      name: 'long',
      everyMs: 5,
      run: async () => {
        runs++;
        await pause(50);
        finished = true;
      },
    };
    const runner = runJobs([job], () => {});
    await pause(15);
    await runner.stop();
    expect(finished).toBe(true);
    const after = runs;
    await pause(30);
    expect(runs).toBe(after);
  });
});

describe('the Node runtime', () => {
  it('sleeps, and stops sleeping with the signal’s reason when it aborts', async () => {
    const started = Date.now();
    await nodeSleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);

    const controller = new AbortController();
    const waiting = nodeSleep(10_000, controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    await expect(nodeSleep(10, AbortSignal.abort(new Error('already gone')))).rejects.toThrow('already gone');
  });

  it('logs deferred work that fails, and settle waits for what is still running', async () => {
    const log: string[] = [];
    const runtime = createNodeRuntime({ log: (m) => log.push(m) });
    let done = false;
    runtime.defer(pause(30).then(() => (done = true)));
    runtime.defer(Promise.reject(new Error('cache write failed')));
    await runtime.settle();
    expect(done).toBe(true);
    expect(log.some((m) => m.includes('cache write failed'))).toBe(true);
  });
});
