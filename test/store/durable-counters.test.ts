import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountersUnavailableError, type Take } from '../../src/store/counters.js';
import type { DurableObjectId, DurableObjectNamespace } from '../../src/platform/workers/bindings.js';
import { createDurableCounters } from '../../src/platform/workers/durable-counters.js';
import { startCounterObjects, type CounterObjects } from './durable-objects-test.js';

/**
 * What the counters in Durable Objects add to the conformance suite (which
 * runs them too): exact counts when many requests hit one object at once,
 * state kept in storage across a restart, objects that empty themselves when
 * their counts end, how many calls a request costs, and objects that cannot
 * be reached. Real objects in workerd, through Miniflare.
 */
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const UNTIL = { kind: 'until', resetAt: Infinity } as const;
const HOURLY = { kind: 'window', ms: HOUR } as const;
const LEASE = { kind: 'lease', id: '', ms: 0 } as const;
/** Hundreds of calls through Miniflare's proxy: seconds on a quiet machine, many more on a loaded one. */
const HEAVY = { timeout: 60_000 };

let objects: CounterObjects;
let run = 0;
/** A bucket name of this test's own. */
const own = (bucket: string) => `d${run}:${bucket}`;

beforeAll(async () => {
  objects = await startCounterObjects();
});

afterAll(async () => {
  await objects.mf.dispose();
});

/** The namespace with every call to an object counted. */
function counting(ns: DurableObjectNamespace): { ns: DurableObjectNamespace; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    ns: {
      idFromName: (name) => ns.idFromName(name),
      get: (id) => {
        const stub = ns.get(id);
        return {
          fetch: async (input, init) => {
            calls.push((JSON.parse(String(init?.body)) as { op: string }).op);
            return stub.fetch(input, init);
          },
        };
      },
    },
  };
}

/** Buckets named `down:…` are objects that throw on every call; the others count. */
function partlyDown(): DurableObjectNamespace {
  return {
    idFromName: (name) => ({ toString: () => name }),
    get: (id: DurableObjectId) => {
      const name = id.toString();
      const ns = name.startsWith('down:') ? objects.broken : objects.counters;
      return ns.get(ns.idFromName(name));
    },
  };
}

