import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { inProcessLocks, LockBusy, type Locks } from '../../src/store/locks.js';
import { redisLocks } from '../../src/store/redis-locks.js';
import { redisPortOf } from '../../src/platform/node/redis.js';
import { closeRedis, dropPrefix, testPrefix, testRedis } from './redis-test.js';
import { counterLocks } from '../../src/store/counter-locks.js';
import { createDurableCounters } from '../../src/platform/workers/durable-counters.js';
import { startCounterObjects, type CounterObjects } from './durable-objects-test.js';

/**
 * The same cases against every Locks implementation, and what only the
 * Redis locks promise: holders in different processes (two Locks on one
 * prefix stand for two replicas), leases that free a dead holder's lock,
 * a wait that gives up.
 */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const TIMING = { leaseMs: 5000, waitMs: 5000 };

let redis: Redis;
let prefix: string;
let objects: CounterObjects;
const logged: string[] = [];

beforeAll(async () => {
  redis = await testRedis();
  prefix = testPrefix('locks');
  objects = await startCounterObjects();
});
afterAll(async () => {
  await objects.mf.dispose();
  await dropPrefix(redis, prefix);
  await closeRedis(redis);
});

const replica = (): Locks => redisLocks(redisPortOf(redis), { prefix, sleep, now: Date.now, log: (m) => logged.push(m) });

/** Each case gets Locks that stand for `n` processes sharing the implementation's locks. */
const implementations: [string, (n: number) => Locks[]][] = [
  ['in-process', (n) => Array(n).fill(inProcessLocks()) as Locks[]],
  ['redis', (n) => Array.from({ length: n }, replica)],
  // Workers: each isolate has its own Durable Object counters client; the lock is the object's lease.
  ['counter leases (Durable Objects)', (n) => Array.from({ length: n }, () => counterLocks(createDurableCounters(objects.counters), { now: Date.now, sleep }))],
];

/** A piece of work that notes when it runs and how many run at once. */
function tracker() {
  let inside = 0;
  let most = 0;
  const order: string[] = [];
  const work = (name: string, ms = 20, fail = false) => async () => {
    inside++;
    most = Math.max(most, inside);
    order.push(name);
    await sleep(ms);
    inside--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  return { work, order, most: () => most };
}

describe.each(implementations)('%s locks', (_, make) => {
  it('lets one holder of a name in at a time, across every holder of the locks', async () => {
    const [a, b] = make(2);
    const t = tracker();
    const results = await Promise.all([
      a!.withLock('one', TIMING, t.work('a1')),
      b!.withLock('one', TIMING, t.work('b1')),
      a!.withLock('one', TIMING, t.work('a2')),
      b!.withLock('one', TIMING, t.work('b2')),
    ]);
    expect(results.sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(t.most()).toBe(1);
  });

  it('lets different names run at once', async () => {
    const [a] = make(1);
    const t = tracker();
    await Promise.all([a!.withLock('x', TIMING, t.work('x', 50)), a!.withLock('y', TIMING, t.work('y', 50))]);
    expect(t.most()).toBe(2);
  });

  it("frees the lock when the holder's work fails, which the caller sees", async () => {
    const [a, b] = make(2);
    const t = tracker();
    const failing = a!.withLock('f', TIMING, t.work('first', 20, true));
    const next = b!.withLock('f', TIMING, t.work('second'));
    await expect(failing).rejects.toThrow('first failed');
    await expect(next).resolves.toBe('second');
  });
});

describe('redis locks only', () => {
  it('gives up waiting after waitMs with LockBusy', async () => {
    const [a, b] = [replica(), replica()];
    let release!: () => void;
    const held = a.withLock('busy', TIMING, () => new Promise<void>((r) => (release = r)));
    await sleep(20);
    const started = Date.now();
    await expect(b.withLock('busy', { leaseMs: 5000, waitMs: 150 }, async () => 'never')).rejects.toBeInstanceOf(LockBusy);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1000);
    release();
    await held;
  });

  it("frees a dead holder's lock when its lease ends, and the late holder cannot free its successor's", async () => {
    const [dead, next] = [replica(), replica()];
    let release!: () => void;
    // The holder outlives its lease (a replica that stopped answering): the lock passes on.
    const stuck = dead.withLock('lease', { leaseMs: 100, waitMs: 100 }, () => new Promise<void>((r) => (release = r)));
    await sleep(20);
    let nextInside = false;
    let letNextGo!: () => void;
    const taken = next.withLock('lease', { leaseMs: 5000, waitMs: 2000 }, async () => {
      nextInside = true;
      await new Promise<void>((r) => (letNextGo = r));
    });
    await sleep(300);
    expect(nextInside).toBe(true);
    // The first holder finishes late: its release must leave the second holder's lock alone.
    release();
    await stuck;
    const key = `{${prefix}}:lock:lease`;
    expect(await redis.exists(key)).toBe(1);
    letNextGo();
    await taken;
    expect(await redis.exists(key)).toBe(0);
  });

  it('runs the work without the lock while Redis cannot be reached, and says so', async () => {
    const down = redisLocks({ eval: () => Promise.reject(new Error('connect ECONNREFUSED')) }, { prefix, sleep, now: Date.now, log: (m) => logged.push(m) });
    await expect(down.withLock('gone', TIMING, async () => 'ran')).resolves.toBe('ran');
    expect(logged.some((m) => m.includes('lock gone: Redis unreachable'))).toBe(true);
  });
});

describe('counter-lease locks only', () => {
  it("gives up after waitMs with LockBusy, and a dead holder's lock frees itself when its lease ends", async () => {
    const counters = createDurableCounters(objects.counters);
    const [a, b] = [counterLocks(counters, { now: Date.now, sleep }), counterLocks(createDurableCounters(objects.counters), { now: Date.now, sleep })];
    const held = a.withLock('busy', TIMING, () => sleep(600));
    await sleep(50);
    await expect(b.withLock('busy', { leaseMs: 5000, waitMs: 200 }, async () => 'b')).rejects.toBeInstanceOf(LockBusy);
    await held;
    // A holder that took the lease and died: nothing releases it, its lease of 300 ms ends.
    await counters.take([{ bucket: 'lock:dead', amount: 1, limit: 1, lasts: { kind: 'lease', id: 'gone', ms: 300 } }]);
    const started = Date.now();
    expect(await b.withLock('dead', { leaseMs: 5000, waitMs: 5000 }, async () => 'b')).toBe('b');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
