import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import type { LogPerformanceRow } from '../store/log-performance.js';
import { invalid, readQuery } from './errors.js';
import { overviewQuery, rangeOf } from './overview.js';

/**
 * /performance: how fast the upstreams answer streamed requests, by model or
 * by upstream over time: time to first token (the log's ttfb_ms) and time per
 * output token after it ((latency - ttfb) / output tokens). Read from the
 * request log rather than the hourly rollups, which keep only sums (means
 * skewed by a few slow requests); percentiles are nearest rank, as on the
 * overview. At most MAX_ROWS rows are read, the newest; `sampled` says the
 * range held more.
 */

const MAX_ROWS = 20_000;
const MAX_BUCKETS = 500;

const BUCKETS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '1d': 86_400_000 } as const;

export const performanceQuery = overviewQuery.extend({
  bucket: z.enum(Object.keys(BUCKETS) as [keyof typeof BUCKETS]).optional().describe('width of one series bucket; default chosen from the range'),
  by: z.enum(['model', 'upstream']).default('model').describe('what the figures are split by'),
});

const figures = {
  value: z.string().describe('the model or upstream id ("" when the request had none)'),
  requests: z.number().int().describe('streamed, successful, uncached requests with a time to first token'),
  ttftP50: z.number().nullable().describe('time to first token, ms, nearest rank'),
  ttftP95: z.number().nullable(),
  perTokenRequests: z.number().int().describe('of those, the ones with more than one output token'),
  perTokenP50: z.number().nullable().describe('ms per output token after the first, nearest rank; null without such requests'),
  perTokenP95: z.number().nullable(),
};

export const performanceView = z.object({
  from: z.number().int().describe('epoch ms'),
  to: z.number().int().describe('epoch ms, exclusive'),
  bucketMs: z.number().int(),
  by: z.enum(['model', 'upstream']),
  sampled: z.boolean().describe(`true when the range held more than ${MAX_ROWS} such requests: the figures are of the newest ${MAX_ROWS}`),
  rows: z.array(z.object(figures)).describe('one per model or upstream over the whole range, the busiest first'),
  buckets: z.array(z.number().int()).describe('every bucket start of the range, epoch ms'),
  series: z.array(z.object({ bucket: z.number().int(), ...figures })).describe('per bucket and model or upstream, only where there were requests'),
});

type Figures = z.infer<z.ZodObject<typeof figures>>;

export function performanceRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = readQuery(c, performanceQuery);
    const range = rangeOf(q, ctx.now());
    const bucketMs = q.bucket === undefined ? range.bucketMs : BUCKETS[q.bucket];
    if ((range.to - range.from) / bucketMs > MAX_BUCKETS)
      throw invalid([{ path: 'bucket', message: `too small for the range: at most ${MAX_BUCKETS} buckets` }], 'invalid_query');
    const { rows, sampled } = await ctx.store.logs.performance({ from: range.from, to: range.to, by: q.by, limit: MAX_ROWS });

    const byValue = groupBy(rows, (r) => r.value);
    const byBucket = groupBy(rows, (r) => `${Math.floor(r.ts / bucketMs) * bucketMs}\u0000${r.value}`);
    const buckets: number[] = [];
    for (let b = Math.floor(range.from / bucketMs) * bucketMs; b < range.to; b += bucketMs) buckets.push(b);

    const view: z.infer<typeof performanceView> = {
      from: range.from,
      to: range.to,
      bucketMs,
      by: q.by,
      sampled,
      rows: [...byValue].map(([value, group]) => figuresOf(value, group)).sort((a, b) => b.requests - a.requests || a.value.localeCompare(b.value)),
      buckets,
      series: [...byBucket]
        .map(([key, group]) => ({ bucket: Number(key.split('\u0000')[0]), ...figuresOf(group[0]!.value, group) }))
        .sort((a, b) => a.bucket - b.bucket || a.value.localeCompare(b.value)),
    };
    return c.json(view);
  });

  return app;
}

function figuresOf(value: string, rows: LogPerformanceRow[]): Figures {
  const ttft = rows.map((r) => r.ttfbMs);
  const perToken = rows.filter((r) => r.outputTokens > 1).map((r) => Math.max(0, r.latencyMs - r.ttfbMs) / r.outputTokens);
  return {
    value,
    requests: rows.length,
    ttftP50: nearestRank(ttft, 0.5),
    ttftP95: nearestRank(ttft, 0.95),
    perTokenRequests: perToken.length,
    perTokenP50: round(nearestRank(perToken, 0.5)),
    perTokenP95: round(nearestRank(perToken, 0.95)),
  };
}

/** The first value, in order, whose running count reaches that share of all: the overview's definition. */
function nearestRank(values: number[], share: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * share) - 1)]!;
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(keyOf(item));
    if (list) list.push(item);
    else out.set(keyOf(item), [item]);
  }
  return out;
}
