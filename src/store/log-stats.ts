import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Figures the dashboard's overview needs and the hourly rollups cannot give:
 * latency percentiles and cache hits, over any range and bucket size. They are
 * read from `request_log` itself, with window functions that SQLite (3.25+),
 * PostgreSQL and D1 all run, so percentiles are exact rather than averaged.
 */

export interface LogStatsQuery {
  from: number;
  to: number;
  /** Width of one series bucket, ms; buckets start at multiples of it (UTC). */
  bucketMs: number;
  /** How many rows of each top list. */
  top: number;
}

export interface LogStatsFigures {
  requests: number;
  /** Requests whose outcome was not `ok`. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Sum of the priced requests, USD; null when none was priced. */
  costUsd: number | null;
  /** Answers served from the response cache (`cache_status = 'HIT'`). */
  cacheHits: number;
  /** Requests the cache looked at (any cache status). */
  cacheLookups: number;
  /** Nearest-rank percentiles of the whole request's latency, ms; null without requests. */
  latencyP50: number | null;
  latencyP95: number | null;
}

export type TopDimension = 'key' | 'group' | 'model' | 'upstream';

export interface TopRow {
  value: string;
  requests: number;
  errors: number;
  tokens: number;
  costUsd: number | null;
}

export interface LogStats {
  totals: LogStatsFigures;
  series: (LogStatsFigures & { bucket: number })[];
  top: Record<TopDimension, TopRow[]>;
}

const TOP_COLUMNS = { key: 'key_id', group: 'group_name', model: 'model', upstream: 'upstream_id' } as const;

export async function queryLogStats(db: Kysely<Database>, q: LogStatsQuery): Promise<LogStats> {
  // Written into the SQL as a literal integer: a bound JS number may arrive as REAL, and ts / size must divide as integers.
  const size = sql.lit(Math.max(1, Math.floor(q.bucketMs)));
  const inRange = sql`ts >= ${q.from} and ts < ${q.to}`;
  const sums = sql`count(*) as requests,
      sum(case when outcome <> 'ok' then 1 else 0 end) as errors,
      sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
      sum(cache_read_tokens) as cache_read_tokens, sum(cache_write_tokens) as cache_write_tokens,
      sum(reasoning_tokens) as reasoning_tokens,
      sum(cost_usd) as cost_usd,
      sum(case when cache_status = 'HIT' then 1 else 0 end) as cache_hits,
      sum(case when cache_status is not null then 1 else 0 end) as cache_lookups`;

  const dimensions = Object.keys(TOP_COLUMNS) as TopDimension[];
  // The top lists read the range once: sums per (key, group, model, upstream), a few thousand rows at most,
  // then each list sums those. The CTE is used four times, so SQLite and PostgreSQL compute it once.
  const resum = sql.join(
    ['requests', 'errors', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'cache_hits', 'cache_lookups'].map(
      (column) => sql`sum(${sql.ref(column)}) as ${sql.ref(column)}`,
    ),
  );
  const topList = (dim: TopDimension) =>
    sql`select * from (select ${sql.lit(dim)} as dim, ${sql.ref(TOP_COLUMNS[dim])} as value, ${resum},
        row_number() over (order by sum(requests) desc, ${sql.ref(TOP_COLUMNS[dim])}) as pos
      from combos group by ${sql.ref(TOP_COLUMNS[dim])} order by requests desc, value limit ${sql.lit(Math.max(0, Math.floor(q.top)))}) as ${sql.ref(`top_${dim}`)}`;

  const [totalRows, bucketRows, totalLatency, bucketLatency, topRows] = await Promise.all([
    sql<SumRow>`select ${sums} from request_log where ${inRange}`.execute(db),
    sql<SumRow & { bucket: number }>`select (ts / ${size}) * ${size} as bucket, ${sums}
      from request_log where ${inRange} group by bucket order by bucket`.execute(db),
    percentiles(db, inRange, sql`0`),
    percentiles(db, inRange, sql`(ts / ${size}) * ${size}`),
    sql<SumRow & { dim: TopDimension; value: string | null; pos: number | string }>`with combos as (
        select key_id, group_name, model, upstream_id, ${sums} from request_log where ${inRange}
        group by key_id, group_name, model, upstream_id
      )
      ${sql.join(dimensions.map(topList), sql` union all `)}`.execute(db),
  ]);

  // A union's rows come in no promised order: each list's own rank puts them back.
  const ranked = (dim: TopDimension) => topRows.rows.filter((r) => r.dim === dim).sort((a, b) => Number(a.pos) - Number(b.pos));
  const latencyByBucket = new Map(bucketLatency.map((l) => [Number(l.bucket), l]));
  return {
    totals: figures(totalRows.rows[0], totalLatency[0]),
    series: bucketRows.rows.map((r) => ({
      bucket: Number(r.bucket),
      ...figures(r, latencyByBucket.get(Number(r.bucket))),
    })),
    top: Object.fromEntries(
      dimensions.map((dim) => [
        dim,
        ranked(dim).map((r): TopRow => {
          const f = figures(r, undefined);
          return {
            value: r.value ?? '',
            requests: f.requests,
            errors: f.errors,
            tokens: f.inputTokens + f.outputTokens + f.cacheReadTokens + f.cacheWriteTokens,
            costUsd: f.costUsd,
          };
        }),
      ]),
    ) as Record<TopDimension, TopRow[]>,
  };
}

