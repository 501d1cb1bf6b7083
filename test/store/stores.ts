import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openStore } from '../../src/platform/node/open-store.js';
import { createD1Store } from '../../src/platform/workers/d1-store.js';
import { tempDir } from '../helpers/gateway.js';
import { startLocalD1, type LocalD1 } from '../helpers/d1.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';

/**
 * The Store conformance suite runs every case against every implementation:
 * a SQLite file, PostgreSQL (a schema of its own per test file) and D1
 * (workerd's, through Miniflare, one per test file, its schema from the
 * generated migrations/d1 files). Each file opens its store once; before
 * each test every table is emptied (the migrations' own tables excepted).
 * A new adapter joins by adding an entry.
 */
interface Implementation {
  name: string;
  /** Once per file: an empty database. */
  setUp(): Promise<void>;
  /** Opens a store on it (one per replica). */
  open(): Promise<Store>;
  /** Empties every table. */
  empty(): Promise<void>;
  tearDown(): Promise<void>;
}

function sqlite(): Implementation {
  let path = '';
  return {
    name: 'sqlite',
    async setUp() {
      path = join(tempDir(), 'store.db');
    },
    open: () => openStore(`sqlite:${path}`),
    async empty() {
      const db = new Database(path);
      try {
        const tables = db.prepare(`select name from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%'`).all() as { name: string }[];
        db.transaction(() => tables.forEach((t) => db.prepare(`delete from "${t.name}"`).run()))();
      } finally {
        db.close();
      }
    },
    async tearDown() {},
  };
}

function postgres(): Implementation {
  let schema: PostgresSchema | undefined;
  return {
    name: 'postgres',
    async setUp() {
      schema = await createPostgresSchema('sbstore');
    },
    async open() {
      if (!schema) throw new Error('postgres: setUp did not run');
      return openStore(schema.url);
    },
    async empty() {
      if (!schema) throw new Error('postgres: setUp did not run');
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(
          `select table_name as name from information_schema.tables where table_schema = $1 and table_name not like 'kysely_%'`,
          [schema.schema],
        );
        await client.query(rows.map((r) => `delete from "${r.name}";`).join('\n'));
      } finally {
        await client.end();
      }
    },
    async tearDown() {
      await schema?.drop();
    },
  };
}

function d1(): Implementation {
  let local: LocalD1 | undefined;
  const db = () => {
    if (!local) throw new Error('d1: setUp did not run');
    return local.db;
  };
  return {
    name: 'd1',
    async setUp() {
      local = await startLocalD1();
    },
    async open() {
      return createD1Store(db());
    },
    async empty() {
      const { results } = await db()
        .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations'`)
        .all<{ name: string }>();
      await db().batch(results.map((t) => db().prepare(`delete from "${t.name}"`)));
    },
    async tearDown() {
      await local?.dispose();
    },
  };
}

export interface StoreContext {
  /** The store under test, open on an empty database. */
  store(): Store;
  /** Opens another store on the same database (a second replica); closed after the test. */
  another(): Promise<Store>;
  /** Which implementation runs. */
  name: string;
}

/** Declares the same cases once per implementation. */
export function describeStores(title: string, cases: (ctx: StoreContext) => void): void {
  for (const make of [sqlite, postgres, d1]) {
    const impl = make();
    describe(`${title} [${impl.name}]`, () => {
      let current: Store | undefined;
      let others: Store[] = [];
      beforeAll(async () => {
        await impl.setUp();
        current = await impl.open();
      });
      afterAll(async () => {
        await current?.close();
        await impl.tearDown();
      });
      beforeEach(() => impl.empty());
      afterEach(async () => {
        await Promise.all(others.map((s) => s.close()));
        others = [];
      });
      cases({
        name: impl.name,
        store: () => {
          if (!current) throw new Error('no store open');
          return current;
        },
        async another() {
          const store = await impl.open();
          others.push(store);
          return store;
        },
      });
    });
  }
}
