import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** One router's requests on one tier over a range; `tier` null: the router's classifier calls. */
export interface TierSplitRow {
  router: string;
  tier: string | null;
  requests: number;
  /** What they cost, USD; null when none was priced. */
  costUsd: number | null;
  /** What they would have cost on the router's reference tier; null when none was priced there. */
  referenceCostUsd: number | null;
  /** Requests without a cost or without a reference cost: their saving is unknown. */
  unpricedRequests: number;
  /** The cost and the reference cost of the requests that have both, for the saving. */
  pairedCostUsd: number;
  pairedReferenceCostUsd: number;
}

/**
 * Requests to routers over a time range, by router and tier, read from
 * `request_log` itself (the hourly rollups have no tier). Uses the
 * `(router, ts)` index; rows off a router are never read.
 */
export async function queryTierSplit(db: Kysely<Database>, range: { from: number; to: number }): Promise<TierSplitRow[]> {
  const rows = await db
    .selectFrom('request_log')
    .select((eb) => [
      'router',
      'tier',
      eb.fn.countAll<number | string>().as('requests'),
      eb.fn.sum<number | string | null>('cost_usd').as('cost'),
      eb.fn.sum<number | string | null>('reference_cost_usd').as('reference'),
      eb.fn.sum<number | string>(eb.case().when(eb.or([eb('cost_usd', 'is', null), eb('reference_cost_usd', 'is', null)])).then(1).else(0).end()).as('unpriced'),
      eb.fn.sum<number | string | null>(eb.case().when('reference_cost_usd', 'is not', null).then(eb.ref('cost_usd')).end()).as('paired_cost'),
      eb.fn.sum<number | string | null>(eb.case().when('cost_usd', 'is not', null).then(eb.ref('reference_cost_usd')).end()).as('paired_reference'),
    ])
    .where('router', 'is not', null)
    .where('ts', '>=', range.from)
    .where('ts', '<', range.to)
    .groupBy(['router', 'tier'])
    .orderBy('router')
    .orderBy('tier')
    .execute();
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    router: r.router!,
    tier: r.tier,
    requests: Number(r.requests),
    costUsd: num(r.cost),
    referenceCostUsd: num(r.reference),
    unpricedRequests: Number(r.unpriced),
    pairedCostUsd: Number(r.paired_cost ?? 0),
    pairedReferenceCostUsd: Number(r.paired_reference ?? 0),
  }));
}
