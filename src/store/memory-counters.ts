import { windowAt, type Counters, type Take, type Taken } from './counters.js';

interface Bucket {
  used: number;
  resetAt: number;
}

/** How often buckets of windows that have ended, and leases past their time, are dropped. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Counters for one process. Each take runs without an await in between, so
 * it is atomic under Node's single thread: 200 requests at once against a
 * limit of 50 let exactly 50 through. The clock is the one passed in (tests
 * move it across minutes and periods).
 */
export function createMemoryCounters(now: () => number): Counters {
  const buckets = new Map<string, Bucket>();
  /** Concurrency buckets: lease id -> when it expires. */
  const leases = new Map<string, Map<string, number>>();
  let nextSweep = now() + SWEEP_EVERY_MS;

  const nameOf = (take: Pick<Take, 'bucket' | 'lasts'>, at: number) =>
    take.lasts.kind === 'window' ? `${take.bucket}@${windowAt(at, take.lasts.ms).start}` : take.bucket;

  const resetOf = (take: Take, at: number) =>
    take.lasts.kind === 'window' ? windowAt(at, take.lasts.ms).end : take.lasts.kind === 'until' ? take.lasts.resetAt : Infinity;

  const current = (name: string, resetAt: number, at: number): Bucket => {
    let bucket = buckets.get(name);
    if (!bucket || bucket.resetAt <= at) {
      bucket = { used: 0, resetAt };
      buckets.set(name, bucket);
    }
    return bucket;
  };

  /** The leases of a concurrency bucket, some perhaps past their time (those are dropped by `liveLeases` and the sweep). */
  const heldLeases = (name: string): Map<string, number> => {
    let held = leases.get(name);
    if (!held) {
      held = new Map();
      leases.set(name, held);
    }
    return held;
  };

  /** The live leases of a concurrency bucket, those past their time dropped. */
  const liveLeases = (name: string, at: number): Map<string, number> => {
    const held = heldLeases(name);
    for (const [id, expiresAt] of held) if (expiresAt <= at) held.delete(id);
    return held;
  };

  /**
   * How many slots of a concurrency bucket are taken. A lease past its time
   * is one its request never released (it ended without settling): only when
   * the count reaches the limit are such leases looked for, so a request
   * does not walk every slot held beside it.
   */
  const leasesUsed = (name: string, limit: number, at: number): number => {
    const size = heldLeases(name).size;
    return size < limit ? size : liveLeases(name, at).size;
  };

  const sweep = (at: number) => {
    if (at < nextSweep) return;
    nextSweep = at + SWEEP_EVERY_MS;
    for (const [name, bucket] of buckets) if (bucket.resetAt <= at) buckets.delete(name);
    for (const name of leases.keys()) if (liveLeases(name, at).size === 0) leases.delete(name);
  };

  return {
    async take(takes) {
      const at = now();
      sweep(at);
      const counts = takes.map((t) => {
        const name = nameOf(t, at);
        return t.lasts.kind === 'lease' ? { name, used: leasesUsed(name, t.limit, at) } : { name, used: current(name, resetOf(t, at), at).used };
      });
      const allowed = counts.map((c, i) => c.used < takes[i]!.limit);
      const all = allowed.every(Boolean);
      return takes.map((t, i): Taken => {
        const { name } = counts[i]!;
        let used = counts[i]!.used;
        if (all && t.lasts.kind === 'lease') {
          const held = heldLeases(name);
          held.set(t.lasts.id, at + t.lasts.ms);
          used = held.size;
        } else if (all) used = buckets.get(name)!.used += t.amount;
        const window = t.lasts.kind === 'window' ? windowAt(at, t.lasts.ms).start : undefined;
        return { bucket: t.bucket, ...(window === undefined ? {} : { window }), allowed: allowed[i]!, limit: t.limit, used, remaining: Math.max(0, t.limit - used), resetAt: resetOf(t, at) };
      });
    },
    async settle(counted, reserved, actual) {
      const bucket = buckets.get(counted.window === undefined ? counted.bucket : `${counted.bucket}@${counted.window}`);
      // A window that has ended was dropped with its count; nothing to correct.
      if (!bucket || bucket.resetAt <= now()) return;
      bucket.used = Math.max(0, bucket.used - reserved + actual);
    },
    async release({ bucket, id }) {
      leases.get(bucket)?.delete(id);
    },
    async renew(held, ms) {
      const at = now();
      for (const { bucket, id } of held) {
        const live = liveLeases(bucket, at);
        // A lease that expired (or was released) stays gone: its slot may have been taken since.
        if (live.has(id)) live.set(id, at + ms);
      }
    },
    async seed(name, amount, resetAt, replace = false) {
      const at = now();
      const existing = buckets.get(name);
      if (existing && existing.resetAt > at && !replace) return;
      if (resetAt > at) buckets.set(name, { used: amount, resetAt });
    },
    async peek(bucket, lasts) {
      const at = now();
      const name = nameOf({ bucket, lasts }, at);
      if (lasts.kind === 'lease') return leases.has(name) ? liveLeases(name, at).size : 0;
      const found = buckets.get(name);
      return found && found.resetAt > at ? found.used : 0;
    },
  };
}
