import { addUnits } from '../usage/units.js';
import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { type UsageRow } from '../store/types.js';
import { roundUsd } from '../usage/cost.js';
import { AdminError, invalid, readQuery } from './errors.js';
import { isAdmin, ownerScope, principalOf } from './principal.js';
import { tierUsageQuery, usageQuery, type TierUsageView, type UsageReportView, type UsageRowView } from './schemas.js';
import { referenceTier } from '../routing/tier-rules.js';
import type { TierSplitRow } from '../store/tier-split.js';
import { ZERO_USAGE } from '../translate/ir.js';

const DAY_MS = 86_400_000;

/** /usage: token and request sums from the hourly rollups, by one dimension. */
export function usageRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = readQuery(c, usageQuery);
    const to = q.to ?? ctx.now();
    const from = q.from ?? to - DAY_MS;
    if (from >= to) throw invalid([{ path: 'from', message: 'must be before to' }], 'invalid_query');
    // Template sums are the whole gateway's, not any one key's: an admin's only.
    if (q.by === 'prompt' && !isAdmin(principalOf(c))) throw new AdminError(403, 'by=prompt: usage by prompt template is for admins', 'by', 'forbidden');

    // A member's report counts only their own keys.
    const found = await ctx.store.usage.query({ by: q.by, from, to, interval: q.interval, ownerId: ownerScope(principalOf(c)) });
    const names = q.by === 'key' ? await keyNames(ctx, found) : undefined;
    const rows = found.map((row): UsageRowView => (names ? { ...row, name: names.get(row.value) ?? null } : row));
    const report: UsageReportView = { by: q.by, from, to, interval: q.interval ?? null, rows, totals: totalsOf(found) };
    return c.json(report);
  });

  // Requests to routers by tier, and the cost saved against each router's reference tier (docs/routing-tiers.md).
  app.get('/tiers', async (c) => {
    const q = readQuery(c, tierUsageQuery);
    const to = q.to ?? ctx.now();
    const from = q.from ?? to - DAY_MS;
    if (from >= to) throw invalid([{ path: 'from', message: 'must be before to' }], 'invalid_query');
    const rows = (await ctx.store.logs.tierSplit({ from, to })).filter((r) => q.router === undefined || r.router === q.router);
    const routers = ctx.catalog.current().routers;
    const ids = [...new Set(rows.map((r) => r.router))];
    const view: TierUsageView = { from, to, routers: ids.map((id) => tierSplitOf(id, rows, routers.get(id)?.record)) };
    return c.json(view);
  });

  return app;
}

/**
 * One router's split: its tiers in declared order (tiers no longer declared
 * after them), its classifier calls, and the saving: what the routed requests
 * would have cost on the reference tier less what they and the classifier
 * calls cost. Requests without both figures are left out of the saving
 * (`unpricedRequests` counts them).
 */
function tierSplitOf(id: string, rows: TierSplitRow[], router: Parameters<typeof referenceTier>[0] | undefined): TierUsageView['routers'][number] {
  const own = rows.filter((r) => r.router === id);
  const order = router?.tiers.map((t) => t.name) ?? [];
  const rank = (tier: string) => (order.includes(tier) ? order.indexOf(tier) : order.length);
  const tiers = own
    .filter((r): r is TierSplitRow & { tier: string } => r.tier !== null)
    .sort((a, b) => rank(a.tier) - rank(b.tier))
    .map(({ tier, requests, costUsd, referenceCostUsd, unpricedRequests }) => ({ tier, requests, costUsd, referenceCostUsd, unpricedRequests }));
  const calls = own.filter((r) => r.tier === null);
  const classifier = { requests: sum(calls.map((r) => r.requests)), costUsd: calls.some((r) => r.costUsd !== null) ? roundUsd(sum(calls.map((r) => r.costUsd ?? 0))) : null };
  const routed = own.filter((r) => r.tier !== null);
  const costUsd = roundUsd(sum(routed.map((r) => r.pairedCostUsd)) + (classifier.costUsd ?? 0));
  const referenceCostUsd = roundUsd(sum(routed.map((r) => r.pairedReferenceCostUsd)));
  return {
    router: id,
    reference: router ? referenceTier(router) : null,
    tiers,
    classifier,
    requests: sum(tiers.map((t) => t.requests)),
    costUsd,
    referenceCostUsd,
    savedUsd: roundUsd(referenceCostUsd - costUsd),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Key names from the in-memory snapshot; the Store only when a key is not in it (made elsewhere just now). */
async function keyNames(ctx: AdminDeps, rows: UsageRow[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [id, key] of ctx.catalog.current().keysById) names.set(id, key.name);
  if (rows.some((r) => r.value !== '' && !names.has(r.value)))
    for (const key of await ctx.store.keys.list()) names.set(key.id, key.name);
  return names;
}

function totalsOf(rows: UsageRow[]): UsageReportView['totals'] {
  const totals: UsageReportView['totals'] = {
    requests: 0,
    errors: 0,
    ...ZERO_USAGE,
    costUsd: null,
    unpricedRequests: 0,
    images: 0,
    audioSeconds: 0,
    characters: 0,
    searches: 0,
    webSearches: 0,
  };
  for (const r of rows) {
    // Null only while no row had a priced request; unpricedRequests says how partial the sum is.
    if (r.costUsd !== null) totals.costUsd = roundUsd((totals.costUsd ?? 0) + r.costUsd);
    totals.unpricedRequests += r.unpricedRequests;
    totals.requests += r.requests;
    totals.errors += r.errors;
    totals.inputTokens += r.inputTokens;
    totals.outputTokens += r.outputTokens;
    totals.cacheReadTokens += r.cacheReadTokens;
    totals.cacheWriteTokens += r.cacheWriteTokens;
    totals.reasoningTokens += r.reasoningTokens;
    addUnits(totals, r);
  }
  return totals;
}