describe('counters in Durable Objects', () => {
  it('let exactly 50 of 200 concurrent requests through one object', HEAVY, async () => {
    run++;
    const counters = createDurableCounters(objects.counters);
    const take: Take = { bucket: own('rpm'), amount: 1, limit: 50, lasts: HOURLY };
    const results = await Promise.all(Array.from({ length: 200 }, () => counters.take([take])));
    expect(results.filter(([t]) => t!.allowed)).toHaveLength(50);
    // Each let-through request saw its own count: 1 to 50, once each.
    expect(
      results
        .filter(([t]) => t!.allowed)
        .map(([t]) => t!.used)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await counters.peek(own('rpm'), HOURLY)).toBe(50);
  });

  it('keep a budget exact while requests reserve and settle at once', HEAVY, async () => {
    run++;
    const counters = createDurableCounters(objects.counters);
    const budget = own('tokens:month');
    const take: Take = { bucket: budget, amount: 10, limit: 1000, lasts: { kind: 'until', resetAt: Date.now() + HOUR } };
    // 200 reserve 10 each: exactly 100 fit under 1000.
    const first = await Promise.all(Array.from({ length: 200 }, () => counters.take([take])));
    const admitted = first.filter(([t]) => t!.allowed);
    expect(admitted).toHaveLength(100);
    // They all end using 5, at once and while 100 more try: 500 spent after them, and nothing lost on the way.
    const [, during] = await Promise.all([
      Promise.all(admitted.map(([t]) => counters.settle(t!, 10, 5))),
      Promise.all(Array.from({ length: 100 }, () => counters.take([{ ...take, amount: 0, limit: 1000 }]))),
    ]);
    expect(during.every(([t]) => !t!.allowed || t!.used <= 1000)).toBe(true);
    expect(await counters.peek(budget, UNTIL)).toBe(500);
    const third = await Promise.all(Array.from({ length: 200 }, () => counters.take([take])));
    expect(third.filter(([t]) => t!.allowed)).toHaveLength(50);
    expect(await counters.peek(budget, UNTIL)).toBe(1000);
  });

  it('make one call per bucket for a take, one per bucket for the ends of requests ending together, and undo only what a refused take added', async () => {
    run++;
    const { ns, calls } = counting(objects.counters);
    const counters = createDurableCounters(ns);
    const takes = (i: number): Take[] => [
      { bucket: own('slots'), amount: 1, limit: 10, lasts: { kind: 'lease', id: `l${i}`, ms: 60_000 } },
      { bucket: own('tpm'), amount: 100, limit: 10_000, lasts: HOURLY },
      { bucket: own('usd'), amount: 0.5, limit: 1.2, lasts: { kind: 'until', resetAt: Date.now() + HOUR } },
    ];
    const taken = await Promise.all([counters.take(takes(1)), counters.take(takes(2))]);
    expect(calls.splice(0)).toEqual(Array(6).fill('take'));
    // Both requests end in the same turn: release and settle of three buckets, three calls.
    await Promise.all(
      taken.flatMap(([slot, tpm, usd], i) => [counters.release({ bucket: slot!.bucket, id: `l${i + 1}` }), counters.settle(tpm!, 100, 40), counters.settle(usd!, 0.5, 0.625)]),
    );
    expect(calls.splice(0)).toEqual(['finish', 'finish', 'finish']);
    // 1.25 spent: the next request is refused by the budget, and its slot and tokens are given back.
    const refused = await counters.take(takes(3));
    expect(refused.map((t) => [t.allowed, t.used])).toEqual([
      [true, 0],
      [true, 80],
      [false, 1.25],
    ]);
    expect(calls.splice(0)).toEqual(['take', 'take', 'take', 'finish', 'finish']);
    expect(await counters.peek(own('slots'), LEASE)).toBe(0);
    expect(await counters.peek(own('tpm'), HOURLY)).toBe(80);
  });

  it('hand each settle and release to defer, so the request is kept alive until the object has it', async () => {
    run++;
    const deferred: Promise<unknown>[] = [];
    const counters = createDurableCounters(objects.counters, { defer: (work) => deferred.push(work) });
    const [slot, usd] = await counters.take([
      { bucket: own('slots'), amount: 1, limit: 10, lasts: { kind: 'lease', id: 'a', ms: 60_000 } },
      { bucket: own('usd'), amount: 1, limit: 10, lasts: UNTIL },
    ]);
    expect(deferred).toHaveLength(0);
    // As the limits do after a response: neither is awaited.
    void counters.release({ bucket: slot!.bucket, id: 'a' });
    void counters.settle(usd!, 1, 0.25);
    expect(deferred).toHaveLength(2);
    await Promise.all(deferred);
    expect(await counters.peek(own('slots'), LEASE)).toBe(0);
    expect(await counters.peek(own('usd'), UNTIL)).toBe(0.25);
  });

  // One client for the isolate, as the Worker has: ends of requests made together may go out in one call.
  it('settle after the answers of 300 requests at once inside the runtime, none lost', HEAVY, async () => {
    run++;
    const bucket = own('usd');
    const answers = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const res = await objects.mf.dispatchFetch(`http://gateway/?bucket=${encodeURIComponent(bucket)}&amount=10&actual=1&limit=100000`);
        return (await res.json()) as { allowed: boolean };
      }),
    );
    expect(answers.every((a) => a.allowed)).toBe(true);
    // Each reserved 10 and used 1: once every request's waitUntil is done, 300 is left.
    const counters = createDurableCounters(objects.counters);
    await expect.poll(() => counters.peek(bucket, UNTIL), { timeout: 5000 }).toBe(300);
  });

  it('keep counts in storage across a restart of the runtime', async () => {
    run++;
    const dir = await mkdtemp(join(tmpdir(), 'sb-counters-'));
    try {
      const before = await startCounterObjects(dir);
      try {
        const counters = createDurableCounters(before.counters);
        await counters.take([
          { bucket: own('rpm'), amount: 3, limit: 10, lasts: HOURLY },
          { bucket: own('slots'), amount: 1, limit: 10, lasts: { kind: 'lease', id: 'kept', ms: 60_000 } },
          { bucket: own('usd'), amount: 0.25, limit: 10, lasts: UNTIL },
        ]);
      } finally {
        await before.mf.dispose();
      }
      const after = await startCounterObjects(dir);
      try {
        const counters = createDurableCounters(after.counters);
        expect(await counters.peek(own('rpm'), HOURLY)).toBe(3);
        expect(await counters.peek(own('slots'), LEASE)).toBe(1);
        expect(await counters.peek(own('usd'), UNTIL)).toBe(0.25);
        // The lease is still the same one: releasing it by id frees the slot.
        await counters.release({ bucket: own('slots'), id: 'kept' });
        expect(await counters.peek(own('slots'), LEASE)).toBe(0);
      } finally {
        await after.mf.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('empty an object once its window, period or leases have ended, and keep running totals', async () => {
    run++;
    const counters = createDurableCounters(objects.inspected);
    const stored = async (bucket: string) => {
      const stub = objects.inspected.get(objects.inspected.idFromName(bucket));
      return (await (await stub.fetch('https://counter-bucket/stored')).json()) as string[];
    };
    const ms = 1500;
    await counters.take([
      { bucket: own('rpm'), amount: 1, limit: 10, lasts: { kind: 'window', ms } },
      { bucket: own('slots'), amount: 1, limit: 10, lasts: { kind: 'lease', id: 'a', ms } },
      { bucket: own('usd:day'), amount: 1, limit: 10, lasts: { kind: 'until', resetAt: Date.now() + ms } },
      { bucket: own('usd:total'), amount: 1, limit: 10, lasts: UNTIL },
    ]);
    expect(await stored(own('slots'))).toEqual(['l:a']);
    expect(await stored(own('usd:day'))).toEqual(['u']);
    // Nobody asks these objects again: their alarms empty them.
    await sleep(ms + 600);
    expect(await stored(own('rpm'))).toEqual([]);
    expect(await stored(own('slots'))).toEqual([]);
    expect(await stored(own('usd:day'))).toEqual([]);
    expect(await stored(own('usd:total'))).toEqual(['u']);
  });

  it('renew and release hundreds of leases of one bucket at once (more keys than one storage call may name)', HEAVY, async () => {
    run++;
    const counters = createDurableCounters(objects.inspected);
    const slots = own('slots');
    const ids = Array.from({ length: 300 }, (_, i) => `s${i}`);
    await Promise.all(ids.map((id) => counters.take([{ bucket: slots, amount: 1, limit: 1000, lasts: { kind: 'lease', id, ms: 60_000 } }])));
    await counters.renew(
      ids.map((id) => ({ bucket: slots, id })),
      120_000,
    );
    expect(await counters.peek(slots, LEASE)).toBe(300);
    await Promise.all(ids.map((id) => counters.release({ bucket: slots, id })));
    expect(await counters.peek(slots, LEASE)).toBe(0);
    const stub = objects.inspected.get(objects.inspected.idFromName(slots));
    expect(await (await stub.fetch('https://counter-bucket/stored')).json()).toEqual([]);
  });

  it('throw CountersUnavailableError when an object cannot serve, having given back what the others took', async () => {
    run++;
    const counters = createDurableCounters(partlyDown());
    const take = counters.take([
      { bucket: own('rpm'), amount: 1, limit: 10, lasts: HOURLY },
      { bucket: `down:${own('tpm')}`, amount: 100, limit: 1000, lasts: HOURLY },
    ]);
    await expect(take).rejects.toBeInstanceOf(CountersUnavailableError);
    await expect(take).rejects.toThrow(/limit counters \(Durable Objects\) cannot be reached: .*broken/);
    expect(await counters.peek(own('rpm'), HOURLY)).toBe(0);
    await expect(counters.seed(`down:${own('usd')}`, 1, Infinity)).rejects.toBeInstanceOf(CountersUnavailableError);
    expect(counters.health()).toMatchObject({ store: 'durable-objects', state: 'down', onUnavailable: 'failClosed', outages: 1, refused: 1, countedAlone: 0 });
    expect(counters.health().lastError).toMatch(/broken/);
    // A bucket that answers and refuses refuses the request as over its limit, not as unavailable.
    const full = own('full');
    await counters.seed(full, 1, Infinity);
    const refused = await counters.take([
      { bucket: own('rpm'), amount: 1, limit: 10, lasts: HOURLY },
      { bucket: full, amount: 1, limit: 1, lasts: UNTIL },
      { bucket: `down:${own('tpm')}`, amount: 100, limit: 1000, lasts: HOURLY },
    ]);
    expect(refused.map((t) => t.allowed)).toEqual([true, false, true]);
    expect(await counters.peek(own('rpm'), HOURLY)).toBe(0);
    // The next take that reaches every object ends the outage.
    await counters.take([{ bucket: own('rpm'), amount: 1, limit: 10, lasts: HOURLY }]);
    expect(counters.health()).toMatchObject({ state: 'up', downSince: null, outages: 1 });
  });

  it('failing open, let requests through uncounted by an object that cannot serve, while the others still count and refuse', async () => {
    run++;
    const logs: string[] = [];
    const counters = createDurableCounters(partlyDown(), { onUnavailable: 'failOpen', log: (m) => logs.push(m) });
    const takes = (limit: number): Take[] => [
      { bucket: own('rpm'), amount: 1, limit, lasts: HOURLY },
      { bucket: `down:${own('tpm')}`, amount: 100, limit: 1000, lasts: HOURLY },
    ];
    const [rpm, tpm] = await counters.take(takes(1));
    expect([rpm!.allowed, rpm!.used, tpm!.allowed, tpm!.used]).toEqual([true, 1, true, 0]);
    // Settling what was not counted does not call the object that cannot serve.
    await counters.settle(tpm!, 100, 20);
    expect((await counters.take(takes(1))).map((t) => t.allowed)).toEqual([false, true]);
    expect(await counters.peek(own('rpm'), HOURLY)).toBe(1);
    await counters.seed(`down:${own('usd')}`, 1, Infinity);
    // One line when the outage starts, not one per request.
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/cannot be reached.*uncounted/);
    expect(counters.health()).toMatchObject({ state: 'down', onUnavailable: 'failOpen', outages: 1, countedAlone: 1, refused: 0 });
  });
});
