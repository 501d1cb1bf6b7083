import type { RedisPort } from './redis-port.js';
import { LockBusy, type Locks } from './locks.js';

/** Takes the lock when nobody holds it: SET NX with a lease. 'OK' when taken. */
const ACQUIRE = `return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])`;

/** Frees the lock only if it is still ours (compare and delete): a lapsed lease may have passed it to another holder. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** How long to wait between tries at a taken lock: short at first, then longer. */
const FIRST_RETRY_MS = 20;
const LONGEST_RETRY_MS = 250;

/**
 * Locks for every replica on one Redis: a key per lock holding a random
 * token, set only when absent and with a lease (`PX`), freed by
 * compare-and-delete. A holder that dies frees it when the lease ends.
 * While Redis cannot be reached the work runs without the lock, logged:
 * the harm a lock prevents (two refreshes at once) is rarer than the harm
 * of refusing every refresh until Redis is back.
 */
export function redisLocks(redis: RedisPort, options: { prefix: string; sleep: (ms: number) => Promise<void>; now: () => number; log: (message: string) => void }): Locks {
  return {
    async withLock(name, timing, work) {
      const key = `{${options.prefix}}:lock:${name}`;
      const token = randomToken();
      const deadline = options.now() + timing.waitMs;
      let pause = FIRST_RETRY_MS;
      for (;;) {
        let taken: boolean;
        try {
          taken = (await redis.eval(ACQUIRE, [key], [token, timing.leaseMs])) === 'OK';
        } catch (err) {
          options.log(`lock ${name}: Redis unreachable, going on without it: ${String(err)}`);
          return work();
        }
        if (taken) break;
        if (options.now() >= deadline) throw new LockBusy(name, timing.waitMs);
        await options.sleep(Math.min(pause, Math.max(1, deadline - options.now())));
        pause = Math.min(pause * 2, LONGEST_RETRY_MS);
      }
      try {
        return await work();
      } finally {
        await redis.eval(RELEASE, [key], [token]).catch((err: unknown) => options.log(`lock ${name}: could not be freed (its lease will end it): ${String(err)}`));
      }
    },
  };
}

function randomToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
