import { type Kysely, sql } from 'kysely';
import type { Database, UsageRollupTable } from './schema.js';
import type { Store } from './store.js';
import type { LogRecord, UsageQuery, UsageRow } from './types.js';
import { rowChunks } from './chunks.js';
import type { InsertRows } from './compiled-inserts.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Rounds a summed cost to 1e-10 USD, dropping floating-point dust from the sum. */
const roundUsd = (usd: number) => Math.round(usd * 1e10) / 1e10;
const ROLLUP_KEY = ['hour', 'key_id', 'group_name', 'model', 'upstream_id'] as const;

/** Usage reports (Store['usage']), read from the hourly rollups; written once in Kysely for every dialect. */
export function kyselyUsageStore(db: Kysely<Database>): Store['usage'] {
  return {
    async query(q) {
      if (q.by === 'prompt') return queryPromptUsage(db, q);
      const column = ({ key: 'key_id', group: 'group_name', model: 'model', upstream: 'upstream_id' } as const)[q.by];
      const size = q.interval === 'day' ? DAY_MS : HOUR_MS;
      // A literal: better-sqlite3 binds JS numbers as REAL, which would make this a float division (no bucketing at all).
      const bucket = sql<number>`(hour / ${sql.lit(size)}) * ${sql.lit(size)}`;
      let query = db
        .selectFrom('usage_rollup')
        .select((eb) => [
          eb.ref(column).as('value'),
          eb.fn.sum<number>('requests').as('requests'),
          eb.fn.sum<number>('errors').as('errors'),
          eb.fn.sum<number>('input_tokens').as('input_tokens'),
          eb.fn.sum<number>('output_tokens').as('output_tokens'),
          eb.fn.sum<number>('cache_read_tokens').as('cache_read_tokens'),
          eb.fn.sum<number>('cache_write_tokens').as('cache_write_tokens'),
          eb.fn.sum<number>('reasoning_tokens').as('reasoning_tokens'),
          eb.fn.sum<number>('latency_ms_sum').as('latency_ms_sum'),
          eb.fn.sum<number>('ttfb_ms_sum').as('ttfb_ms_sum'),
          eb.fn.sum<number>('cost_usd').as('cost_usd'),
          eb.fn.sum<number>('unpriced_requests').as('unpriced_requests'),
          eb.fn.sum<number>('images').as('images'),
          eb.fn.sum<number>('audio_seconds').as('audio_seconds'),
          eb.fn.sum<number>('characters').as('characters'),
          eb.fn.sum<number>('searches').as('searches'),
          eb.fn.sum<number>('web_searches').as('web_searches'),
        ])
        // Rollups are hourly: a range starting mid-hour includes that whole hour.
        .where('hour', '>=', Math.floor(q.from / HOUR_MS) * HOUR_MS)
        .where('hour', '<', q.to)
        .groupBy(column);
      if (q.ownerId !== undefined) {
        const ownerId = q.ownerId;
        query = query.where('key_id', 'in', (eb) => eb.selectFrom('api_keys').select('id').where('owner_id', '=', ownerId));
      }
      if (q.interval) query = query.select(bucket.as('bucket')).groupBy(bucket).orderBy('bucket');
      // Ties broken by value, so every dialect lists them in the same order.
      const rows = await query.orderBy('requests', 'desc').orderBy('value').execute();
      return rows.map((r) => toUsageRow(r, q.interval !== undefined));
    },
  };
}

/** Sums as a dialect returns them: numbers, or text for bigint sums; the unit sums are absent for template rollups. */
type SumsRow = { value: unknown; bucket?: unknown } & Record<
  'requests' | 'errors' | 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens' | 'reasoning_tokens' | 'latency_ms_sum' | 'ttfb_ms_sum' | 'cost_usd' | 'unpriced_requests',
  unknown
> &
  Partial<Record<'images' | 'audio_seconds' | 'characters' | 'searches' | 'web_searches', unknown>>;

