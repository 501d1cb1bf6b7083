import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { createKyselyStore } from '../../store/kysely-store.js';
import { migrate } from '../../store/migrations.js';
import { sqliteReader } from './sqlite-reader.js';
import { connectionPragmas, withStatementCache } from './sqlite-connection.js';
import { type LogWriter, offThreadLogWriter } from './log-writer.js';

/** Path of the SQLite file named by a `sqlite:<path>` storage URL. */
export function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  return path === ':memory:' ? path : resolve(path);
}

export interface SqliteStoreOptions {
  /**
   * Switch a file made without incremental auto-vacuum with one VACUUM
   * (the gateway at start does; CLI commands, which may run beside a
   * gateway, never do).
   */
  enableAutoVacuum?: boolean;
  log?: (message: string) => void;
}

/** `PRAGMA auto_vacuum` values. */
const AUTO_VACUUM_INCREMENTAL = 2;
/** Pages given back per incremental-vacuum step (1 MiB of 4 KiB pages): under ~100 ms even with the WAL checkpoint a step may trigger; the event loop is free in between. */
const VACUUM_STEP_PAGES = 256;

/** Opens (creating if needed) the SQLite store in WAL mode with incremental auto-vacuum and applies migrations. */
export async function openSqliteStore(url: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // Pages freed by retention can go back to the file system (reclaimSpace); SQLite takes this only
  // before the first table is created, so a new file gets it here and an older one needs a VACUUM.
  sqlite.pragma('auto_vacuum = INCREMENTAL');
  connectionPragmas(sqlite);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrate(db);
    if (options.enableAutoVacuum && path !== ':memory:') switchToIncrementalVacuum(sqlite, path, options.log ?? console.log);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const store = createKyselyStore(db, {
    // The database runs in this process: a long prune lets requests through between its slices.
    pauseBetweenSlices: nextTurn,
    // And the admin API's long reads run in a worker thread (an in-memory database has no file to share).
    reader: path === ':memory:' ? undefined : sqliteReader<Schema>(path),
    reclaimSpace: () => reclaimSpace(db, sqlite, nextTurn),
  });
  // An in-memory database is this connection's alone: its logs are written here. With one CPU to run on
  // (a container's limit, taskset), a thread cannot run beside the event loop, only take turns with it:
  // measured pinned to one core, it cost ~10 % of throughput (its wake-ups and copies) and gained nothing.
  if (path === ':memory:' || availableParallelism() < 2) return store;
  return withLogWriterThread(store, path, options.log ?? console.log);
}

/** By the store's `logs.write`, which wrappers of the store (app/sealed-proxy-store.ts) pass on as it is. */
const logWriters = new WeakMap<Store['logs']['write'], LogWriter>();

/** The thread writing a SQLite store's request logs (tests end it to see writes carry on in process). */
export function logWriterOf(store: Store): LogWriter | undefined {
  return logWriters.get(store.logs.write);
}

/**
 * The store with `logs.write` on a thread of its own (log-writer.ts); reads,
 * prunes and every other write stay on this connection. Closing waits for the
 * writes in flight and ends the thread before the connection closes.
 */
function withLogWriterThread(store: Store, path: string, log: (message: string) => void): Store {
  const writer = offThreadLogWriter(path, store.logs.write, log);
  const wrapped: Store = {
    ...store,
    logs: { ...store.logs, write: writer.write },
    async close() {
      await writer.close();
      await store.close();
    },
  };
  logWriters.set(wrapped.logs.write, writer);
  return wrapped;
}

/**
 * A file made before incremental auto-vacuum keeps its freed pages for new
 * rows but never shrinks; one VACUUM (a rewrite of the file, needing free
 * disk space about its size) switches it. A failure (a full disk) is logged
 * and the gateway starts anyway: retention still works, the file just keeps
 * its size.
 */
function switchToIncrementalVacuum(sqlite: Database.Database, path: string, log: (message: string) => void): void {
  if (sqlite.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
  const started = Date.now();
  log(`${path}: switching to incremental auto-vacuum (one VACUUM, once) so retention can shrink the file`);
  try {
    sqlite.exec('VACUUM');
    log(`${path}: switched in ${Date.now() - started} ms`);
  } catch (err) {
    log(`${path}: VACUUM failed, the file will not shrink after retention: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Gives the pages a prune freed back to the file system: incremental
 * vacuum a step at a time, each holding Kysely's connection (so no
 * transaction of the store is open meanwhile), the event loop free between
 * steps; then a checkpoint, which is when the file itself is cut (WAL).
 * `exec` because one step of the prepared pragma frees a single page.
 */
async function reclaimSpace(db: Kysely<Schema>, sqlite: Database.Database, nextTurn: () => Promise<void>): Promise<void> {
  if (sqlite.pragma('auto_vacuum', { simple: true }) !== AUTO_VACUUM_INCREMENTAL) return;
  for (;;) {
    const freed = await db.connection().execute(async () => {
      const before = sqlite.pragma('freelist_count', { simple: true }) as number;
      if (before > 0) sqlite.exec(`pragma incremental_vacuum(${VACUUM_STEP_PAGES})`);
      return before - (sqlite.pragma('freelist_count', { simple: true }) as number);
    });
    if (freed <= 0) break;
    await nextTurn();
  }
  // TRUNCATE also empties the WAL the vacuum filled. A reader still on an older snapshot (the reader thread in
  // the middle of an admin query, another process) would make it wait out busy_timeout with the event loop
  // held; without the wait it folds in what it can and leaves the rest to the next checkpoint.
  await db.connection().execute(async () => {
    const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      sqlite.pragma(`busy_timeout = ${timeout}`);
    }
  });
}
