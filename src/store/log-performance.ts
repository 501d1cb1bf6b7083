import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The rows the dashboard's performance view needs: streamed, successful,
 * not served from the cache, with a time to first token. Only the few
 * columns the percentiles use, newest first and at most `limit`, so a busy
 * range costs a bounded read; the caller says whether the cap was hit.
 */

export interface LogPerformanceQuery {
  from: number;
  to: number;
  by: 'model' | 'upstream';
  /** Most rows read; one more is asked for to tell whether the range held more. */
  limit: number;
}

export interface LogPerformanceRow {
  ts: number;
  /** The model or upstream id; '' when the row had none. */
  value: string;
  ttfbMs: number;
  latencyMs: number;
  outputTokens: number;
}

export async function queryLogPerformance(db: Kysely<Database>, q: LogPerformanceQuery): Promise<{ rows: LogPerformanceRow[]; sampled: boolean }> {
  const column = q.by === 'model' ? 'model' : 'upstream_id';
  const rows = await db
    .selectFrom('request_log')
    .select(['ts', column, 'ttfb_ms', 'latency_ms', 'output_tokens'])
    .where('ts', '>=', q.from)
    .where('ts', '<', q.to)
    .where('stream', '=', 1)
    .where('outcome', '=', 'ok')
    .where('ttfb_ms', 'is not', null)
    .where((eb) => eb.or([eb('cache_status', 'is', null), eb('cache_status', '<>', 'HIT')]))
    .orderBy('ts', 'desc')
    .limit(q.limit + 1)
    .execute();
  return {
    rows: rows.slice(0, q.limit).map((r) => ({
      ts: Number(r.ts),
      value: (r as Record<string, unknown>)[column] == null ? '' : String((r as Record<string, unknown>)[column]),
      ttfbMs: Number(r.ttfb_ms),
      latencyMs: Number(r.latency_ms),
      outputTokens: Number(r.output_tokens),
    })),
    sampled: rows.length > q.limit,
  };
}
