import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledInserts } from '../../src/store/compiled-inserts.js';

interface Schema {
  t: { id: number; name: string | null; n: number };
}

describe('compiled inserts', () => {
  let db: Kysely<Schema>;
  afterEach(() => db?.destroy());

  it('runs a kept shape again with the new rows in column order, and compiles whatever differs', async () => {
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await db.schema.createTable('t').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').addColumn('n', 'integer').execute();
    const insertRows = compiledInserts();
    let compiles = 0;
    const insert = (rows: Schema['t'][]) =>
      insertRows(db, 't', rows, (values) => {
        compiles++;
        return db.insertInto('t').values(values).compile();
      });

    await insert([{ id: 1, name: 'a', n: 10 }, { id: 2, name: null, n: 20 }]);
    await insert([{ id: 3, name: 'c', n: 30 }, { id: 4, name: 'd', n: 40 }]); // same shape: kept SQL
    expect(compiles).toBe(1);
    await insert([{ id: 5, name: 'e', n: 50 }]); // one row: a shape of its own
    await insert([{ n: 60, id: 6, name: 'f' }, { n: 70, id: 7, name: 'g' }]); // other column order
    expect(compiles).toBe(3);

    const rows = await db.selectFrom('t').selectAll().orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, name: 'a', n: 10 },
      { id: 2, name: null, n: 20 },
      { id: 3, name: 'c', n: 30 },
      { id: 4, name: 'd', n: 40 },
      { id: 5, name: 'e', n: 50 },
      { id: 6, name: 'f', n: 60 },
      { id: 7, name: 'g', n: 70 },
    ]);
  });
});
