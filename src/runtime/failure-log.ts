/**
 * Logs a failure that repeats (a database that is down makes a job fail every
 * half second) once when it starts, then at most once per `everyMs` with how
 * many times it failed meanwhile, and once more when it works again: an
 * outage is a few lines in the log, not thousands.
 */
export interface FailureLog {
  failed(err: unknown): void;
  succeeded(): void;
}

export function failureLog(what: string, log: (message: string) => void, now: () => number, everyMs = 60_000): FailureLog {
  let failures = 0;
  let unlogged = 0;
  let loggedAt = 0;
  return {
    failed(err) {
      failures += 1;
      const t = now();
      if (failures > 1 && t - loggedAt < everyMs) {
        unlogged += 1;
        return;
      }
      const since = failures > 1 ? ` (failing for a while: ${unlogged + 1} more time(s) since the last line)` : '';
      log(`${what} failed${since}: ${String(err)}`);
      loggedAt = t;
      unlogged = 0;
    },
    succeeded() {
      if (failures === 0) return;
      if (failures > 1) log(`${what} works again, after ${failures} failures`);
      failures = 0;
      unlogged = 0;
    },
  };
}
