import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { createKyselyStore } from '../../store/kysely-store.js';
import { migrate } from '../../store/migrations.js';

/** Path of the SQLite file named by a `sqlite:<path>` storage URL. */
export function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  return path === ':memory:' ? path : resolve(path);
}

/** Opens (creating if needed) the SQLite store in WAL mode and applies migrations. */
export async function openSqliteStore(url: string): Promise<Store> {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets readers (admin queries) run while the recorder writes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return createKyselyStore(db);
}

/**
 * Kysely prepares every query anew; the recorder sends the same few
 * statements (a batch insert of a fixed size, the rollup upsert) over and
 * over, so their prepared forms are kept and reused.
 */
function withStatementCache(db: Database.Database, capacity = 64): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
  return new Proxy(db, {
    get(target, name) {
      if (name === 'prepare') return prepare;
      const value = Reflect.get(target, name, target);
      // native methods check that `this` is the real database, not the proxy
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
