import type { SecretBox } from '../policy/secrets.js';
import type { Store } from '../store/store.js';
import type { Runtime } from '../runtime/runtime.js';
import { openResponse, sealResponse, type StoredResponse } from './stored-response.js';

/**
 * Stored Responses answers between the requests and the database. `keep`
 * never waits: the answer is readable at once from memory, and sealed and
 * written a turn later (after the client's last bytes left), so a client
 * that chains its next turn immediately still finds it. Reads look in
 * memory first, then the database. Pending answers live in this process
 * only, for the moment a write takes.
 */
export interface ResponseKeeper {
  /** Queues an answer for writing; readable by `get` at once. */
  keep(stored: StoredResponse): void;
  /** The key's live answer, or undefined (absent, another key's, expired, or sealed with another secret). */
  get(keyId: string, id: string): Promise<StoredResponse | undefined>;
  delete(keyId: string, id: string): Promise<boolean>;
  /** Waits for every queued write (tests, shutdown). */
  flush(): Promise<void>;
}

export function createResponseKeeper(deps: { store: Store; secrets: SecretBox } & Pick<Runtime, 'now' | 'log' | 'sleep' | 'defer'>): ResponseKeeper {
  const { store, secrets, now, log } = deps;
  const pending = new Map<string, StoredResponse>();
  const writes = new Set<Promise<void>>();
  const slot = (keyId: string, id: string) => `${keyId}\n${id}`;

  const write = async (name: string, stored: StoredResponse) => {
    try {
      await store.responses.put(await sealResponse(secrets, stored));
      // Deleted while it was being written: the delete wins.
      if (pending.get(name) !== stored) await store.responses.delete(stored.keyId, stored.id);
    } catch (err) {
      log(`stored responses: could not store ${stored.id}: ${String(err)}`);
    } finally {
      if (pending.get(name) === stored) pending.delete(name);
    }
  };

  return {
    keep(stored) {
      const name = slot(stored.keyId, stored.id);
      pending.set(name, stored);
      const done: Promise<void> = deps
        .sleep(0)
        .then(() => write(name, stored))
        .finally(() => writes.delete(done));
      writes.add(done);
      deps.defer(done);
    },

    async get(keyId, id) {
      const held = pending.get(slot(keyId, id));
      if (held) return held.expiresAt > now() ? held : undefined;
      const record = await store.responses.get(keyId, id, now());
      if (!record) return undefined;
      try {
        return await openResponse(secrets, record);
      } catch (err) {
        // Sealed under an earlier secret: unreadable, as good as gone.
        log(`stored responses: cannot open ${id}: ${String(err)}`);
        return undefined;
      }
    },

    async delete(keyId, id) {
      const held = pending.delete(slot(keyId, id));
      const stored = await store.responses.delete(keyId, id);
      return held || stored;
    },

    async flush() {
      await Promise.all([...writes]);
    },
  };
}
