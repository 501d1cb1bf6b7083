import type Database from 'better-sqlite3';

/**
 * What every connection to the gateway's SQLite file runs at open: the main
 * one (sqlite.ts) and the log writer's (log-writer-worker.ts), so both wait
 * for each other's writes the same way.
 */
export function connectionPragmas(sqlite: Database.Database): void {
  // WAL lets readers (admin queries) run while the recorder writes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Two connections write the file (the main one and the log writer's thread): one waits for the other's transaction.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
}

/**
 * Kysely prepares every query anew; the recorder sends the same few
 * statements (a batch insert of a fixed size, the rollup upsert) over and
 * over, so their prepared forms are kept and reused.
 */
export function withStatementCache(db: Database.Database, capacity = 64): Database.Database {
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
