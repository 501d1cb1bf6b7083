import { CountersUnavailableError, windowAt, type Counted, type Counters, type Lasting, type Take, type Taken } from '../../store/counters.js';
import type { CountersHealth } from '../../store/outage-counters.js';
import type { DurableObjectNamespace, DurableObjectStub } from './bindings.js';
import { fromWire, toWire, type WireCount, type WireLasting, type WireOp, type WireSettle, type WireTaken } from './counters-wire.js';

export interface DurableCountersOptions {
  /**
   * When a bucket's object cannot be reached: `failClosed` (default) throws
   * CountersUnavailableError, which the limits answer with 503;
   * `failOpen` lets the request through uncounted by that bucket (the
   * buckets that answer still count and may refuse), and a seed that fails
   * is skipped. `counters.onUnavailable` in the config.
   */
  onUnavailable?: 'failOpen' | 'failClosed';
  /** Where an outage's start and end, and a reservation that could not be undone, are reported. */
  log?: (message: string) => void;
  /**
   * Keeps the ends of requests alive (the runtime's defer: the request's
   * waitUntil). The limits settle and release without waiting, after the
   * response, and a Worker's request is cut off when its response is done
   * unless waitUntil holds it: without this, a settle could be lost and a
   * budget stay charged with a reservation.
   */
  defer?: (work: Promise<unknown>) => void;
}

/**
 * Counters in Durable Objects: one object per bucket (counters-object.ts),
 * named as the bucket, so each bucket is counted in one place whichever
 * isolate or location a request lands in.
 *
 * Round trips per request: a take is one call per bucket, all at once; a
 * refused take adds one call per bucket that had room, to undo it. The ends
 * of requests (settles and releases) made in the same turn of the event loop
 * are one call per bucket.
 *
 * All or nothing across buckets is kept by undoing: every bucket is taken
 * from at once, and when any refuses, the ones that let it through are given
 * their amount back before the answer. Under contention this means a bucket
 * can look fuller than it is for a moment, while a take that another bucket
 * refused is still being undone, and a request that arrives in that moment
 * may be refused by it although it had room. Never the other way: no bucket
 * lets more through than its limit. When one limit binds (the others have
 * room to spare) the count is exact, the limit-th request the last let
 * through; when two bind at once, slightly fewer than either limit may pass.
 *
 * An object that cannot be reached (its call throws or answers 5xx) makes
 * the call throw CountersUnavailableError, which the limits refuse with a
 * 503 (policy/limits.ts), unless the counters fail open (options).
 */
export interface DurableCounters extends Counters {
  /** How the objects are doing, as this isolate has seen them (for the admin API's limits report). */
  health(): CountersHealth;
}

