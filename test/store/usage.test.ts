import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { HOUR, logRow, T0 } from './records.js';

const DAY = 24 * HOUR;

describeStores('store usage rollups', ({ store }) => {
  it('sums by each dimension over whole hours, biggest first, every figure a number', async () => {
    await store().logs.write([
      logRow({ id: 'a', ts: T0 + 10, keyId: 'k1', group: 'g1', model: 'm1', upstreamId: 'u1', latencyMs: 100, ttfbMs: 40 }),
      logRow({ id: 'b', ts: T0 + 20, keyId: 'k1', group: 'g1', model: 'm2', upstreamId: 'u1', latencyMs: 300, ttfbMs: null, outcome: 'error', status: 500 }),
      logRow({ id: 'c', ts: T0 + HOUR, keyId: 'k2', group: 'g2', model: 'm1', upstreamId: 'u2', costUsd: null }),
    ]);
    const by = async (dimension: 'key' | 'group' | 'model' | 'upstream', from = T0, to = T0 + 2 * HOUR) =>
      (await store().usage.query({ by: dimension, from, to })).map((r) => [r.value, r.requests]);
    expect(await by('key')).toEqual([['k1', 2], ['k2', 1]]);
    expect(await by('group')).toEqual([['g1', 2], ['g2', 1]]);
    expect(await by('model')).toEqual([['m1', 2], ['m2', 1]]);
    expect(await by('upstream')).toEqual([['u1', 2], ['u2', 1]]);
    // A range starting mid-hour includes that whole hour; one ending at the next hour leaves it out.
    expect(await by('key', T0 + 30 * 60_000, T0 + HOUR)).toEqual([['k1', 2]]);

    const [k1] = await store().usage.query({ by: 'key', from: T0, to: T0 + HOUR });
    expect(k1).toEqual({
      value: 'k1',
      requests: 2,
      errors: 1,
      inputTokens: 200,
      outputTokens: 100,
      cacheReadTokens: 20,
      cacheWriteTokens: 10,
      reasoningTokens: 40,
      latencyMsAvg: 200,
      ttfbMsAvg: 20,
      costUsd: 0.025,
      unpricedRequests: 0,
      images: 0,
      audioSeconds: 0,
      characters: 0,
      searches: 0,
      webSearches: 0,
    });
  });

  it('keeps a row\'s units and sums them per hour beside the tokens', async () => {
    await store().logs.write([
      logRow({ id: 'a', model: 'img', units: { images: 2, imageSize: '1024x1024', imageQuality: 'hd' } }),
      logRow({ id: 'b', model: 'img', units: { images: 1, imageSize: '512x512' } }),
      logRow({ id: 'c', model: 'whisper', units: { audioSeconds: 12.5 } }),
      logRow({ id: 'd', model: 'whisper', units: { audioSeconds: 0.25 } }),
      logRow({ id: 'e', model: 'tts', units: { characters: 300 } }),
      logRow({ id: 'f', model: 'rerank', units: { searches: 3 } }),
      logRow({ id: 'g', model: 'chat' }),
      logRow({ id: 'h', model: 'searching', units: { webSearches: 2 } }),
      logRow({ id: 'i', model: 'searching', units: { webSearches: 1 } }),
    ]);
    const rows = await store().usage.query({ by: 'model', from: T0, to: T0 + HOUR });
    const units = Object.fromEntries(rows.map((r) => [r.value, [r.images, r.audioSeconds, r.characters, r.searches, r.webSearches]]));
    expect(units).toEqual({
      img: [3, 0, 0, 0, 0],
      whisper: [0, 12.75, 0, 0, 0],
      tts: [0, 0, 300, 0, 0],
      rerank: [0, 0, 0, 3, 0],
      chat: [0, 0, 0, 0, 0],
      searching: [0, 0, 0, 0, 3],
    });
    const page = await store().logs.query({ limit: 10, offset: 0 });
    const byId = Object.fromEntries(page.data.map((r) => [r.id, r.units]));
    expect(byId.a).toEqual({ images: 2, imageSize: '1024x1024', imageQuality: 'hd' });
    expect(byId.c).toEqual({ audioSeconds: 12.5 });
    expect(byId.g).toBeNull();
  });

  it('tells unpriced requests apart: null when none was priced, a partial sum otherwise', async () => {
    await store().logs.write([
      logRow({ id: 'a', model: 'free', costUsd: null }),
      logRow({ id: 'b', model: 'mixed', costUsd: null }),
      logRow({ id: 'c', model: 'mixed', costUsd: 0.1 }),
      logRow({ id: 'd', model: 'mixed', costUsd: 0.2 }),
    ]);
    const rows = await store().usage.query({ by: 'model', from: T0, to: T0 + HOUR });
    expect(rows.map((r) => [r.value, r.costUsd, r.unpricedRequests])).toEqual([
      ['mixed', 0.3, 1],
      ['free', null, 1],
    ]);
  });

  it('buckets by hour and by day (UTC), in time order', async () => {
    await store().logs.write([
      logRow({ id: 'a', ts: T0 }),
      logRow({ id: 'b', ts: T0 + HOUR + 5 }),
      logRow({ id: 'c', ts: T0 + HOUR + 6 }),
      logRow({ id: 'd', ts: T0 + DAY }),
    ]);
    const range = { by: 'model' as const, from: T0 - DAY, to: T0 + 2 * DAY };
    const hourly = await store().usage.query({ ...range, interval: 'hour' });
    expect(hourly.map((r) => [r.bucket, r.requests])).toEqual([
      [T0, 1],
      [T0 + HOUR, 2],
      [T0 + DAY, 1],
    ]);
    const daily = await store().usage.query({ ...range, interval: 'day' });
    const day0 = Math.floor(T0 / DAY) * DAY;
    expect(daily.map((r) => [r.bucket, r.requests])).toEqual([
      [day0, 3],
      [day0 + DAY, 1],
    ]);
  });

  it('counts huge token figures exactly (bigint sums)', async () => {
    const big = 2_000_000_000;
    await store().logs.write([logRow({ id: 'a', inputTokens: big }), logRow({ id: 'b', inputTokens: big }), logRow({ id: 'c', inputTokens: big })]);
    const [row] = await store().usage.query({ by: 'model', from: T0, to: T0 + HOUR });
    expect(row.inputTokens).toBe(3 * big);
  });
});
