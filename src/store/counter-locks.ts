import type { Sleep } from '../runtime/runtime.js';
import type { Counters } from './counters.js';
import { LockBusy, type Locks } from './locks.js';

/** How often a waiting holder asks again. */
const POLL_MS = 50;

/**
 * Locks made of the counters' concurrency leases: a lock is a lease bucket
 * with room for one, so it is held wherever the counters are shared (one
 * Durable Object per lock on Workers), and a holder that dies loses it
 * when its lease ends. Waiting is polling, which suits what locks guard
 * here: rare OAuth refreshes, not a hot path.
 */
export function counterLocks(counters: Counters, clock: { now: () => number; sleep: Sleep }): Locks {
  return {
    async withLock(name, { leaseMs, waitMs }, work) {
      const bucket = `lock:${name}`;
      const id = crypto.randomUUID();
      const giveUpAt = clock.now() + waitMs;
      for (;;) {
        const [taken] = await counters.take([{ bucket, amount: 1, limit: 1, lasts: { kind: 'lease', id, ms: leaseMs } }]);
        if (taken!.allowed) break;
        if (clock.now() >= giveUpAt) throw new LockBusy(name, waitMs);
        await clock.sleep(POLL_MS);
      }
      try {
        return await work();
      } finally {
        await counters.release({ bucket, id });
      }
    },
  };
}
