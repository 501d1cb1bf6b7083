import { addUnits } from '../usage/units.js';
import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { type UsageRow } from '../store/types.js';
import { roundUsd } from '../usage/cost.js';
import { invalid, readQuery } from './errors.js';
import { usageQuery, type UsageReportView, type UsageRowView } from './schemas.js';
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

    const found = await ctx.store.usage.query({ by: q.by, from, to, interval: q.interval });
    const names = q.by === 'key' ? await keyNames(ctx, found) : undefined;
    const rows = found.map((row): UsageRowView => (names ? { ...row, name: names.get(row.value) ?? null } : row));
    const report: UsageReportView = { by: q.by, from, to, interval: q.interval ?? null, rows, totals: totalsOf(found) };
    return c.json(report);
  });

  return app;
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