interface SumRow {
  requests: number | string;
  errors: number | string | null;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cache_read_tokens: number | string | null;
  cache_write_tokens: number | string | null;
  reasoning_tokens: number | string | null;
  cost_usd: number | string | null;
  cache_hits: number | string | null;
  cache_lookups: number | string | null;
}

interface LatencyRow {
  bucket: number;
  p50: number | null;
  p95: number | null;
}

/**
 * p50 and p95 per bucket, nearest rank: the first latency whose running
 * count, in latency order inside its bucket, reaches that share of the
 * bucket. Counted per (bucket, latency) first, so the running sum goes over
 * the distinct latencies (whole ms), far fewer than the rows: half the work
 * of ranking every row with row_number().
 */
async function percentiles(db: Kysely<Database>, inRange: ReturnType<typeof sql>, bucket: ReturnType<typeof sql>): Promise<LatencyRow[]> {
  const result = await sql<LatencyRow>`with counts as (
      select ${bucket} as bucket, latency_ms, count(*) as n from request_log where ${inRange} group by 1, 2
    ), running as (
      select bucket, latency_ms,
        sum(n) over (partition by bucket order by latency_ms) as seen,
        sum(n) over (partition by bucket) as total
      from counts
    )
    select bucket,
      min(case when seen >= total * 0.5 then latency_ms end) as p50,
      min(case when seen >= total * 0.95 then latency_ms end) as p95
    from running group by bucket`.execute(db);
  return result.rows;
}

function figures(r: SumRow | undefined, latency: LatencyRow | undefined): LogStatsFigures {
  const n = (v: number | string | null | undefined) => Number(v ?? 0);
  const requests = n(r?.requests);
  return {
    requests,
    errors: n(r?.errors),
    inputTokens: n(r?.input_tokens),
    outputTokens: n(r?.output_tokens),
    cacheReadTokens: n(r?.cache_read_tokens),
    cacheWriteTokens: n(r?.cache_write_tokens),
    reasoningTokens: n(r?.reasoning_tokens),
    // SUM over only NULLs is NULL: no priced request means unknown, not zero.
    costUsd: r?.cost_usd === null || r?.cost_usd === undefined ? null : Math.round(Number(r.cost_usd) * 1e10) / 1e10,
    cacheHits: n(r?.cache_hits),
    cacheLookups: n(r?.cache_lookups),
    latencyP50: requests > 0 && latency?.p50 != null ? Number(latency.p50) : null,
    latencyP95: requests > 0 && latency?.p95 != null ? Number(latency.p95) : null,
  };
}
