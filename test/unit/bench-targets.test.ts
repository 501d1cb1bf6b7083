import { describe, expect, it } from 'vitest';
import { drift, judge, tally, type Verdict } from '../../bench/targets.js';

const of = (verdicts: Verdict[], id: string, storage: 'sqlite' | 'shared' = 'sqlite') => verdicts.find((v) => v.id === id && v.storage === storage)!;
const minute = (p50: number, p99: number, rssMb: number, errors = 0) => ({ p50, p99, rssMb, errors, requests: 30_000 });

describe('bench targets', () => {
  it('reports every target as not run when nothing was measured, never as a pass', () => {
    const verdicts = judge({});
    expect(verdicts.length).toBeGreaterThan(20);
    expect(verdicts.every((v) => v.outcome === 'not run' && v.value === '-')).toBe(true);
    // The Redis round trip is judged for PostgreSQL + Redis only.
    expect(verdicts.filter((v) => v.id === 'shared-added-p50').map((v) => v.storage)).toEqual(['shared']);
  });

  it('judges each figure against its limit, the limit itself passing', () => {
    const verdicts = judge({
      sqlite: {
        throughputRatio: 0.8,
        streamThroughputRatio: 0.79,
        addedP50Ms: 0.45,
        addedP99Ms: 2.5,
        addedTtfbMs: 0.4,
        addedTtfbTranslatedMs: 1.6,
        bigRequestAddedMs: 0.9,
        pacedRssMb: 151,
      },
    });
    expect(of(verdicts, 'throughput')).toMatchObject({ outcome: 'pass', value: '0.80x' });
    expect(of(verdicts, 'stream-throughput').outcome).toBe('fail');
    expect(of(verdicts, 'added-p50')).toMatchObject({ outcome: 'pass', value: '+0.45 ms' });
    expect(of(verdicts, 'added-p99').outcome).toBe('fail');
    expect(of(verdicts, 'ttfb').outcome).toBe('pass');
    expect(of(verdicts, 'ttfb-translated').outcome).toBe('fail');
    expect(of(verdicts, 'big-request').outcome).toBe('pass');
    expect(of(verdicts, 'paced-rss')).toMatchObject({ outcome: 'fail', value: '151 MB' });
    expect(of(verdicts, 'throughput', 'shared').outcome).toBe('not run');
  });

  it('treats a figure that is not a number as not run', () => {
    const verdicts = judge({ sqlite: { throughputRatio: NaN, addedP50Ms: Infinity } });
    expect(of(verdicts, 'throughput').outcome).toBe('not run');
    expect(of(verdicts, 'added-p50').outcome).toBe('not run');
  });

  it('needs every slow stream complete and recorded, under the memory limit', () => {
    const ok = judge({ sqlite: { slowStreams: { count: 2000, completed: 2000, failed: 0, peakRssMb: 280, recorded: 2000 } } });
    expect(['slow-streams-rss', 'slow-streams-complete', 'slow-streams-recorded'].map((id) => of(ok, id).outcome)).toEqual(['pass', 'pass', 'pass']);
    const bad = judge({ shared: { slowStreams: { count: 2000, completed: 1999, failed: 1, peakRssMb: 310, recorded: 1999 } } });
    expect(['slow-streams-rss', 'slow-streams-complete', 'slow-streams-recorded'].map((id) => of(bad, id, 'shared').outcome)).toEqual(['fail', 'fail', 'fail']);
    // Rows not counted (no report from the gateway): not run, not a pass.
    const unknown = judge({ sqlite: { slowStreams: { count: 10, completed: 10, failed: 0, peakRssMb: 100 } } });
    expect(of(unknown, 'slow-streams-recorded').outcome).toBe('not run');
  });

  it('calls a soak flat within 10 % from the first minute to the last, with no errors', () => {
    const flat = judge({ sqlite: { soak: { minutes: [minute(1, 5, 100), minute(3, 50, 500), minute(1.09, 4.6, 109)] } } });
    expect(['soak-rss', 'soak-p50', 'soak-p99', 'soak-errors'].map((id) => of(flat, id).outcome)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(of(flat, 'soak-rss').value).toBe('100 MB -> 109 MB (+9 %)');
    const growing = judge({ sqlite: { soak: { minutes: [minute(1, 5, 100), minute(1, 5, 115, 2)] } } });
    expect(['soak-rss', 'soak-p50', 'soak-errors'].map((id) => of(growing, id).outcome)).toEqual(['fail', 'pass', 'fail']);
    // One minute has nothing to compare; errors are still counted.
    const short = judge({ sqlite: { soak: { minutes: [minute(1, 5, 100)] } } });
    expect(of(short, 'soak-rss').outcome).toBe('not run');
    expect(of(short, 'soak-errors').outcome).toBe('pass');
    expect(drift([minute(2, 4, 100), minute(1, 4, 100)], 'p50')).toBe(-0.5);
  });

  it('judges the Redis round trip on PostgreSQL + Redis and counts outcomes', () => {
    const verdicts = judge({ shared: { addedP50OverSqliteMs: 0.31 } });
    expect(of(verdicts, 'shared-added-p50', 'shared').outcome).toBe('fail');
    expect(tally(verdicts)).toEqual({ pass: 0, fail: 1, 'not run': verdicts.length - 1 });
  });
});
