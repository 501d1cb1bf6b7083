import { CountersUnavailableError, type Counters, type Take, type Taken } from './counters.js';
import { createMemoryCounters } from './memory-counters.js';
import type { RedisCounters } from './redis-counters.js';

/** What a replica does while the shared counters cannot be reached. */
export type OnUnavailable = 'failOpen' | 'failClosed';

/** How the shared counters are doing, for the admin API and health. */
export interface CountersHealth {
  store: 'memory' | 'redis' | 'durable-objects';
  /**
   * `down`: Redis cannot be reached; requests are counted here alone
   * (failOpen) or refused (failClosed). For Durable Objects: the last take
   * found a bucket's object unreachable; requests are let through uncounted
   * by it (failOpen, counted in `countedAlone`) or refused.
   */
  state: 'up' | 'down';
  onUnavailable: OnUnavailable | null;
  /** Since when Redis has been unreachable (epoch ms), null while it is up. */
  downSince: number | null;
  /** The error that began the current (or last) outage. */
  lastError: string | null;
  /** Outages since the process started. */
  outages: number;
  /** Requests counted by this replica alone during outages (failOpen). */
  countedAlone: number;
  /** Requests refused because the counters could not be reached (failClosed). */
  refused: number;
  /** What limits are divided by during an outage: `counters.replicas`, or the live replicas last seen. */
  replicas: number;
}

export interface OutageCounters extends Counters {
  /**
   * Marks this replica live (and learns how many are); while Redis is down,
   * checks whether it is back and, when it is, re-seeds the budgets before
   * counting there again. A job runs it every few seconds: it is how an
   * outage ends.
   */
  heartbeat(): Promise<void>;
  health(): CountersHealth;
}

export interface OutageOptions {
  onUnavailable: OnUnavailable;
  /** Fixed number of replicas to divide limits by during an outage; absent: the live replicas last seen. */
  replicas?: number;
  replicaId: string;
  /** How long a heartbeat keeps this replica counted as live. */
  liveMs: number;
  /** Seeds every budget from the database again (Redis may have come back empty). */
  reseed: () => Promise<void>;
  now: () => number;
  log: (message: string) => void;
}

/** How many budget counts seen in Redis are remembered for an outage. */
const REMEMBERED_BUCKETS = 10_000;

/**
 * Redis counters that keep the gateway answering when Redis cannot be
 * reached. The first failed command starts an outage (logged once); until a
 * heartbeat finds Redis again, requests do not wait on it:
 * - `failClosed`: refused (CountersUnavailableError, a 503 naming the cause);
 * - `failOpen`: counted in this process alone against its share of every
 *   limit (limit / replicas), a budget starting from its share of what Redis
 *   last said was spent, so a spent budget stays spent.
 * A request admitted on one side is settled on the same side. When Redis
 * answers again the budgets are seeded from the database (SET NX: what Redis
 * kept stays) before requests are counted there again.
 */
