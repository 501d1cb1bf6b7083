import type { Store } from '../../store/store.js';
import type { RedisPort } from '../../store/redis-port.js';
import { inProcessLocks, type Locks } from '../../store/locks.js';
import { redisLocks } from '../../store/redis-locks.js';
import { HEALTH_REFRESH_MS, storeSharedHealth, type SharedHealth } from '../../routing/shared-health.js';
import { redisSharedHealth } from '../../routing/redis-shared-health.js';

export interface HealthAndLocks {
  /** Where credential health is published and read back (routing/shared-health.ts). */
  health: SharedHealth;
  /** How often a replica takes in the others' health changes. */
  healthRefreshMs: number;
  /** Held around OAuth refreshes (store/locks.ts). */
  locks: Locks;
}

/**
 * Credential health and refresh locks go where the counters go: with Redis
 * (the counters' connection, under their key prefix) every replica shares
 * them; without it, health is shared through the Store's table and locks
 * hold within this process.
 */
export function openHealthAndLocks(redis: RedisPort | undefined, prefix: string, store: Store, deps: { now: () => number; sleep: (ms: number) => Promise<void>; log: (message: string) => void }): HealthAndLocks {
  if (!redis) return { health: storeSharedHealth(store.health), healthRefreshMs: HEALTH_REFRESH_MS.store, locks: inProcessLocks() };
  return {
    health: redisSharedHealth(redis, { prefix, durable: store.health, now: deps.now }),
    healthRefreshMs: HEALTH_REFRESH_MS.redis,
    locks: redisLocks(redis, { prefix, sleep: deps.sleep, now: deps.now, log: deps.log }),
  };
}
