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
});
