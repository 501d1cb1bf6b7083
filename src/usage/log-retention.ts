import type { LogRetention } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { LogPruneCutoffs } from '../store/types.js';

const DAY_MS = 86_400_000;
/** An hourly round keeps age within the hour and sizes within an hour's traffic past their limit. */
export const LOG_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** What a prune at `now` deletes under the config's `logs`; undefined when everything is kept. */
export function logPruneCutoffs(retention: LogRetention, now: number): LogPruneCutoffs | undefined {
  const { retentionDays, maxRows, bodiesRetentionDays, bodiesMaxBytes } = retention;
  if (!retentionConfigured(retention)) return undefined;
  return {
    ...(retentionDays === undefined ? {} : { before: now - retentionDays * DAY_MS }),
    ...(maxRows === undefined ? {} : { maxRows }),
    ...(bodiesRetentionDays === undefined ? {} : { bodiesBefore: now - bodiesRetentionDays * DAY_MS }),
    ...(bodiesMaxBytes === undefined ? {} : { bodiesMaxBytes }),
  };
}

/** Whether the config limits the request log at all (by age, row count or body bytes). */
export function retentionConfigured(retention: LogRetention): boolean {
  return Object.values(retention).some((limit) => limit !== undefined);
}

/**
 * One round of request-log retention: deletes the rows and logged bodies past
 * their age, count or byte budget. Every replica may run it; deleting what
 * another already deleted is a no-op.
 */
export async function pruneRequestLog(store: Store, retention: LogRetention, now: number, log: (message: string) => void): Promise<void> {
  const cutoffs = logPruneCutoffs(retention, now);
  if (!cutoffs) return;
  const { rows, bodies } = await store.logs.prune(cutoffs);
  if (rows > 0 || bodies > 0) log(`request-log retention: deleted ${rows} rows and ${bodies} logged bodies`);
}
