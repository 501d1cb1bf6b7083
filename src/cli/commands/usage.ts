import type { Store } from '../../store/store.js';
import type { UsageDimension } from '../../store/types.js';
import { parseDuration, table } from '../table.js';

export const USAGE_HELP = `switchboard usage [--by key|model|group|upstream] [--since 24h] [--config PATH]

Shows requests, errors, tokens (input, output, cached read / write, reasoning),
average latency and cost in USD per key, model, group or upstream over the
last period. Cost is "unknown" when no request in the row had a priced model,
and marked "~" when some had none (the sum covers only the priced ones).`;

const DIMENSIONS: UsageDimension[] = ['key', 'model', 'group', 'upstream'];

export async function usageCommand(store: Store, options: { by?: string; since?: string }): Promise<void> {
  const by = (options.by ?? 'model') as UsageDimension;
  if (!DIMENSIONS.includes(by)) throw new Error(`--by: expected one of ${DIMENSIONS.join(', ')}, got "${options.by}"`);
  const since = parseDuration(options.since ?? '24h');
  const to = Date.now();
  const rows = await store.usage.query({ by, from: to - since, to: to + 1 });
  const names = by === 'key' ? new Map((await store.keys.list()).map((k) => [k.id, k.name])) : new Map<string, string>();
  console.log(`Usage by ${by}, last ${options.since ?? '24h'}:\n`);
  if (rows.length === 0) {
    console.log('(no requests)');
    return;
  }
  console.log(
    table(
      [by, 'requests', 'errors', 'input', 'output', 'cache read', 'cache write', 'reasoning', 'avg ms', 'avg ttfb ms', 'cost $'],
      rows.map((r) => [
        names.get(r.value) ?? (r.value || '(none)'),
        r.requests,
        r.errors,
        r.inputTokens,
        r.outputTokens,
        r.cacheReadTokens,
        r.cacheWriteTokens,
        r.reasoningTokens,
        r.latencyMsAvg,
        r.ttfbMsAvg,
        formatCost(r.costUsd, r.unpricedRequests),
      ]),
    ),
  );
  const partial = rows.filter((r) => r.costUsd !== null && r.unpricedRequests > 0);
  if (partial.length > 0) {
    const n = partial.reduce((sum, r) => sum + r.unpricedRequests, 0);
    console.log(`\n~ partial cost: ${n} request${n === 1 ? '' : 's'} in those rows had no price (set one under \`prices:\` in the config).`);
  }
}

/** `unknown` when nothing was priced; `~` in front when the sum leaves unpriced requests out. */
export function formatCost(costUsd: number | null, unpriced: number): string {
  if (costUsd === null) return 'unknown';
  const text = costUsd >= 1 ? costUsd.toFixed(2) : costUsd.toFixed(6);
  return unpriced > 0 ? `~${text}` : text;
}
