import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** One-line agent setup links (Store['setupTokens']), written once in Kysely for SQLite, PostgreSQL and D1. */
export function kyselySetupTokenStore(db: Kysely<Database>): Store['setupTokens'] {
  return {
    async put(record, now) {
      // Tokens are few and short-lived: each new one clears the expired ones, no job needed.
      await db.deleteFrom('setup_tokens').where('expires_at', '<=', now).execute();
      await db.insertInto('setup_tokens').values({ id: record.id, data_enc: record.sealed, expires_at: record.expiresAt }).execute();
    },

    async take(id, now) {
      const row = await db.selectFrom('setup_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      // The delete decides: of two replicas that read the row at once, only the one whose delete removed it serves it.
      // An expired row is deleted too (it can never be served), and serves nothing.
      const res = await db.deleteFrom('setup_tokens').where('id', '=', id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0 || Number(row.expires_at) <= now) return undefined;
      return { id: row.id, sealed: row.data_enc, expiresAt: Number(row.expires_at) };
    },
  };
}
