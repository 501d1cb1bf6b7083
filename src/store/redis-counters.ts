import type { Counters, Lasting, Take, Taken } from './counters.js';
import type { RedisPort } from './redis-port.js';
import { FINISH, HEARTBEAT, PEEK, RENEW, SEED, TAKE } from './redis-scripts.js';

/** Counters shared by every replica through Redis, plus what only a shared store has: knowing the other replicas. */
export interface RedisCounters extends Counters {
  /** Marks this replica live for `ms` and answers how many replicas are live. */
  heartbeat(replicaId: string, ms: number): Promise<number>;
}

/**
 * Counters in Redis, so N replicas enforce one set of limits: each request's
 * takes are one atomic script (redis-scripts.ts TAKE) that counts every
 * bucket and reserves in all of them only when all have room.
 *
 * Every key is `{prefix}:<bucket>`: the braces make the prefix a Redis
 * Cluster hash tag, so all of a gateway's counters live in one slot. That is
 * what lets one script take from a key's, its groups' and the gateway's
 * buckets at once (Cluster refuses a script whose keys span slots); the
 * price is that one gateway's counters are served by one shard, which at one
 * short script per request is far from a limit. Gateways with different
 * prefixes land on different slots.
 */
export function createRedisCounters(redis: RedisPort, prefix: string): RedisCounters {
  const keyOf = (bucket: string) => `{${prefix}}:${bucket}`;
  const finish = batchFinishes(redis);

  return {
    async take(takes) {
      if (takes.length === 0) return [];
      const rows = (await redis.eval(
        TAKE,
        takes.map((t) => keyOf(t.bucket)),
        takes.flatMap(argsOf),
      )) as [number, string, string, string][];
      return takes.map((t, i): Taken => {
        const [allowed, used, reset, window] = rows[i]!;
        const count = Number(used);
        return {
          bucket: t.bucket,
          ...(window === '' ? {} : { window: Number(window) }),
          allowed: allowed === 1,
          limit: t.limit,
          used: count,
          remaining: Math.max(0, t.limit - count),
          resetAt: reset === '0' ? Infinity : Number(reset),
        };
      });
    },
    settle: ({ bucket, window }, reserved, actual) =>
      finish(keyOf(bucket), window === undefined ? ['u', '', String(actual - reserved)] : ['w', String(window), String(actual - reserved)]),
    release: ({ bucket, id }) => finish(keyOf(bucket), ['r', id, '']),
    async renew(leases, ms) {
      if (leases.length === 0) return;
      await redis.eval(
        RENEW,
        leases.map((l) => keyOf(l.bucket)),
        [ms, ...leases.map((l) => l.id)],
      );
    },
    async seed(bucket, amount, resetAt, replace = false) {
      await redis.eval(SEED, [keyOf(bucket)], [String(amount), untilArg(resetAt), replace ? '1' : '0']);
    },
    async peek(bucket, lasts) {
      return Number(await redis.eval(PEEK, [keyOf(bucket)], peekArgs(lasts)));
    },
    async heartbeat(replicaId, ms) {
      return Number(await redis.eval(HEARTBEAT, [keyOf('replicas')], [replicaId, ms]));
    },
  };
}

/** The five script arguments of one take (redis-scripts.ts TAKE). */
function argsOf(take: Take): (string | number)[] {
  const { lasts } = take;
  const head = [String(take.amount), String(take.limit)];
  switch (lasts.kind) {
    case 'window':
      return ['w', ...head, lasts.ms, ''];
    case 'until':
      return ['u', ...head, untilArg(lasts.resetAt), ''];
    case 'lease':
      return ['l', ...head, lasts.ms, lasts.id];
    default:
      return lasts satisfies never;
  }
}

function peekArgs(lasts: Lasting): (string | number)[] {
  return lasts.kind === 'window' ? ['w', lasts.ms] : [lasts.kind === 'until' ? 'u' : 'l', ''];
}

/** Scripts take 0 for "never ends". */
function untilArg(resetAt: number): string {
  return Number.isFinite(resetAt) ? String(resetAt) : '0';
}

interface Finish {
  key: string;
  args: [string, string, string];
  done: (err?: unknown) => void;
}

/**
 * Settles and releases go to Redis together: a request ends with one per
 * bucket (its key's, its groups', the gateway's tokens, dollars and slots),
 * so those made in the same turn of the event loop, by one request or
 * several, are one script call (redis-scripts.ts FINISH) instead of many.
 */
function batchFinishes(redis: RedisPort): (key: string, args: Finish['args']) => Promise<void> {
  let queued: Finish[] = [];
  const flush = () => {
    const batch = queued;
    queued = [];
    redis.eval(
      FINISH,
      batch.map((f) => f.key),
      batch.flatMap((f) => f.args),
    ).then(
      () => batch.forEach((f) => f.done()),
      (err: unknown) => batch.forEach((f) => f.done(err)),
    );
  };
  return (key, args) =>
    new Promise<void>((resolve, reject) => {
      if (queued.length === 0) queueMicrotask(flush);
      queued.push({ key, args, done: (err) => (err === undefined ? resolve() : reject(err)) });
    });
}
