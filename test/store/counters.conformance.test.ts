import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Counters, Take } from '../../src/store/counters.js';
import { createMemoryCounters } from '../../src/store/memory-counters.js';
import { createRedisCounters } from '../../src/store/redis-counters.js';
import { redisPortOf } from '../../src/platform/node/redis.js';
import { createDurableCounters } from '../../src/platform/workers/durable-counters.js';
import { closeRedis, dropPrefix, testPrefix, testRedis } from './redis-test.js';
import { startCounterObjects, type CounterObjects } from './durable-objects-test.js';

/**
 * The same cases against every Counters implementation: what limits.ts
 * relies on holds whether one process counts in memory or many replicas
 * count in Redis or in Durable Objects (real ones, in workerd through
 * Miniflare). Time-bound cases use short windows and leases on the real
 * clock (Redis's own for the Redis counters, the objects' for theirs).
 */
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const untilTake = (bucket: string, amount: number, limit: number, resetAt = Date.now() + HOUR): Take => ({ bucket, amount, limit, lasts: { kind: 'until', resetAt } });
const windowTake = (bucket: string, amount: number, limit: number, ms = HOUR): Take => ({ bucket, amount, limit, lasts: { kind: 'window', ms } });
const leaseTake = (bucket: string, id: string, limit: number, ms = 60_000): Take => ({ bucket, amount: 1, limit, lasts: { kind: 'lease', id, ms } });
const UNTIL = { kind: 'until', resetAt: Infinity } as const;
/** Hour-long windows: a test that takes and settles within one is all but never split by a window's end. */
const HOURLY = { kind: 'window', ms: HOUR } as const;

interface Subject {
  counters: Counters;
  /** A bucket name of this test's own. */
  name(bucket: string): string;
}

let redis: Redis;
let prefix: string;
let objects: CounterObjects;
let run = 0;

beforeAll(async () => {
  [redis, objects] = await Promise.all([testRedis(), startCounterObjects()]);
  prefix = testPrefix('counters');
});

afterAll(async () => {
  await dropPrefix(redis, prefix);
  await closeRedis(redis);
  await objects.mf.dispose();
});

const implementations: [string, () => Subject][] = [
  ['memory', () => ({ counters: createMemoryCounters(Date.now), name: (b) => b })],
  [
    'redis',
    () => {
      const own = `t${++run}`;
      return { counters: createRedisCounters(redisPortOf(redis), prefix), name: (b) => `${own}:${b}` };
    },
  ],
  [
    'durable-objects',
    () => {
      const own = `t${++run}`;
      return { counters: createDurableCounters(objects.counters), name: (b) => `${own}:${b}` };
    },
  ],
];

