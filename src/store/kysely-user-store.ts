import type { Kysely } from 'kysely';
import type { Database, KeyRequestsTable, UsersTable } from './schema.js';
import type { Store } from './store.js';
import type { KeyRequestRecord, UserRecord } from './types.js';

/** Users, their sessions and their key requests (Store['users'], ['sessions'], ['keyRequests']), written once in Kysely. */
export function kyselyUserStore(db: Kysely<Database>): Pick<Store, 'users' | 'sessions' | 'keyRequests'> {
  return {
    users: {
      async list() {
        return (await db.selectFrom('users').selectAll().orderBy('name').execute()).map(fromUserRow);
      },
      async get(id) {
        const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
        return row && fromUserRow(row);
      },
      async byName(name) {
        const row = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
        return row && fromUserRow(row);
      },
      async put(u) {
        const row = {
          name: u.name,
          role: u.role,
          password_hash: u.passwordHash,
          disabled: u.disabled ? 1 : 0,
          caps: JSON.stringify(u.caps),
          updated_at: u.updatedAt,
        };
        await db
          .insertInto('users')
          .values({ id: u.id, ...row, created_at: u.createdAt })
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
      },
      async delete(id) {
        const res = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        return Number(res.numDeletedRows) > 0;
      },
    },

    sessions: {
      async put(record, now) {
        // Sign-ins are rare: each one clears the expired sessions, no job needed.
        await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
        await db
          .insertInto('sessions')
          .values({ id: record.id, user_id: record.userId, created_at: record.createdAt, expires_at: record.expiresAt })
          .execute();
      },
      async get(id, now) {
        const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
        return row && { id: row.id, userId: row.user_id, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) };
      },
      async delete(id) {
        const res = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
        return Number(res.numDeletedRows) > 0;
      },
      async deleteForUser(userId) {
        const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
        return Number(res.numDeletedRows);
      },
    },

    keyRequests: {
      async list(filter) {
        let query = db.selectFrom('key_requests').selectAll();
        if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
        if (filter.state !== undefined) query = query.where('state', '=', filter.state);
        return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map(fromRequestRow);
      },
      async get(id) {
        const row = await db.selectFrom('key_requests').selectAll().where('id', '=', id).executeTakeFirst();
        return row && fromRequestRow(row);
      },
      async put(r) {
        const row = {
          user_id: r.userId,
          spec: JSON.stringify(r.spec),
          reason: r.reason,
          state: r.state,
          note: r.note,
          decided_by: r.decidedBy,
          decided_at: r.decidedAt,
          key_id: r.keyId,
          claimed_at: r.claimedAt,
        };
        await db
          .insertInto('key_requests')
          .values({ id: r.id, ...row, created_at: r.createdAt })
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
      },
      async decide(id, decision) {
        // Only a pending request is decided, and only once: two admins (or replicas) racing, one wins.
        const res = await db
          .updateTable('key_requests')
          .set({ state: decision.state, note: decision.note, decided_by: decision.decidedBy, decided_at: decision.decidedAt, key_id: decision.keyId })
          .where('id', '=', id)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        return Number(res.numUpdatedRows) > 0;
      },
      async claim(id, at) {
        const res = await db
          .updateTable('key_requests')
          .set({ claimed_at: at })
          .where('id', '=', id)
          .where('state', '=', 'approved')
          .where('claimed_at', 'is', null)
          .executeTakeFirst();
        return Number(res.numUpdatedRows) > 0;
      },
    },
  };
}

function fromUserRow(r: UsersTable): UserRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role === 'admin' ? 'admin' : 'member',
    passwordHash: r.password_hash,
    disabled: Number(r.disabled) === 1,
    caps: JSON.parse(r.caps),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function fromRequestRow(r: KeyRequestsTable): KeyRequestRecord {
  const at = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    userId: r.user_id,
    spec: JSON.parse(r.spec),
    reason: r.reason,
    state: r.state as KeyRequestRecord['state'],
    note: r.note,
    decidedBy: r.decided_by,
    decidedAt: at(r.decided_at),
    keyId: r.key_id,
    claimedAt: at(r.claimed_at),
    createdAt: Number(r.created_at),
  };
}
