import type { Kysely } from 'kysely';
import type { Database, PromptUsageRollupTable } from './schema.js';
import type { LogRecord } from './types.js';
import { rowChunks } from './chunks.js';
import type { InsertRows } from './compiled-inserts.js';

const HOUR_MS = 3_600_000;
const SUMS = [
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'latency_ms_sum',
  'ttfb_ms_sum',
  'cost_usd',
  'unpriced_requests',
] as const;

/**
 * Adds the rows of prompt template calls to their hourly sums per template
 * version (prompt_usage_rollup), in the same batch as the rows and the usage
 * rollups, and like them only for newly inserted rows. One fixed order (by
 * hour, name, version), so replicas queue rather than deadlock.
 */
export async function addToPromptRollups(trx: Kysely<Database>, rows: LogRecord[], maxParams: number, insertRows: InsertRows): Promise<void> {
  const sums = new Map<string, PromptUsageRollupTable>();
  for (const r of rows) {
    if (!r.prompt) continue;
    const hour = Math.floor(r.ts / HOUR_MS) * HOUR_MS;
    const version = r.promptVersion ?? 0;
    const id = `${hour}\u0000${r.prompt}\u0000${version}`;
    let sum = sums.get(id);
    if (!sum) {
      sum = { hour, prompt: r.prompt, version, ...Object.fromEntries(SUMS.map((column) => [column, 0])) } as PromptUsageRollupTable;
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
  }
  if (sums.size === 0) return;
  const ordered = [...sums.values()].sort((a, b) => a.hour - b.hour || (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0) || a.version - b.version);
  for (const chunk of rowChunks(ordered, maxParams)) {
    await insertRows(trx, 'prompt_usage_rollup', chunk, (values) =>
      trx
        .insertInto('prompt_usage_rollup')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['hour', 'prompt', 'version'])
            .doUpdateSet((eb) => Object.fromEntries(SUMS.map((column) => [column, eb(`prompt_usage_rollup.${column}`, '+', eb.ref(`excluded.${column}`))]))),
        )
        .compile(),
    );
  }
}