export function createOutageCounters(shared: RedisCounters, options: OutageOptions): OutageCounters {
  const local = createMemoryCounters(options.now);
  /** Takens counted locally: their settlement stays local. */
  const countedHere = new WeakSet<Taken>();
  /** The last count Redis gave for each running budget, to start an outage's local budget from. */
  const lastSeen = new Map<string, number>();
  let live = 1;
  let down: { since: number } | null = null;
  /** Redis is back and the budgets are being seeded there; requests still count alone until it is done. */
  let reseeding = false;
  let lastError: string | null = null;
  let outages = 0;
  let countedAlone = 0;
  let refused = 0;

  const share = () => Math.max(1, options.replicas ?? live);

  const fail = (err: unknown) => {
    lastError = err instanceof Error ? err.message : String(err);
    if (down) return;
    down = { since: options.now() };
    outages++;
    const what = options.onUnavailable === 'failOpen' ? `each replica counts its share (1/${share()}) of every limit alone` : 'requests are refused with 503';
    options.log(`counters: Redis cannot be reached (${lastError}); until it is back, ${what}`);
  };

  const remember = (takes: readonly Take[], taken: Taken[]) => {
    takes.forEach((t, i) => {
      if (t.lasts.kind !== 'until') return;
      lastSeen.delete(t.bucket);
      lastSeen.set(t.bucket, taken[i]!.used);
    });
    // Oldest first: a Map keeps insertion order.
    for (const bucket of lastSeen.keys()) {
      if (lastSeen.size <= REMEMBERED_BUCKETS) break;
      lastSeen.delete(bucket);
    }
  };

  const takeAlone = async (takes: readonly Take[]): Promise<Taken[]> => {
    if (options.onUnavailable === 'failClosed') {
      refused++;
      throw new CountersUnavailableError(lastError);
    }
    countedAlone++;
    const n = share();
    for (const t of takes) if (t.lasts.kind === 'until' && lastSeen.has(t.bucket)) await local.seed(t.bucket, lastSeen.get(t.bucket)! / n, t.lasts.resetAt);
    const taken = await local.take(takes.map((t) => ({ ...t, limit: t.limit / n })));
    for (const t of taken) countedHere.add(t);
    return taken;
  };

  /** Runs a command on Redis unless it is down; a failure starts an outage. */
  const onRedis = async <T>(command: () => Promise<T>, alone: () => Promise<T>): Promise<T> => {
    if (down) return alone();
    try {
      return await command();
    } catch (err) {
      fail(err);
      return alone();
    }
  };

  return {
    take: (takes) =>
      onRedis(
        async () => {
          const taken = await shared.take(takes);
          remember(takes, taken);
          return taken;
        },
        () => takeAlone(takes),
      ),
    async settle(counted, reserved, actual) {
      if (countedHere.has(counted as Taken)) return local.settle(counted, reserved, actual);
      // A reservation made in Redis during an outage is left there: its window or period ends by itself.
      await onRedis(
        () => shared.settle(counted, reserved, actual),
        async () => {},
      );
    },
    async release(lease) {
      // A lease is in one of the two; releasing it in the other does nothing.
      await local.release(lease);
      await onRedis(
        () => shared.release(lease),
        async () => {},
      );
    },
    async renew(leases, ms) {
      await local.renew(leases, ms);
      await onRedis(
        () => shared.renew(leases, ms),
        async () => {},
      );
    },
    seed: (bucket, amount, resetAt, replace) =>
      reseeding
        ? shared.seed(bucket, amount, resetAt, replace)
        : onRedis(
        () => shared.seed(bucket, amount, resetAt, replace),
        // Recovery seeds Redis again; meanwhile the database's figure is what a local budget starts from.
        async () => void lastSeen.set(bucket, amount),
      ),
    peek: (bucket, lasts) =>
      onRedis(
        () => shared.peek(bucket, lasts),
        () => local.peek(bucket, lasts),
      ),

    async heartbeat() {
      try {
        live = await shared.heartbeat(options.replicaId, options.liveMs);
        if (!down) return;
        reseeding = true;
        await options.reseed();
        options.log(`counters: Redis is back after ${Math.round((options.now() - down.since) / 1000)}s; budgets seeded again, limits counted there again`);
        down = null;
      } catch (err) {
        fail(err);
      } finally {
        reseeding = false;
      }
    },

    health: () => ({
      store: 'redis',
      state: down ? 'down' : 'up',
      onUnavailable: options.onUnavailable,
      downSince: down?.since ?? null,
      lastError,
      outages,
      countedAlone,
      refused,
      replicas: share(),
    }),
  };
}

/** The health of counters that are one process's own: never down. */
export function memoryCountersHealth(): CountersHealth {
  return { store: 'memory', state: 'up', onUnavailable: null, downSince: null, lastError: null, outages: 0, countedAlone: 0, refused: 0, replicas: 1 };
}
