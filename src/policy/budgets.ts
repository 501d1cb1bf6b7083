import type { Counters } from '../store/counters.js';
import type { Store } from '../store/store.js';
import type { UsageRow } from '../store/types.js';
import { bucketPrefix, type Planned, type Scope } from './limit-rules.js';
import { periodOf } from './periods.js';
import { tokensUsed, type Estimate } from './reservation.js';

/**
 * Budgets: USD or tokens per day, week, month or in total, per scope. Each
 * period is its own bucket, so a new period starts from zero by itself.
 * A request is let through while the period's spend (settled requests plus
 * the reservations of those in flight) is below the budget: the request that
 * crosses it is the last, and a burst overshoots by at most what was in flight.
 */
export function budgetTakes(scope: Scope, estimate: Estimate, now: number): Planned[] {
  const budget = scope.rule.budget;
  if (!budget) return [];
  const window = periodOf(budget.period, now);
  const planned: Planned[] = [];
  const bucket = (measure: string) => `${bucketPrefix(scope)}:${measure}:${budget.period}@${window.start}`;
  for (const measure of ['usd', 'tokens'] as const) {
    const limit = budget[measure];
    if (limit === undefined) continue;
    planned.push({
      take: { bucket: bucket(measure), amount: estimate[measure], limit, lasts: { kind: 'until', resetAt: window.end } },
      scope,
      dimension: `budget-${measure}`,
      measure,
    });
  }
  return planned;
}

export interface SeedDeps {
  store: Store;
  counters: Counters;
  now: () => number;
  /** Writes queued usage rows first, so the sums include the latest requests. */
  flush: () => Promise<void>;
}

/**
 * Starts each scope's current budget buckets at what the database says was
 * spent so far this period (usage_rollup, summed by key or group). Runs at
 * start and when an admin sets a budget, before the budget is enforced, so
 * it is never on a request's path. At start, buckets already counting are
 * left alone; when a budget is set (`replace`), the database's figure
 * replaces the bucket, which may be stale from a rule removed and set again.
 */
export async function seedBudgets(deps: SeedDeps, scopes: Scope[], replace = false): Promise<void> {
  const withBudget = scopes.filter((s) => s.rule.budget && (s.rule.budget.usd !== undefined || s.rule.budget.tokens !== undefined));
  if (withBudget.length === 0) return;
  await deps.flush();
  const now = deps.now();
  const queries = new Map<string, Promise<UsageRow[]>>();
  const rowsSince = (by: 'key' | 'group', from: number) => {
    const id = `${by}@${from}`;
    let rows = queries.get(id);
    if (!rows) {
      rows = deps.store.usage.query({ by, from, to: now + 1 });
      queries.set(id, rows);
    }
    return rows;
  };

  for (const scope of withBudget) {
    const period = periodOf(scope.rule.budget!.period, now);
    const from = period.start;
    const rows = (await rowsSince(scope.kind === 'group' ? 'group' : 'key', from)).filter((row) => belongsTo(scope, row.value));
    const spent = {
      usd: rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
      tokens: rows.reduce((sum, r) => sum + tokensUsed(r), 0),
    };
    for (const p of budgetTakes(scope, { usd: 0, tokens: 0 }, now))
      await deps.counters.seed(p.take.bucket, p.measure === 'usd' ? spent.usd : spent.tokens, period.end, replace);
  }
}

/** Whether a usage row (by key id or by group) counts toward a scope; a group covers its `<group>/<sub>` narrowings. */
function belongsTo(scope: Scope, value: string): boolean {
  switch (scope.kind) {
    case 'key':
      return value === scope.id;
    case 'group':
      return value === scope.id || value.startsWith(`${scope.id}/`);
    case 'global':
      return true;
    default:
      return scope.kind satisfies never;
  }
}
