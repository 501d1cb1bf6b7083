import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** Started sign-ins (Store['signIns']), written once in Kysely; an expired row is absent even before it is deleted. */
export function kyselySignInStore(db: Kysely<Database>): Store['signIns'] {
  return {
    async put(record, now) {
      // Sign-ins are rare and short-lived: each new one clears the abandoned ones, no job needed.
      await db.deleteFrom('sign_ins').where('expires_at', '<=', now).execute();
      await db
        .insertInto('sign_ins')
        .values({ id: record.id, upstream_id: record.upstreamId, data_enc: record.sealed, expires_at: record.expiresAt })
        .execute();
    },

    async get(id, now) {
      const row = await db.selectFrom('sign_ins').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
      return row && { id: row.id, upstreamId: row.upstream_id, sealed: row.data_enc, expiresAt: Number(row.expires_at) };
    },

    async delete(id) {
      const res = await db.deleteFrom('sign_ins').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
