/**
 * Counters behind rate limits, concurrency caps and budgets. In memory for
 * one process (memory-counters.ts); a shared implementation (Redis) lets
 * many replicas count together later. Every method is async so either fits.
 *
 * A bucket is one number under a name that says what it counts and for which
 * window (`key:k1:rpm@1736942400000`); callers put the window's start in the
 * name and say when it ends, so the counters need no notion of periods and
 * a new window simply starts from zero under a new name.
 */
export interface Take {
  bucket: string;
  /** What this request reserves: 1 request, an estimate of tokens or USD. */
  amount: number;
  limit: number;
  /** When the bucket's window ends (epoch ms); Infinity for running totals and concurrency. */
  resetAt: number;
}

export interface Taken {
  bucket: string;
  /** Whether this bucket had room (its count was below its limit). */
  allowed: boolean;
  limit: number;
  /** The count after the take (or as it stands, when the take was refused). */
  used: number;
  remaining: number;
  resetAt: number;
}

export interface Counters {
  /**
   * Takes from several buckets at once, all or nothing: when every bucket's
   * count is below its limit, each gets its amount added; otherwise none
   * does. So the request that crosses a limit is the last one let through,
   * and a refused request leaves no trace.
   */
  take(takes: readonly Take[]): Promise<Taken[]>;
  /** Replaces a reservation with what was really used (a released concurrency slot settles to 0). */
  settle(bucket: string, reserved: number, actual: number): Promise<void>;
  /**
   * Starts a bucket at `amount` unless it exists already (what was spent
   * before this process started, read from the database). Idempotent, so
   * many replicas may seed the same bucket. With `replace`, the bucket is set
   * to `amount` whatever it holds (a budget set again: the database is the
   * truth, the bucket may be stale from an earlier rule).
   */
  seed(bucket: string, amount: number, resetAt: number, replace?: boolean): Promise<void>;
  /** The current count of a bucket, 0 when it does not exist (for the admin API). */
  peek(bucket: string): Promise<number>;
}