describe.each(implementations)('%s counters', (_, make) => {
  it('take from several buckets all or nothing, admitting while each is below its limit', async () => {
    const { counters, name } = make();
    const [a, b] = [name('a'), name('b')];
    const takes = (amount: number) => [windowTake(a, 1, 2), untilTake(b, amount, 10)];
    expect((await counters.take(takes(9))).map((t) => t.allowed)).toEqual([true, true]);
    // b is at 9 < 10, so a large take still goes through and crosses.
    expect((await counters.take(takes(5))).map((t) => [t.allowed, t.used, t.remaining])).toEqual([
      [true, 2, 0],
      [true, 14, 0],
    ]);
    const refused = await counters.take(takes(1));
    expect(refused.map((t) => [t.allowed, t.used])).toEqual([
      [false, 2],
      [false, 14],
    ]);
    expect(await counters.peek(a, HOURLY)).toBe(2);

    // A refused take leaves no trace in the buckets that had room, leases included.
    const [full, room, slots] = [name('full'), name('room'), name('slots')];
    await counters.take([untilTake(full, 1, 1)]);
    const mixed = await counters.take([windowTake(room, 1, 9), leaseTake(slots, 'l1', 3), untilTake(full, 1, 1)]);
    expect(mixed.map((t) => t.allowed)).toEqual([true, true, false]);
    expect(await counters.peek(room, HOURLY)).toBe(0);
    expect(await counters.peek(slots, { kind: 'lease', id: '', ms: 0 })).toBe(0);
  });

  it('let exactly the limit through when 200 takes arrive at once', async () => {
    const { counters, name } = make();
    const takes = [windowTake(name('rpm'), 1, 50), leaseTake(name('concurrent'), '', 1000), untilTake(name('usd'), 0.01, 1000)];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => counters.take(takes.map((t) => (t.lasts.kind === 'lease' ? { ...t, lasts: { ...t.lasts, id: `lease-${i}` } } : t)))),
    );
    expect(results.filter((r) => r.every((t) => t.allowed))).toHaveLength(50);
    // The other 150 were refused by the requests per window, and left no trace in the buckets that had room.
    expect(results.filter((r) => !r[0]!.allowed && r[1]!.allowed && r[2]!.allowed)).toHaveLength(150);
    expect(await counters.peek(name('rpm'), HOURLY)).toBe(50);
    expect(await counters.peek(name('concurrent'), { kind: 'lease', id: '', ms: 0 })).toBe(50);
    expect(await counters.peek(name('usd'), UNTIL)).toBeCloseTo(0.5, 9);
  });

  it('settle reservations to the real figures, never below zero, with fractions of a dollar kept', async () => {
    const { counters, name } = make();
    const [usd, tpm] = [name('usd'), name('tpm')];
    const [u, t] = await counters.take([untilTake(usd, 0.0072, 50), windowTake(tpm, 500, 10_000)]);
    expect(t!.window).toBe(Math.floor(Date.now() / HOUR) * HOUR);
    await counters.settle(u!, 0.0072, 0.0031);
    await counters.settle(t!, 500, 120);
    expect(await counters.peek(usd, UNTIL)).toBeCloseTo(0.0031, 12);
    expect(await counters.peek(tpm, HOURLY)).toBe(120);
    await counters.settle(t!, 500, 0);
    expect(await counters.peek(tpm, HOURLY)).toBe(0);
    // A bucket never taken from is not created by a settle.
    await counters.settle({ bucket: name('never') }, 5, 9);
    expect(await counters.peek(name('never'), UNTIL)).toBe(0);
  });

  it('settle and release many at once, as requests ending together do', async () => {
    const { counters, name } = make();
    const [slots, usd, tpm] = [name('slots'), name('usd'), name('tpm')];
    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, i) => counters.take([leaseTake(slots, `s${i}`, 100), untilTake(usd, 1, 1000), windowTake(tpm, 10, 1000)])),
    );
    expect(await counters.peek(slots, { kind: 'lease', id: '', ms: 0 })).toBe(20);
    await Promise.all(
      taken.flatMap(([slot, dollars, tokens], i) => [counters.release({ bucket: slot!.bucket, id: `s${i}` }), counters.settle(dollars!, 1, 0.5), counters.settle(tokens!, 10, 3)]),
    );
    expect(await counters.peek(slots, { kind: 'lease', id: '', ms: 0 })).toBe(0);
    expect(await counters.peek(usd, UNTIL)).toBe(10);
    expect(await counters.peek(tpm, HOURLY)).toBe(60);
  });

  it('start a new window from zero, and leave an ended window alone when settling late', async () => {
    const { counters, name } = make();
    const bucket = name('rpm');
    const ms = 400;
    // Start early in a window, so both takes fall in it.
    await sleep(ms - (Date.now() % ms) + 5);
    const [first] = await counters.take([windowTake(bucket, 1, 2, ms)]);
    await counters.take([windowTake(bucket, 1, 2, ms)]);
    const [full] = await counters.take([windowTake(bucket, 1, 2, ms)]);
    expect(full).toMatchObject({ allowed: false, used: 2, resetAt: first!.window! + ms });
    await sleep(first!.resetAt - Date.now() + 20);
    const [next] = await counters.take([windowTake(bucket, 1, 2, ms)]);
    expect(next).toMatchObject({ allowed: true, used: 1 });
    expect(next!.window).toBeGreaterThanOrEqual(first!.resetAt);
    await counters.settle(first!, 1, 0);
    expect(await counters.peek(bucket, { kind: 'window', ms })).toBe(1);
  });

  it('seed a bucket once, replace it when told, and let it end with its period', async () => {
    const { counters, name } = make();
    const s = name('s');
    await counters.seed(s, 5, Infinity);
    await counters.seed(s, 9, Infinity);
    expect(await counters.peek(s, UNTIL)).toBe(5);
    await counters.take([untilTake(s, 1, 100, Infinity)]);
    expect(await counters.peek(s, UNTIL)).toBe(6);
    await counters.seed(s, 2.5, Infinity, true);
    expect(await counters.peek(s, UNTIL)).toBe(2.5);

    const short = name('short');
    await counters.seed(short, 7, Date.now() + 300);
    expect(await counters.peek(short, UNTIL)).toBe(7);
    await sleep(400);
    expect(await counters.peek(short, UNTIL)).toBe(0);
    // A period that has ended is not seeded.
    await counters.seed(name('past'), 7, Date.now() - 1);
    expect(await counters.peek(name('past'), UNTIL)).toBe(0);
  });

  it('hold a concurrency slot per lease until it is released, renewed, or expires', async () => {
    const { counters, name } = make();
    const slots = name('slots');
    const LEASE = { kind: 'lease', id: '', ms: 0 } as const;
    expect((await counters.take([leaseTake(slots, 'a', 2, 300)]))[0]).toMatchObject({ allowed: true, used: 1, resetAt: Infinity });
    await counters.take([leaseTake(slots, 'b', 2, 300)]);
    expect((await counters.take([leaseTake(slots, 'c', 2, 300)]))[0]).toMatchObject({ allowed: false, used: 2 });
    await counters.release({ bucket: slots, id: 'a' });
    expect(await counters.peek(slots, LEASE)).toBe(1);

    // b is renewed, d is not: after the first lease time only b is still held.
    await counters.take([leaseTake(slots, 'd', 2, 300)]);
    await sleep(200);
    await counters.renew([{ bucket: slots, id: 'b' }], 400);
    await sleep(200);
    expect(await counters.peek(slots, LEASE)).toBe(1);
    expect((await counters.take([leaseTake(slots, 'e', 2, 300)]))[0]).toMatchObject({ allowed: true, used: 2 });
    // An expired lease is not brought back by a renewal.
    await counters.renew([{ bucket: slots, id: 'd' }], 10_000);
    expect(await counters.peek(slots, LEASE)).toBe(2);
    await sleep(500);
    expect(await counters.peek(slots, LEASE)).toBe(0);
  });

  it('peek 0 for buckets that do not exist', async () => {
    const { counters, name } = make();
    expect(await counters.peek(name('none'), UNTIL)).toBe(0);
    expect(await counters.peek(name('none'), { kind: 'window', ms: 1000 })).toBe(0);
    expect(await counters.peek(name('none'), { kind: 'lease', id: '', ms: 0 })).toBe(0);
  });
});

