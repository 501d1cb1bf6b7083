import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { HOUR, logRow, T0 } from './records.js';

describeStores('store log stats', ({ store }) => {
  it('sums, counts cache hits and takes nearest-rank percentiles, in total and per bucket', async () => {
    // Hour one: latencies 10..100 (ten rows); hour two: one row of 500.
    const rows = Array.from({ length: 10 }, (_, i) =>
      logRow({ id: `a${i}`, ts: T0 + i, latencyMs: (i + 1) * 10, cacheStatus: i < 3 ? 'HIT' : i < 5 ? 'MISS' : null, outcome: i === 0 ? 'error' : 'ok', costUsd: i === 9 ? null : 0.01 }),
    );
    rows.push(logRow({ id: 'b0', ts: T0 + HOUR, latencyMs: 500, keyId: 'key-b', model: 'other', costUsd: null, cacheStatus: null }));
    await store().logs.write(rows);

    const stats = await store().logs.stats({ from: T0, to: T0 + 2 * HOUR, bucketMs: HOUR, top: 5 });
    expect(stats.totals).toEqual({
      requests: 11,
      errors: 1,
      inputTokens: 1100,
      outputTokens: 550,
      cacheReadTokens: 110,
      cacheWriteTokens: 55,
      reasoningTokens: 220,
      costUsd: 0.09,
      cacheHits: 3,
      cacheLookups: 5,
      latencyP50: 60,
      latencyP95: 500,
    });
    expect(stats.series.map((s) => [s.bucket, s.requests, s.latencyP50, s.latencyP95, s.costUsd])).toEqual([
      [T0, 10, 50, 100, 0.09],
      [T0 + HOUR, 1, 500, 500, null],
    ]);
    expect(stats.top.key).toEqual([
      { value: 'key-a', requests: 10, errors: 1, tokens: 1650, costUsd: 0.09 },
      { value: 'key-b', requests: 1, errors: 0, tokens: 165, costUsd: null },
    ]);
    expect(stats.top.model.map((t) => t.value)).toEqual(['gpt-test', 'other']);
    expect(stats.top.upstream.map((t) => [t.value, t.requests])).toEqual([['oai', 11]]);
  });

  it('takes the same nearest ranks in total as per bucket when latencies repeat', async () => {
    const latencies = [30, 10, 20, 30, 10, 40, 30, 20, 10, 30];
    await store().logs.write(latencies.map((latencyMs, i) => logRow({ id: `r${i}`, ts: T0 + i, latencyMs })));
    const stats = await store().logs.stats({ from: T0, to: T0 + HOUR, bucketMs: HOUR, top: 1 });
    // Sorted: 10 10 10 20 20 30 30 30 30 40; rank 5 is 20, rank 10 (>= 9.5) is 40.
    expect([stats.totals.latencyP50, stats.totals.latencyP95]).toEqual([20, 40]);
    expect(stats.series.map((s) => [s.latencyP50, s.latencyP95])).toEqual([[20, 40]]);
  });

  it('gives zeros and nulls over an empty range', async () => {
    const stats = await store().logs.stats({ from: T0, to: T0 + HOUR, bucketMs: 60_000, top: 3 });
    expect(stats.totals).toMatchObject({ requests: 0, errors: 0, inputTokens: 0, costUsd: null, latencyP50: null, latencyP95: null });
    expect(stats.series).toEqual([]);
    expect(stats.top.key).toEqual([]);
  });
});
