import type { Kysely } from 'kysely';
import type { Database, StoredResponsesTable } from './schema.js';
import type { Store } from './store.js';
import type { StoredResponseRecord } from './types.js';
import type { RetentionHooks } from './kysely-log-store.js';

/**
 * Stored Responses answers (Store['responses']), written once in Kysely for
 * SQLite, PostgreSQL and D1. Every read and delete names the key, so one
 * key never reaches another's answers; an expired row is absent even
 * before the retention job deletes it.
 */
/** Answers deleted per prune step. */
const PRUNE_SLICE = 500;

export function kyselyResponseStore(db: Kysely<Database>, retention: RetentionHooks = {}): Store['responses'] {
  const { reclaimSpace, pauseBetweenSlices = async () => {} } = retention;
  return {
    async put(record) {
      const row = toRow(record);
      const { key_id: _key, id: _id, ...rest } = row;
      await db
        .insertInto('stored_responses')
        .values(row)
        .onConflict((oc) => oc.columns(['key_id', 'id']).doUpdateSet(rest))
        .execute();
    },

    async get(keyId, id, now) {
      const row = await db
        .selectFrom('stored_responses')
        .selectAll()
        .where('key_id', '=', keyId)
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async delete(keyId, id) {
      const res = await db.deleteFrom('stored_responses').where('key_id', '=', keyId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    // A slice at a time, soonest expired first, so a long backlog never holds the database for long.
    async prune(now) {
      let pruned = 0;
      for (;;) {
        // The slice ends at its last row's expiry: answers expiring in the same millisecond go together.
        const last = await db
          .selectFrom('stored_responses')
          .select('expires_at')
          .where('expires_at', '<=', now)
          .orderBy('expires_at')
          .offset(PRUNE_SLICE - 1)
          .limit(1)
          .executeTakeFirst();
        const res = await db
          .deleteFrom('stored_responses')
          .where('expires_at', '<=', last ? Number(last.expires_at) : now)
          .executeTakeFirst();
        pruned += Number(res.numDeletedRows);
        if (!last) break;
        await pauseBetweenSlices();
      }
      if (pruned > 0 && reclaimSpace) await reclaimSpace();
      return pruned;
    },
  };
}

function toRow(r: StoredResponseRecord): StoredResponsesTable {
  return { key_id: r.keyId, id: r.id, model: r.model, created_at: r.createdAt, expires_at: r.expiresAt, data_enc: r.sealed };
}

function fromRow(r: StoredResponsesTable): StoredResponseRecord {
  return {
    keyId: r.key_id,
    id: r.id,
    model: r.model,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    sealed: r.data_enc,
  };
}