describe('redis counters in Redis', () => {
  it('keep every key under the gateway prefix as a hash tag, with an expiry unless it is a running total', async () => {
    const counters = createRedisCounters(redisPortOf(redis), prefix);
    await counters.take([windowTake('ttl:w', 1, 9), untilTake('ttl:u', 1, 9, Date.now() + 60_000), leaseTake('ttl:l', 'x', 9, 30_000), untilTake('ttl:t', 1, 9, Infinity)]);
    const ttl = async (bucket: string) => redis.pttl(`{${prefix}}:${bucket}`);
    expect(await ttl('ttl:w')).toBeGreaterThan(0);
    expect(await ttl('ttl:w')).toBeLessThanOrEqual(HOUR);
    expect(await ttl('ttl:u')).toBeGreaterThan(50_000);
    expect(await ttl('ttl:l')).toBeGreaterThan(25_000);
    expect(await ttl('ttl:t')).toBe(-1);
  });

  it("count windows on Redis's clock", async () => {
    const counters = createRedisCounters(redisPortOf(redis), prefix);
    const [seconds] = await redis.time();
    const [taken] = await counters.take([windowTake('clock', 1, 9, 3_600_000)]);
    // The hour Redis is in (taken within a second of asking its time).
    expect(taken!.window).toBe(Math.floor((Number(seconds) * 1000) / 3_600_000) * 3_600_000);
  });

  it('tell how many replicas are live', async () => {
    const counters = createRedisCounters(redisPortOf(redis), prefix);
    expect(await counters.heartbeat('r1', 300)).toBe(1);
    expect(await counters.heartbeat('r2', 10_000)).toBe(2);
    expect(await counters.heartbeat('r1', 300)).toBe(2);
    await sleep(400);
    expect(await counters.heartbeat('r2', 10_000)).toBe(1);
  });
});
