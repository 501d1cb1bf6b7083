import { expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { pruneRequestLog } from '../../src/usage/log-retention.js';
import { describeStores } from './stores.js';
import { HOUR, logRow } from './records.js';

const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 6, 12);
const body = (requestId: string) => ({ requestId, mode: 'full' as const, requestBody: 'q', responseBody: 'a', requestTruncated: false, responseTruncated: false });

describeStores('request-log retention', ({ store }) => {
  const seed = async () => {
    await store().logs.write(
      [logRow({ id: 'old', ts: NOW - 40 * DAY }), logRow({ id: 'week', ts: NOW - 8 * DAY }), logRow({ id: 'today', ts: NOW - HOUR })],
      [body('old'), body('week'), body('today')],
    );
  };
  const left = async () => ({
    rows: (await store().logs.query({ limit: 10, offset: 0 })).data.map((r) => r.id),
    bodies: (await Promise.all(['old', 'week', 'today'].map(async (id) => ((await store().logs.bodies(id)) ? id : null)))).filter(Boolean),
  });

  it('keeps everything when the config sets no retention', async () => {
    await seed();
    const logs = configSchema.parse({}).logs;
    await pruneRequestLog(store(), logs, NOW, () => {});
    expect(await left()).toEqual({ rows: ['today', 'week', 'old'], bodies: ['old', 'week', 'today'] });
  });

  it('deletes rows past retentionDays with their bodies, and bodies past bodiesRetentionDays, keeping usage totals', async () => {
    await seed();
    const logged: string[] = [];
    const logs = configSchema.parse({ logs: { retentionDays: 30, bodiesRetentionDays: 7 } }).logs;
    await pruneRequestLog(store(), logs, NOW, (m) => logged.push(m));
    expect(await left()).toEqual({ rows: ['today', 'week'], bodies: ['today'] });
    expect(logged).toEqual(['request-log retention: deleted 1 rows and 2 logged bodies']);
    const [usage] = await store().usage.query({ by: 'model', from: NOW - 41 * DAY, to: NOW });
    expect(usage.requests).toBe(3);
  });

  it('prunes bodies alone when only bodiesRetentionDays is set', async () => {
    await seed();
    await pruneRequestLog(store(), { bodiesRetentionDays: 1 }, NOW, () => {});
    expect(await left()).toEqual({ rows: ['today', 'week', 'old'], bodies: ['today'] });
  });

  it('keeps the newest maxRows rows, deleting the older ones with their bodies (ties in time go by id)', async () => {
    await store().logs.write(
      [logRow({ id: 'a', ts: NOW - 3 * HOUR }), logRow({ id: 'b', ts: NOW - 2 * HOUR }), logRow({ id: 'c', ts: NOW - 2 * HOUR }), logRow({ id: 'd', ts: NOW - HOUR })],
      [body('a'), body('b'), body('c'), body('d')],
    );
    const logged: string[] = [];
    await pruneRequestLog(store(), { maxRows: 2 }, NOW, (m) => logged.push(m));
    expect((await store().logs.query({ limit: 10, offset: 0 })).data.map((r) => r.id)).toEqual(['d', 'c']);
    expect(await store().logs.bodies('b')).toBeUndefined();
    expect(await store().logs.bodies('c')).toBeDefined();
    expect(logged).toEqual(['request-log retention: deleted 2 rows and 2 logged bodies']);
    const [usage] = await store().usage.query({ by: 'model', from: NOW - DAY, to: NOW });
    expect(usage.requests).toBe(4);
    // At the limit, nothing more goes.
    expect(await store().logs.prune({ maxRows: 2 })).toEqual({ rows: 0, bodies: 0 });
  });

  it('prunes by count across slices, oldest first', async () => {
    const rows = Array.from({ length: 620 }, (_, i) => logRow({ id: `r${String(i).padStart(5, '0')}`, ts: NOW - DAY + i * 1000 }));
    await store().logs.write(rows);
    expect(await store().logs.prune({ maxRows: 50 })).toEqual({ rows: 570, bodies: 0 });
    const left = (await store().logs.query({ limit: 100, offset: 0 })).data.map((r) => r.id);
    expect(left).toHaveLength(50);
    expect(left.at(-1)).toBe('r00570');
    expect(left[0]).toBe('r00619');
  });

  it('applies age first, then count', async () => {
    await seed();
    await store().logs.write([logRow({ id: 'now', ts: NOW - 1000 })]);
    expect(await store().logs.prune({ before: NOW - 30 * DAY, maxRows: 2 })).toEqual({ rows: 2, bodies: 2 });
    expect((await left()).rows).toEqual(['now', 'today']);
  });

  it('keeps logged bodies within bodiesMaxBytes, newest first, counting UTF-8 bytes; the rows stay', async () => {
    // 'é' is two bytes: each body below is 10 + 10 = 20 bytes.
    const sized = (requestId: string) => ({ ...body(requestId), requestBody: 'ééééé', responseBody: '0123456789' });
    await store().logs.write(
      ['b1', 'b2', 'b3', 'b4'].map((id, i) => logRow({ id, ts: NOW - (4 - i) * HOUR })),
      ['b1', 'b2', 'b3', 'b4'].map(sized),
    );
    expect(await store().logs.prune({ bodiesMaxBytes: 59 })).toEqual({ rows: 0, bodies: 2 });
    const kept = await Promise.all(['b1', 'b2', 'b3', 'b4'].map(async (id) => (await store().logs.bodies(id)) !== undefined));
    expect(kept).toEqual([false, false, true, true]);
    expect((await store().logs.query({ limit: 10, offset: 0 })).data).toHaveLength(4);
    expect(await store().logs.prune({ bodiesMaxBytes: 40 })).toEqual({ rows: 0, bodies: 0 });
    expect(await store().logs.prune({ bodiesMaxBytes: 39 })).toEqual({ rows: 0, bodies: 1 });
  });
});
