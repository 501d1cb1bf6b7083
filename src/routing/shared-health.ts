import type { Store } from '../store/store.js';
import type { CredentialHealthRecord } from '../store/types.js';

/**
 * Where credential health goes so that every process serving the same
 * database agrees on it: a credential benched by one replica is skipped by
 * the others, and an admin's disable is honoured everywhere. Requests never
 * call this: `PoolHealth` keeps the working copy in memory, publishes its
 * own changes here, and a job takes in what others published (`fetch`).
 */
export interface SharedHealth {
  /** Makes a change seen by the others (and by the next start). */
  publish(record: CredentialHealthRecord): Promise<void>;
  /**
   * What is known now, one record per credential that has one. A credential
   * missing from the answer is no news, not "healthy": a cooldown that ran
   * out is already usable in every replica's memory, and a store that lost
   * its records (a Redis restarted empty) must not put a disabled credential
   * back into service.
   */
  fetch(): Promise<CredentialHealthRecord[]>;
}

/** How often a replica takes in the others' health changes, by where they are shared. */
export const HEALTH_REFRESH_MS = { store: 2000, redis: 1000 } as const;

/**
 * Health kept in the Store's `credential_health` table, as one process has
 * always kept it: what a restart reads back, what the CLI shows. Polling it
 * (`fetch`) also lets processes on one database without Redis (the CLI, a
 * second replica) see each other's changes, within the poll interval.
 */
export function storeSharedHealth(health: Store['health']): SharedHealth {
  return {
    async publish(record) {
      // Read, then write: not atomic, but narrows to a moment the window in which a replica that has not yet
      // heard of an admin's disable could undo it with a cooldown (Redis does the same check atomically).
      if (record.setBy !== 'admin' && heldByAdmin((await health.list()).find((h) => h.credentialId === record.credentialId))) return;
      await health.put(record);
    },
    fetch: () => health.list(),
  };
}

/** An admin's disable, which only an admin undoes. */
export function heldByAdmin(record: CredentialHealthRecord | undefined): boolean {
  return record?.state === 'disabled' && record.setBy === 'admin';
}

/** True when two records say the same thing (the working copy needs no update). */
export function sameHealth(a: CredentialHealthRecord, b: CredentialHealthRecord): boolean {
  return a.state === b.state && a.reason === b.reason && a.since === b.since && a.until === b.until && a.setBy === b.setBy;
}
