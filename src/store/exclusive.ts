/**
 * Runs `work` while no other holder of the same database runs work under the
 * same name: for read-then-write sequences that span many Store calls (the
 * config file applied at start by replicas starting together). PostgreSQL
 * holds an advisory lock (platform/node/postgres.ts); a database one process
 * owns (SQLite) needs only to queue this process's own callers.
 */
export type Exclusive = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/** Queues callers of one name in this process, one at a time. */
export function inProcessExclusive(): Exclusive {
  const tails = new Map<string, Promise<unknown>>();
  return async (name, work) => {
    const before = tails.get(name) ?? Promise.resolve();
    const mine = before.then(work, work);
    const tail = mine.catch(() => undefined);
    tails.set(name, tail);
    try {
      return await mine;
    } finally {
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}