function toUsageRow(r: SumsRow, bucketed: boolean): UsageRow {
  // Sums of bigint columns come back as text from some drivers: Number() reads either.
  const requests = Number(r.requests);
  const unpriced = Number(r.unpriced_requests);
  const row: UsageRow = {
    value: String(r.value),
    requests,
    errors: Number(r.errors),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cacheReadTokens: Number(r.cache_read_tokens),
    cacheWriteTokens: Number(r.cache_write_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    latencyMsAvg: requests ? Math.round(Number(r.latency_ms_sum) / requests) : 0,
    ttfbMsAvg: requests ? Math.round(Number(r.ttfb_ms_sum) / requests) : 0,
    costUsd: unpriced >= requests ? null : roundUsd(Number(r.cost_usd)),
    unpricedRequests: unpriced,
    images: Number(r.images ?? 0),
    audioSeconds: Number(r.audio_seconds ?? 0),
    characters: Number(r.characters ?? 0),
    searches: Number(r.searches ?? 0),
    webSearches: Number(r.web_searches ?? 0),
  };
  if (bucketed) row.bucket = Number(r.bucket);
  return row;
}

/** Usage by prompt template (name, every version together), from prompt_usage_rollup (store/prompt-rollups.ts). */
async function queryPromptUsage(db: Kysely<Database>, q: UsageQuery): Promise<UsageRow[]> {
  // The template sums are not kept per key, so they cannot be narrowed to one owner's keys: none for such a query.
  if (q.ownerId !== undefined) return [];
  const size = q.interval === 'day' ? DAY_MS : HOUR_MS;
  const bucket = sql<number>`(hour / ${sql.lit(size)}) * ${sql.lit(size)}`;
  let query = db
    .selectFrom('prompt_usage_rollup')
    .select((eb) => [
      eb.ref('prompt').as('value'),
      eb.fn.sum<number>('requests').as('requests'),
      eb.fn.sum<number>('errors').as('errors'),
      eb.fn.sum<number>('input_tokens').as('input_tokens'),
      eb.fn.sum<number>('output_tokens').as('output_tokens'),
      eb.fn.sum<number>('cache_read_tokens').as('cache_read_tokens'),
      eb.fn.sum<number>('cache_write_tokens').as('cache_write_tokens'),
      eb.fn.sum<number>('reasoning_tokens').as('reasoning_tokens'),
      eb.fn.sum<number>('latency_ms_sum').as('latency_ms_sum'),
      eb.fn.sum<number>('ttfb_ms_sum').as('ttfb_ms_sum'),
      eb.fn.sum<number>('cost_usd').as('cost_usd'),
      eb.fn.sum<number>('unpriced_requests').as('unpriced_requests'),
    ])
    .where('hour', '>=', Math.floor(q.from / HOUR_MS) * HOUR_MS)
    .where('hour', '<', q.to)
    .groupBy('prompt');
  if (q.interval) query = query.select(bucket.as('bucket')).groupBy(bucket).orderBy('bucket');
  const rows = await query.orderBy('requests', 'desc').orderBy('value').execute();
  return rows.map((r) => toUsageRow(r, q.interval !== undefined));
}

/**
 * Adds log rows to their hourly rollups: one upsert per (hour, key, group,
 * model, upstream) of the batch, never one per request. The rows go in one
 * fixed order (by rollup key), so replicas writing to the same rollups at
 * once queue behind each other on PostgreSQL instead of deadlocking.
 * Pass only rows that were newly inserted: that is what keeps totals exact
 * when a batch is written twice.
 */
export async function addToRollups(trx: Kysely<Database>, rows: LogRecord[], maxParams: number, insertRows: InsertRows): Promise<void> {
  const rollups = rollUp(rows).sort(byRollupKey);
  for (const chunk of rowChunks(rollups, maxParams)) {
    await insertRows(trx, 'usage_rollup', chunk, (values) => upsertRollups(trx, values));
  }
}

function upsertRollups(trx: Kysely<Database>, chunk: UsageRollupTable[]) {
  return trx
    .insertInto('usage_rollup')
    .values(chunk)
    .onConflict((oc) =>
      oc.columns(ROLLUP_KEY).doUpdateSet((eb) => ({
        requests: eb('usage_rollup.requests', '+', eb.ref('excluded.requests')),
        errors: eb('usage_rollup.errors', '+', eb.ref('excluded.errors')),
        input_tokens: eb('usage_rollup.input_tokens', '+', eb.ref('excluded.input_tokens')),
        output_tokens: eb('usage_rollup.output_tokens', '+', eb.ref('excluded.output_tokens')),
        cache_read_tokens: eb('usage_rollup.cache_read_tokens', '+', eb.ref('excluded.cache_read_tokens')),
        cache_write_tokens: eb('usage_rollup.cache_write_tokens', '+', eb.ref('excluded.cache_write_tokens')),
        reasoning_tokens: eb('usage_rollup.reasoning_tokens', '+', eb.ref('excluded.reasoning_tokens')),
        latency_ms_sum: eb('usage_rollup.latency_ms_sum', '+', eb.ref('excluded.latency_ms_sum')),
        ttfb_ms_sum: eb('usage_rollup.ttfb_ms_sum', '+', eb.ref('excluded.ttfb_ms_sum')),
        cost_usd: eb('usage_rollup.cost_usd', '+', eb.ref('excluded.cost_usd')),
        unpriced_requests: eb('usage_rollup.unpriced_requests', '+', eb.ref('excluded.unpriced_requests')),
        images: eb('usage_rollup.images', '+', eb.ref('excluded.images')),
        audio_seconds: eb('usage_rollup.audio_seconds', '+', eb.ref('excluded.audio_seconds')),
        characters: eb('usage_rollup.characters', '+', eb.ref('excluded.characters')),
        searches: eb('usage_rollup.searches', '+', eb.ref('excluded.searches')),
        web_searches: eb('usage_rollup.web_searches', '+', eb.ref('excluded.web_searches')),
      })),
    )
    .compile();
}

function byRollupKey(a: UsageRollupTable, b: UsageRollupTable): number {
  if (a.hour !== b.hour) return a.hour - b.hour;
  for (const column of ['key_id', 'group_name', 'model', 'upstream_id'] as const) {
    if (a[column] !== b[column]) return a[column] < b[column] ? -1 : 1;
  }
  return 0;
}

/** Sums a batch of log rows into hourly rollup rows, so one upsert serves many requests. */
function rollUp(rows: LogRecord[]): UsageRollupTable[] {
  const sums = new Map<string, UsageRollupTable>();
  for (const r of rows) {
    const hour = Math.floor(r.ts / HOUR_MS) * HOUR_MS;
    const keyId = r.keyId ?? '';
    const group = r.group ?? '';
    const model = r.model ?? '';
    const upstream = r.upstreamId ?? '';
    const id = `${hour}\u0000${keyId}\u0000${group}\u0000${model}\u0000${upstream}`;
    let sum = sums.get(id);
    if (!sum) {
      sum = {
        hour,
        key_id: keyId,
        group_name: group,
        model,
        upstream_id: upstream,
        requests: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
        latency_ms_sum: 0,
        ttfb_ms_sum: 0,
        cost_usd: 0,
        unpriced_requests: 0,
        images: 0,
        audio_seconds: 0,
        characters: 0,
        searches: 0,
        web_searches: 0,
      };
      sums.set(id, sum);
    }
    sum.requests += 1;
    if (r.outcome !== 'ok') sum.errors += 1;
    sum.input_tokens += r.inputTokens;
    sum.output_tokens += r.outputTokens;
    sum.cache_read_tokens += r.cacheReadTokens;
    sum.cache_write_tokens += r.cacheWriteTokens;
    sum.reasoning_tokens += r.reasoningTokens;
    sum.latency_ms_sum += r.latencyMs;
    sum.ttfb_ms_sum += r.ttfbMs ?? 0;
    if (r.costUsd === null) sum.unpriced_requests += 1;
    else sum.cost_usd += r.costUsd;
    if (r.units) {
      sum.images += r.units.images ?? 0;
      sum.audio_seconds += r.units.audioSeconds ?? 0;
      sum.characters += r.units.characters ?? 0;
      sum.searches += r.units.searches ?? 0;
      sum.web_searches += r.units.webSearches ?? 0;
    }
  }
  return [...sums.values()];
}
