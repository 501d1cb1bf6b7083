/**
 * Mutual exclusion among everything that shares these locks: one process
 * (in-process locks) or every replica (Redis locks, store/redis-locks.ts).
 * Used where two holders at once would do harm, such as refreshing an OAuth
 * token whose refresh token rotates: the second refresh would present a
 * token the first one already used up.
 */
export interface Locks {
  /**
   * Runs `work` while holding `name`. Waits while another holder has it,
   * at most `waitMs` (then fails with `LockBusy`); a holder that dies
   * loses the lock after `leaseMs`, so `work` should finish well within it.
   */
  withLock<T>(name: string, timing: LockTiming, work: () => Promise<T>): Promise<T>;
}

export interface LockTiming {
  leaseMs: number;
  waitMs: number;
}

/** Another holder kept the lock longer than the caller would wait. */
export class LockBusy extends Error {
  constructor(name: string, waitMs: number) {
    super(`${name} is held elsewhere; gave up after ${waitMs} ms`);
    this.name = 'LockBusy';
  }
}

/**
 * Locks for one process: each name is a queue of promises, so holders run
 * one after another in the order they came. Nothing can die holding one
 * without the process dying too, so there is no lease; a wait ends with
 * the holder before it.
 */
export function inProcessLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock(name, _timing, work) {
      const before = tails.get(name) ?? Promise.resolve();
      const mine = before.then(work); // `before` never rejects: each tail swallows its own failure
      const tail = mine.catch(() => {});
      tails.set(name, tail);
      try {
        return await mine;
      } finally {
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}
