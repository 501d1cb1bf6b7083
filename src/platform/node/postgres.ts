import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database as Schema } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { createKyselyStore } from '../../store/kysely-store.js';
import { migrate } from '../../store/migrations.js';
import type { Exclusive } from '../../store/exclusive.js';

/** PostgreSQL's type ids for bigint and numeric (pg_type.oid). */
const INT8 = 20;
const NUMERIC = 1700;

/**
 * pg hands bigint and numeric values back as strings (they may not fit a JS
 * number). Every bigint here is an epoch-ms time or a token or byte sum, far
 * below 2^53, and numeric appears only as the sum of bigints; read as
 * numbers, rows come back as they do from SQLite.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  log?: (message: string) => void;
}

/**
 * Opens the PostgreSQL store named by a `postgres://` (or `postgresql://`)
 * URL and applies pending migrations. The URL is pg's connection string: a
 * schema other than `public` is chosen with
 * `?options=-c%20search_path%3D<schema>`, and the schema must exist.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const log = options.log ?? ((m: string) => console.error(m));
  const pool = new pg.Pool({ connectionString: url, types, max: options.poolSize ?? 10 });
  // A connection that breaks (the server restarted, the network dropped it) emits 'error'; unheard, that would
  // end the process. Idle ones are reported by the pool; one in use fails its query, which is reported where it
  // was made, and the pool drops it when it comes back.
  pool.on('error', (err) => log(`postgres: idle connection lost: ${err.message}`));
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('storage.url: the schema in its search_path does not exist (create it first)');
    await migrate(db, { schema });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return createKyselyStore(db, { exclusive: advisoryLock(db) });
}

/**
 * Work under a name runs while this process holds a PostgreSQL advisory lock
 * keyed on the schema and the name, on a connection of its own; another
 * replica asking for it waits. A replica that dies holding it loses it with
 * its connection.
 */
function advisoryLock(db: Kysely<Schema>): Exclusive {
  return (name, work) =>
    db.connection().execute(async (conn) => {
      const key = sql`hashtextextended(current_schema() || ':switchboard:' || ${name}, 0)`;
      await sql`select pg_advisory_lock(${key})`.execute(conn);
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
}
