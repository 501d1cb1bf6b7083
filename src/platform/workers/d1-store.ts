import { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { createKyselyStore } from '../../store/kysely-store.js';
import type { D1Database } from './bindings.js';
import { d1Batch } from './d1-batch.js';
import { d1Dialect } from './d1-dialect.js';
import { d1Exclusive } from './d1-exclusive.js';

/** D1 refuses a statement with more bound parameters than this. */
export const D1_MAX_PARAMS = 100;

/**
 * The Store on Cloudflare D1: the same Kysely store as SQLite and PostgreSQL,
 * with D1's batch() for writes that land together, a lease row for
 * exclusive sections, and statements cut to D1's 100 bound parameters. The
 * schema is applied by `wrangler d1 migrations apply` from migrations/d1/
 * (generated from store/migrations.ts by scripts/d1-migrations.ts), never here.
 */
export function createD1Store(db: D1Database): Store {
  const kysely = new Kysely<Database>({ dialect: d1Dialect(db) });
  return createKyselyStore(kysely, { batch: d1Batch(db), exclusive: d1Exclusive(kysely), maxParams: D1_MAX_PARAMS });
}
