import type { Store } from '../../store/store.js';
import type { UsageDimension } from '../../store/types.js';
import { parseDuration, table } from '../table.js';

export const USAGE_HELP = `switchboard usage [--by key|model|group|upstream] [--since 24h] [--config PATH]

Shows requests, errors, tokens (input, output, cached read / write, reasoning)
and average latency per key, model, group or upstream over the last period.`;

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
      [by, 'requests', 'errors', 'input', 'output', 'cache read', 'cache write', 'reasoning', 'avg ms', 'avg ttfb ms'],
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
      ]),
    ),
  );
}
