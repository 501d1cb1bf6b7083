import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A set of writes that must land together. The Kysely store sends every such
 * set through one of these: a transaction on SQLite and PostgreSQL
 * (`transactionBatch`); a D1 adapter hands in its own, built on D1's
 * `batch()`, and nothing else in the store changes.
 */
export type Batch = <T>(writes: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;

/** A batch as one database transaction. */
export function transactionBatch(db: Kysely<Database>): Batch {
  return (writes) => db.transaction().execute(writes);
}
