import type { Counters, Taken } from './counters.js';

interface Bucket {
  used: number;
  resetAt: number;
}

/** How often buckets of windows that have ended are dropped. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Counters for one process. Each take runs without an await in between, so
 * it is atomic under Node's single thread: 200 requests at once against a
 * limit of 50 let exactly 50 through.
 */
export function createMemoryCounters(now: () => number): Counters {
  const buckets = new Map<string, Bucket>();
  let nextSweep = now() + SWEEP_EVERY_MS;

  const current = (name: string, resetAt: number, at: number): Bucket => {
    let bucket = buckets.get(name);
    if (!bucket || bucket.resetAt <= at) {
      bucket = { used: 0, resetAt };
      buckets.set(name, bucket);
    }
    return bucket;
  };

  const sweep = (at: number) => {
    if (at < nextSweep) return;
    nextSweep = at + SWEEP_EVERY_MS;
    for (const [name, bucket] of buckets) if (bucket.resetAt <= at) buckets.delete(name);
  };

  return {
    async take(takes) {
      const at = now();
      sweep(at);
      const found = takes.map((t) => current(t.bucket, t.resetAt, at));
      const allowed = found.map((b, i) => b.used < takes[i]!.limit);
      const all = allowed.every(Boolean);
      return takes.map((t, i): Taken => {
        const bucket = found[i]!;
        if (all) bucket.used += t.amount;
        return {
          bucket: t.bucket,
          allowed: allowed[i]!,
          limit: t.limit,
          used: bucket.used,
          remaining: Math.max(0, t.limit - bucket.used),
          resetAt: bucket.resetAt,
        };
      });
    },
    async settle(name, reserved, actual) {
      const bucket = buckets.get(name);
      // A window that has ended was dropped with its count; nothing to correct.
      if (!bucket) return;
      bucket.used = Math.max(0, bucket.used - reserved + actual);
    },
    async seed(name, amount, resetAt, replace = false) {
      const at = now();
      const existing = buckets.get(name);
      if (existing && existing.resetAt > at && !replace) return;
      if (resetAt > at) buckets.set(name, { used: amount, resetAt });
    },
    async peek(name) {
      const bucket = buckets.get(name);
      return bucket && bucket.resetAt > now() ? bucket.used : 0;
    },
  };
}