export function createDurableCounters(ns: DurableObjectNamespace, options: DurableCountersOptions = {}): DurableCounters {
  // A stub per call, never kept: a stub that saw an error fails every later call, and one isolate serves many
  // requests. Making one is local (the id is a hash of the name).
  const stubOf = (bucket: string): DurableObjectStub => ns.get(ns.idFromName(bucket));

  const call = async <T>(bucket: string, op: WireOp): Promise<T> => {
    let response: Response;
    try {
      response = await stubOf(bucket).fetch(OBJECT_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(op) });
    } catch (err) {
      throw new CountersUnavailableError(err, WHERE);
    }
    if (response.status >= 500) throw new CountersUnavailableError(`the counter ${bucket} answered ${response.status}: ${await response.text()}`, WHERE);
    if (!response.ok) throw new Error(`the counter ${bucket} refused ${op.op}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  const batched = batchFinishes(call);
  const finish = (bucket: string, end: End): Promise<void> => {
    const done = batched(bucket, end);
    // Failures are the caller's to report; the request is only kept alive until the call is done.
    options.defer?.(done.catch(() => {}));
    return done;
  };
  const log = options.log ?? (() => {});

  /** Gives back what the takes that had room added, when another refused. */
  const undo = async (takes: readonly Take[], answers: readonly (WireTaken | null)[]): Promise<void> => {
    const undone = await Promise.allSettled(takes.map((t, i) => (answers[i]?.allowed ? call(t.bucket, undoOf(t, answers[i]!)) : null)));
    undone.forEach((u, i) => {
      if (u.status === 'rejected') log(`counters: giving back a refused request's take from ${takes[i]!.bucket} failed: ${String(u.reason)}`);
    });
  };

  const failOpen = options.onUnavailable === 'failOpen';
  /** Takens of buckets that could not be reached and were let through uncounted (failOpen): nothing to settle. */
  const uncounted = new WeakSet<Counted>();
  let down: { since: number } | null = null;
  let lastError: string | null = null;
  let outages = 0;
  let letThrough = 0;
  let refused = 0;
  const reached = () => {
    if (down) log('counters: the Durable Objects answer again; limits are counted again');
    down = null;
  };
  const unreachable = (err: unknown) => {
    lastError = err instanceof Error ? err.message : String(err);
    if (down) return;
    down = { since: Date.now() };
    outages++;
    log(`counters: ${lastError}; until they answer, ${failOpen ? 'requests are let through uncounted by the buckets that cannot be reached (failOpen)' : 'requests under a limit are refused with 503 (failClosed)'}`);
  };

  return {
    async take(takes) {
      const settled = await Promise.allSettled(takes.map((t) => call<WireTaken>(t.bucket, { op: 'take', amount: t.amount, limit: t.limit, lasts: wireLasting(t.lasts) })));
      // null: the bucket could not be reached.
      const answers = settled.map((a) => (a.status === 'fulfilled' ? a.value : null));
      const failed = settled.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      const admitted = answers.every((a) => a === null || a.allowed);
      const outage = failed?.reason instanceof CountersUnavailableError;
      if (outage) unreachable(failed.reason);
      else if (!failed) reached();
      const bug = failed !== undefined && !outage;
      // Failing closed, an object that cannot be reached refuses the request (503); but a bucket that answered
      // and refused refuses it first, whatever the others did (429: the limit is known to be reached).
      const closed = outage && admitted && !failOpen;
      if (!admitted || bug || closed) await undo(takes, answers);
      if (bug || closed) {
        if (closed) refused++;
        throw failed!.reason;
      }
      if (outage && admitted) letThrough++;
      const at = Date.now();
      return takes.map((t, i): Taken => {
        const answer = answers[i] ?? uncountedAnswer(t.lasts, at);
        // A refused request's count as it stands: what this take added has been given back.
        const used = admitted || !answer.allowed || !answers[i] ? answer.used : answer.used - (t.lasts.kind === 'lease' ? 1 : t.amount);
        const taken: Taken = {
          bucket: t.bucket,
          ...(answer.window === undefined ? {} : { window: answer.window }),
          allowed: answer.allowed,
          limit: t.limit,
          used,
          remaining: Math.max(0, t.limit - used),
          resetAt: fromWire(answer.resetAt),
        };
        if (!answers[i]) uncounted.add(taken);
        return taken;
      });
    },
    async settle(counted, reserved, actual) {
      if (uncounted.has(counted)) return;
      await finish(counted.bucket, { settle: { window: counted.window ?? null, change: actual - reserved } });
    },
    release: ({ bucket, id }) => finish(bucket, { release: id }),
    async renew(leases, ms) {
      const byBucket = new Map<string, string[]>();
      for (const { bucket, id } of leases) {
        const ids = byBucket.get(bucket);
        if (ids) ids.push(id);
        else byBucket.set(bucket, [id]);
      }
      await Promise.all([...byBucket].map(([bucket, ids]) => call(bucket, { op: 'renew', ids, ms })));
    },
    async seed(bucket, amount, resetAt, replace = false) {
      try {
        await call(bucket, { op: 'seed', amount, resetAt: toWire(resetAt), replace });
      } catch (err) {
        // Failing open, a budget that cannot be seeded now is seeded again when its rule or key is next applied.
        if (!failOpen || !(err instanceof CountersUnavailableError)) throw err;
        unreachable(err);
      }
    },
    async peek(bucket, lasts) {
      return (await call<WireCount>(bucket, { op: 'peek', lasts: wireLasting(lasts) })).used;
    },
    health: () => ({
      store: 'durable-objects',
      state: down ? 'down' : 'up',
      onUnavailable: failOpen ? 'failOpen' : 'failClosed',
      downSince: down?.since ?? null,
      lastError,
      outages,
      countedAlone: letThrough,
      refused,
      // Nothing is divided: a bucket is counted in its one object or not at all.
      replicas: 1,
    }),
  };
}

/** What the errors name as holding the counters. */
const WHERE = 'Durable Objects';

/** Any URL does: the object answers by the body. */
const OBJECT_URL = 'https://counter-bucket/';

function wireLasting(lasts: Lasting): WireLasting {
  return lasts.kind === 'until' ? { kind: 'until', resetAt: toWire(lasts.resetAt) } : lasts;
}

/** What a bucket that could not be reached answers when failing open: room, nothing counted. */
function uncountedAnswer(lasts: Lasting, at: number): WireTaken {
  if (lasts.kind === 'window') {
    const { start, end } = windowAt(at, lasts.ms);
    return { allowed: true, used: 0, resetAt: end, window: start };
  }
  return { allowed: true, used: 0, resetAt: lasts.kind === 'until' ? toWire(lasts.resetAt) : null };
}

/** The call that gives back one allowed take: its lease released, or its amount settled away (in its own window; one that has ended is left alone). */
function undoOf(take: Take, answer: WireTaken): WireOp {
  const { lasts } = take;
  if (lasts.kind === 'lease') return { op: 'finish', settles: [], releases: [lasts.id] };
  return { op: 'finish', settles: [{ window: answer.window ?? null, change: -take.amount }], releases: [] };
}

type Call = <T>(bucket: string, op: WireOp) => Promise<T>;
type End = { settle: WireSettle } | { release: string };

interface Queued {
  settles: WireSettle[];
  releases: string[];
  waiting: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Settles and releases made in the same turn of the event loop (a request's
 * end settles and releases each of its buckets together; requests ending at
 * once add theirs) go to each bucket's object as one call.
 */
function batchFinishes(call: Call): (bucket: string, end: End) => Promise<void> {
  let queued = new Map<string, Queued>();
  const flush = () => {
    const batch = queued;
    queued = new Map();
    for (const [bucket, { settles, releases, waiting }] of batch) {
      call(bucket, { op: 'finish', settles, releases }).then(
        () => waiting.forEach((w) => w.resolve()),
        (err: unknown) => waiting.forEach((w) => w.reject(err)),
      );
    }
  };
  return (bucket, end) =>
    new Promise<void>((resolve, reject) => {
      if (queued.size === 0) queueMicrotask(flush);
      let entry = queued.get(bucket);
      if (!entry) {
        entry = { settles: [], releases: [], waiting: [] };
        queued.set(bucket, entry);
      }
      if ('settle' in end) entry.settles.push(end.settle);
      else entry.releases.push(end.release);
      entry.waiting.push({ resolve, reject });
    });
}
