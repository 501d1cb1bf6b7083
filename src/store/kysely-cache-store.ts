import type { Kysely } from 'kysely';
import type { Database, ResponseCacheTable } from './schema.js';
import type { Store } from './store.js';
import type { CacheEntry } from './types.js';

/**
 * The response cache's queries (Store['cache']), written once in Kysely for
 * SQLite, PostgreSQL and D1. Entries are read by their key hash (the primary
 * key); sizes and last use drive the sweep.
 */
export function kyselyCacheStore(db: Kysely<Database>): Store['cache'] {
  return {
    async hit(keyHash, now) {
      // A read first, so a miss (the common case on a cold cache) takes no write lock.
      const row = await db
        .selectFrom('response_cache')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return undefined;
      await db
        .updateTable('response_cache')
        .set((eb) => ({ hits: eb('hits', '+', 1), last_used_at: now }))
        .where('key_hash', '=', keyHash)
        .execute();
      return fromRow(row);
    },

    async put(entry) {
      const row = toRow(entry);
      const { key_hash: _key, ...rest } = row;
      await db
        .insertInto('response_cache')
        .values(row)
        .onConflict((oc) => oc.column('key_hash').doUpdateSet(rest))
        .execute();
    },

    async purge(filter) {
      let query = db.deleteFrom('response_cache');
      if (filter.model !== undefined) query = query.where('model', '=', filter.model);
      if (filter.keyId !== undefined) query = query.where('key_id', '=', filter.keyId);
      if (filter.customKey !== undefined) query = query.where('custom_key', '=', filter.customKey);
      const res = await query.executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    async sweep(now, maxBytes) {
      const expired = await db.deleteFrom('response_cache').where('expires_at', '<=', now).executeTakeFirst();
      // Newest use first, summing sizes; whatever lies past the cap is the least recently used.
      const evicted = await db
        .deleteFrom('response_cache')
        .where('key_hash', 'in', (eb) =>
          eb
            .selectFrom((inner) =>
              inner
                .selectFrom('response_cache')
                .select((e) => [
                  'key_hash',
                  e.fn
                    .sum<number>('bytes')
                    .over((ob) => ob.orderBy('last_used_at', 'desc').orderBy('key_hash'))
                    .as('running'),
                ])
                .as('ranked'),
            )
            .select('ranked.key_hash')
            .where('ranked.running', '>', maxBytes),
        )
        .executeTakeFirst();
      return { expired: Number(expired.numDeletedRows), evicted: Number(evicted.numDeletedRows) };
    },

    async stats() {
      const row = await db
        .selectFrom('response_cache')
        .select((eb) => [
          eb.fn.countAll<number>().as('entries'),
          eb.fn.sum<number>('bytes').as('bytes'),
          eb.fn.sum<number>('hits').as('hits'),
        ])
        .executeTakeFirstOrThrow();
      return { entries: Number(row.entries), bytes: Number(row.bytes ?? 0), hits: Number(row.hits ?? 0) };
    },
  };
}

function toRow(e: CacheEntry): ResponseCacheTable {
  return {
    key_hash: e.keyHash,
    scope: e.scope,
    key_id: e.keyId,
    custom_key: e.customKey,
    model: e.model,
    protocol: e.protocol,
    stream: e.stream ? 1 : 0,
    status: e.status,
    content_type: e.contentType,
    body: e.body,
    usage: JSON.stringify(e.usage),
    bytes: e.bytes,
    created_at: e.createdAt,
    expires_at: e.expiresAt,
    last_used_at: e.lastUsedAt,
    hits: e.hits,
  };
}

function fromRow(r: ResponseCacheTable): CacheEntry {
  return {
    keyHash: r.key_hash,
    scope: r.scope,
    keyId: r.key_id,
    customKey: r.custom_key,
    model: r.model,
    protocol: r.protocol,
    stream: r.stream === 1,
    status: r.status,
    contentType: r.content_type,
    body: r.body,
    usage: JSON.parse(r.usage) as CacheEntry['usage'],
    bytes: Number(r.bytes),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    lastUsedAt: Number(r.last_used_at),
    hits: Number(r.hits),
  };
}
