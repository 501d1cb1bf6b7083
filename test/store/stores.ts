import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openStore } from '../../src/platform/node/open-store.js';
import { tempDir } from '../helpers/gateway.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';

/**
 * The Store conformance suite runs every case against every implementation:
 * a SQLite file and PostgreSQL (a schema of its own per test file). Each file
 * opens its store once; before each test every table is emptied (the
 * migrations' own tables excepted). A new adapter joins by adding an entry.
 */
interface Implementation {
  name: string;
  /** Once per file: an empty database's storage URL. */
  setUp(): Promise<string>;
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
      return `sqlite:${path}`;
    },
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
      return schema.url;
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
  for (const make of [sqlite, postgres]) {
    const impl = make();
    describe(`${title} [${impl.name}]`, () => {
      let url = '';
      let current: Store | undefined;
      let others: Store[] = [];
      beforeAll(async () => {
        url = await impl.setUp();
        current = await openStore(url);
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
          const store = await openStore(url);
          others.push(store);
          return store;
        },
      });
    });
  }
}
