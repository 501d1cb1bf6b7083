import { logExportDestinationSchema, type LogExportDestination } from '../config/log-export-schema.js';
import type { SecretBox } from '../policy/secrets.js';
import type { Store } from '../store/store.js';

/**
 * Log export destinations as the Store keeps them: the config's JSON,
 * sealed with the gateway secret (they hold tokens). One that no longer
 * opens or parses (the secret changed) is logged and left out.
 */
export async function loadDestinations(store: Store, box: SecretBox, log: (message: string) => void): Promise<LogExportDestination[]> {
  const out: LogExportDestination[] = [];
  for (const record of await store.logExports.list()) {
    try {
      out.push(logExportDestinationSchema.parse(JSON.parse(await box.decrypt(record.sealed))));
    } catch (err) {
      log(`log export: destination ${record.id} cannot be read (was the secret changed?): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

/** Stores a destination sealed; unchanged ones are not written again (restarts do not churn the table). */
export async function saveDestination(store: Store, box: SecretBox, dest: LogExportDestination, at: number): Promise<void> {
  const json = JSON.stringify(dest);
  const old = (await store.logExports.list()).find((r) => r.id === dest.id);
  if (old && (await box.decrypt(old.sealed).catch(() => undefined)) === json) return;
  await store.logExports.put({ id: dest.id, sealed: await box.encrypt(json), updatedAt: at });
}
