import type { Job } from '../../app/jobs.js';
import { failureLog, type FailureLog } from '../../runtime/failure-log.js';

export interface JobRunner {
  /** Stops the timers and waits for the runs in progress. */
  stop(): Promise<void>;
}

/**
 * Drives the core's jobs on Node timers: each job every `everyMs` (and once
 * at start when it asks), never two runs of one job at once (a tick that
 * finds the last run still going is skipped), failures logged (a job that
 * keeps failing, once a minute). The timers do not keep the process alive.
 */
export function runJobs(jobs: Job[], log: (message: string) => void): JobRunner {
  const running = new Map<string, Promise<void>>();
  const failures = new Map<string, FailureLog>(jobs.map((job) => [job.name, failureLog(job.name, log, Date.now)]));
  let stopped = false;

  const tick = (job: Job) => {
    if (stopped || running.has(job.name)) return;
    const failure = failures.get(job.name)!;
    const run = job
      .run()
      .then(failure.succeeded, (err: unknown) => failure.failed((err as Error)?.stack ?? err))
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
  };

  const timers = jobs.map((job) => {
    const timer = setInterval(() => tick(job), job.everyMs);
    timer.unref();
    return timer;
  });
  const first = setTimeout(() => {
    for (const job of jobs) if (job.runAtStart) tick(job);
  }, 0);
  first.unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}
