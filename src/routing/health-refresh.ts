import type { PoolHealth } from './credential-health.js';
import { failureLog } from '../runtime/failure-log.js';

/**
 * The background job that keeps this replica's view of credential health
 * in step with the others' (PoolHealth.refresh). A shared store that stays
 * unreachable is logged as any repeated failure is (runtime/failure-log.ts):
 * when it starts, once a minute while it lasts, and when it answers again;
 * meanwhile this replica keeps what it knows.
 */
export function healthRefreshJob(pools: PoolHealth, everyMs: number, log: (message: string) => void, now: () => number) {
  const failures = failureLog('credential health: reading the shared state (this replica keeps what it knows)', log, now);
  return {
    name: 'credential-health-refresh',
    everyMs,
    run: (): Promise<void> => pools.refresh().then(failures.succeeded, failures.failed),
  };
}
