import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import type { LogStatsFigures } from '../store/log-stats.js';
import { invalid, readQuery } from './errors.js';
import { instant } from './schemas.js';
import { ZERO_USAGE } from '../translate/ir.js';

/**
 * /overview: what the dashboard's first page shows for a time range: totals,
 * error rate, cache hit ratio, p50 / p95 latency, the same figures per time
 * bucket for the charts, and the busiest keys, groups, models and upstreams.
 * Read from the request log (Store.logs.stats), so percentiles are exact.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Named ranges and the bucket each is charted in. */
const RANGES = {
  '1h': { span: HOUR_MS, bucket: 5 * MINUTE_MS },
  '24h': { span: DAY_MS, bucket: HOUR_MS },
  '7d': { span: 7 * DAY_MS, bucket: 6 * HOUR_MS },
  '30d': { span: 30 * DAY_MS, bucket: DAY_MS },
} as const;

/** Bucket sizes a custom range may get: the smallest that keeps a chart at or under MAX_BUCKETS points. */
const BUCKET_SIZES = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, HOUR_MS, 6 * HOUR_MS, DAY_MS, 7 * DAY_MS];
const MAX_BUCKETS = 60;
const TOP_ROWS = 5;

export const overviewQuery = z.object({
  range: z.enum(Object.keys(RANGES) as [keyof typeof RANGES]).optional().describe('a named range ending now; default 24h'),
  from: instant.optional().describe('start of a custom range (instead of range)'),
  to: instant.optional().describe('end of a custom range, exclusive; default now'),
});

const figures = {
  requests: z.number().int(),
  errors: z.number().int().describe('requests whose outcome was not ok'),
  inputTokens: z.number().int().describe('input tokens not read from a cache'),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  tokens: z.number().int().describe('input + output + cache read + cache write'),
  costUsd: z.number().nullable().describe('USD of the priced requests; null when none was priced'),
  errorRate: z.number().nullable().describe('errors / requests; null without requests'),
  cacheHits: z.number().int(),
  cacheLookups: z.number().int(),
  cacheHitRatio: z.number().nullable().describe('cache hits / cache lookups; null when the cache saw no request'),
  latencyP50: z.number().nullable().describe('ms, nearest rank'),
  latencyP95: z.number().nullable().describe('ms, nearest rank'),
};

const topRow = z.object({
  value: z.string().describe('the key id, group, model or upstream id ("" when the request had none)'),
  name: z.string().nullable().optional().describe('the key name, in top.key'),
  requests: z.number().int(),
  errors: z.number().int(),
  tokens: z.number().int(),
  costUsd: z.number().nullable(),
});

export const overviewView = z.object({
  from: z.number().int().describe('epoch ms'),
  to: z.number().int().describe('epoch ms, exclusive'),
  bucketMs: z.number().int().describe('width of one series bucket'),
  totals: z.object(figures),
  series: z.array(z.object({ bucket: z.number().int().describe('bucket start, epoch ms'), ...figures })),
  top: z.object({ key: z.array(topRow), group: z.array(topRow), model: z.array(topRow), upstream: z.array(topRow) }),
});

type OverviewView = z.infer<typeof overviewView>;

export function overviewRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = readQuery(c, overviewQuery);
    const { from, to, bucketMs } = rangeOf(q, ctx.now());
    const stats = await ctx.store.logs.stats({ from, to, bucketMs, top: TOP_ROWS });
    const names = new Map([...ctx.catalog.current().keysById.values()].map((k) => [k.id, k.name]));
    if (stats.top.key.some((r) => r.value !== '' && !names.has(r.value)))
      for (const key of await ctx.store.keys.list()) names.set(key.id, key.name);

    const view: OverviewView = {
      from,
      to,
      bucketMs,
      totals: withRatios(stats.totals),
      series: fillBuckets(from, to, bucketMs, stats.series).map((s) => ({ bucket: s.bucket, ...withRatios(s) })),
      top: { ...stats.top, key: stats.top.key.map((r) => ({ ...r, name: names.get(r.value) ?? null })) },
    };
    return c.json(view);
  });

  return app;
}

/** The range and bucket size a query asks for (also the performance view's). */
export function rangeOf(q: z.output<typeof overviewQuery>, now: number): { from: number; to: number; bucketMs: number } {
  if (q.range !== undefined && q.from !== undefined)
    throw invalid([{ path: 'range', message: 'give either range or from/to, not both' }], 'invalid_query');
  if (q.from === undefined) {
    const named = RANGES[q.range ?? '24h'];
    const to = q.to ?? now;
    return { from: to - named.span, to, bucketMs: named.bucket };
  }
  const to = q.to ?? now;
  if (q.from >= to) throw invalid([{ path: 'from', message: 'must be before to' }], 'invalid_query');
  const bucketMs = BUCKET_SIZES.find((size) => (to - q.from!) / size <= MAX_BUCKETS) ?? BUCKET_SIZES.at(-1)!;
  return { from: q.from, to, bucketMs };
}

function withRatios(f: LogStatsFigures): OverviewView['totals'] {
  return {
    ...f,
    tokens: f.inputTokens + f.outputTokens + f.cacheReadTokens + f.cacheWriteTokens,
    errorRate: f.requests > 0 ? f.errors / f.requests : null,
    cacheHitRatio: f.cacheLookups > 0 ? f.cacheHits / f.cacheLookups : null,
  };
}

/** Every bucket of the range, empty ones as zeros, so a chart's time axis has no gaps. */
function fillBuckets(from: number, to: number, size: number, found: (LogStatsFigures & { bucket: number })[]) {
  const byBucket = new Map(found.map((s) => [s.bucket, s]));
  const empty: LogStatsFigures = {
    requests: 0,
    errors: 0,
    ...ZERO_USAGE,
    costUsd: null,
    cacheHits: 0,
    cacheLookups: 0,
    latencyP50: null,
    latencyP95: null,
  };
  const out: (LogStatsFigures & { bucket: number })[] = [];
  for (let bucket = Math.floor(from / size) * size; bucket < to; bucket += size)
    out.push(byBucket.get(bucket) ?? { ...empty, bucket });
  return out;
}
