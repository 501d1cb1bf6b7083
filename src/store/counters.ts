/**
 * Counters behind rate limits, concurrency caps and budgets: in memory for
 * one process (memory-counters.ts), in Redis for many replicas
 * (redis-counters.ts), in Durable Objects on Workers
 * (platform/workers/durable-counters.ts). Every method is async so each
 * fits; the same conformance suite (test/store/counters.conformance.test.ts)
 * runs on all three.
 *
 * A bucket is one number under a name that says what it counts
 * (`key:k1:rpm`, `group:team-a:usd:month@1735689600000`). How long a count
 * lasts is the take's `lasts`:
 * - `window`: fixed windows of `ms` aligned to the epoch, on the counters'
 *   own clock (Redis's, or the bucket's Durable Object's, so every replica
 *   agrees when a minute starts); a new window simply starts from zero, and
 *   a take answers the window's start, so a settle names its window;
 * - `until`: the caller names the period in the bucket and says when it
 *   ends (budget periods: calendar months do not fit fixed windows);
 * - `lease`: a concurrency slot, one per lease id, held until released or
 *   until `ms` pass without a renewal, so a crashed process's slots free
 *   themselves.
 */
export type Lasting = { kind: 'window'; ms: number } | { kind: 'until'; resetAt: number } | { kind: 'lease'; id: string; ms: number };

export interface Take {
  bucket: string;
  /** What this request reserves: 1 request, an estimate of tokens or USD (a lease always counts 1). */
  amount: number;
  limit: number;
  lasts: Lasting;
}

export interface Taken {
  bucket: string;
  /** The start of the fixed window counted in (`window` takes only): settle leaves an ended window alone. */
  window?: number;
  /** Whether this bucket had room (its count was below its limit). */
  allowed: boolean;
  limit: number;
  /** The count after the take (or as it stands, when the take was refused). */
  used: number;
  remaining: number;
  /** When the bucket's window ends (epoch ms); Infinity for running totals and leases. */
  resetAt: number;
}

/** What a settle names: the bucket, and the window it was counted in. */
export type Counted = Pick<Taken, 'bucket' | 'window'>;

/** A lease held on a concurrency bucket. */
export interface Lease {
  bucket: string;
  id: string;
}

export interface Counters {
  /**
   * Takes from several buckets at once, all or nothing: when every bucket's
   * count is below its limit, each gets its amount added; otherwise none
   * does. So the request that crosses a limit is the last one let through,
   * and a refused request leaves no trace.
   */
  take(takes: readonly Take[]): Promise<Taken[]>;
  /** Replaces a reservation with what was really used; a bucket whose window or period has ended is left alone. */
  settle(counted: Counted, reserved: number, actual: number): Promise<void>;
  /** Gives a concurrency slot back. */
  release(lease: Lease): Promise<void>;
  /** Keeps leases of requests still in flight (long streams) for another `ms`. */
  renew(leases: readonly Lease[], ms: number): Promise<void>;
  /**
   * Starts a bucket at `amount` unless it exists already (what was spent
   * before this process started, read from the database). Idempotent, so
   * many replicas may seed the same bucket. With `replace`, the bucket is set
   * to `amount` whatever it holds (a budget set again: the database is the
   * truth, the bucket may be stale from an earlier rule).
   */
  seed(bucket: string, amount: number, resetAt: number, replace?: boolean): Promise<void>;
  /** The current count of a bucket (its current window's; a lease bucket's live leases), 0 when it does not exist. */
  peek(bucket: string, lasts: Lasting): Promise<number>;
}

/**
 * Thrown when shared counters cannot be reached and the gateway is set to
 * fail closed: the request is refused with a 503 naming the cause, rather
 * than let through uncounted.
 */
export class CountersUnavailableError extends Error {
  /** `where`: what holds the shared counters, named in the message. */
  constructor(cause: unknown, where = 'Redis') {
    super(`the limit counters (${where}) cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CountersUnavailableError';
  }
}

/** The start and end of the fixed window of `ms` that `at` falls in. */
export function windowAt(at: number, ms: number): { start: number; end: number } {
  const start = Math.floor(at / ms) * ms;
  return { start, end: start + ms };
}
