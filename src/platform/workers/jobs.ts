import type { Job } from '../../app/jobs.js';

/**
 * Jobs that keep an isolate's view fresh run on its requests, when due:
 * an isolate has no timers between requests, and what they refresh (the
 * catalog, keys, credential health, concurrency leases) only matters to an
 * isolate that is serving. Usage rows need no job (each request writes its
 * own, `flushEachRequest`).
 */
const ON_REQUEST = new Set(['shared-state-refresh', 'credential-health-refresh', 'lease-renewal']);
const NOT_NEEDED = new Set(['recorder-flush']);

/** Jobs at least this far apart run from the hourly cron trigger; the rest from the one every minute. */
const HOURLY_FROM_MS = 60 * 60 * 1000;

/** The hourly cron trigger of wrangler.jsonc, as `scheduled` receives it; the other runs every minute. */
export const EVERY_HOUR = '0 * * * *';

export interface WorkerJobs {
  /** Starts, in the background, each request-driven job whose interval has passed (never two runs of one at once). */
  runDue(now: number, defer: (work: Promise<unknown>) => void): void;
  /** The jobs a cron trigger runs: maintenance (probes, model sync, cache sweep, retention). */
  forCron(cron: string): Job[];
}

export function workerJobs(jobs: Job[]): WorkerJobs {
  const onRequest = jobs.filter((j) => ON_REQUEST.has(j.name)).map((job) => ({ job, lastRun: Date.now(), running: false }));
  const scheduled = jobs.filter((j) => !ON_REQUEST.has(j.name) && !NOT_NEEDED.has(j.name));
  return {
    runDue(now, defer) {
      for (const entry of onRequest) {
        if (entry.running || now - entry.lastRun < entry.job.everyMs) continue;
        entry.running = true;
        entry.lastRun = now;
        defer(entry.job.run().finally(() => (entry.running = false)));
      }
    },
    forCron(cron) {
      if (cron === EVERY_HOUR) return scheduled.filter((j) => j.everyMs >= HOURLY_FROM_MS);
      // The minute trigger, and any other a deployment adds: everything more frequent than hourly.
      return scheduled.filter((j) => j.everyMs < HOURLY_FROM_MS);
    },
  };
}
