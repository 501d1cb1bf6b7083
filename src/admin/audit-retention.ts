import type { AuditRetention } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { AuditPruneCutoffs } from '../store/types.js';

const DAY_MS = 86_400_000;
/** Audit rows come a few at a time: an hourly round keeps the log within its limits closely enough. */
export const AUDIT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** What a prune at `now` deletes under the config's `audit`; undefined when everything is kept. */
export function auditPruneCutoffs(retention: AuditRetention, now: number): AuditPruneCutoffs | undefined {
  const { retentionDays, maxRows } = retention;
  if (retentionDays === undefined && maxRows === undefined) return undefined;
  return {
    ...(retentionDays === undefined ? {} : { before: now - retentionDays * DAY_MS }),
    ...(maxRows === undefined ? {} : { maxRows }),
  };
}

/**
 * One round of audit-log retention. Every replica may run it; deleting what
 * another already deleted is a no-op.
 */
export async function pruneAuditLog(store: Store, retention: AuditRetention, now: number, log: (message: string) => void): Promise<void> {
  const cutoffs = auditPruneCutoffs(retention, now);
  if (!cutoffs) return;
  const deleted = await store.audit.prune(cutoffs);
  if (deleted > 0) log(`audit-log retention: deleted ${deleted} rows`);
}
