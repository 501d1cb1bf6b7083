import type { PoolHealth } from './credential-health.js';

/**
 * The background job that keeps this replica's view of credential health
 * in step with the others' (PoolHealth.refresh). A shared store that stays
 * unreachable is logged when it starts failing and when it answers again,
 * not at every run.
 */
export function healthRefreshJob(pools: PoolHealth, everyMs: number, log: (message: string) => void) {
  let failing = false;
  return {
    name: 'credential-health-refresh',
    everyMs,
    async run(): Promise<void> {
      try {
        await pools.refresh();
        if (failing) log('credential health: shared state readable again');
        failing = false;
      } catch (err) {
        if (!failing) log(`credential health: shared state unreadable, keeping what this replica knows: ${String(err)}`);
        failing = true;
      }
    },
  };
}
