import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createKyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/platform/node/open-store.js';
import { tempDir } from '../helpers/gateway.js';
import { createPostgresSchema, POSTGRES_URL, type PostgresSchema } from '../helpers/postgres.js';

describe('opening the store', () => {
  let schema: PostgresSchema | undefined;
  afterEach(async () => {
    await schema?.drop();
    schema = undefined;
  });

  it('picks the database from the URL scheme and refuses any other, naming it', async () => {
    await expect(openStore('mysql://root@localhost/db')).rejects.toThrow(/storage\.url: unknown scheme in "mysql:…"; use sqlite:<path> or postgres:\/\//);
    expect(configSchema.safeParse({ storage: { url: 'postgresql://u@h/db' } }).success).toBe(true);
    expect(configSchema.safeParse({ storage: { url: 'postgres://u@h/db' } }).success).toBe(true);
    const bad = configSchema.safeParse({ storage: { url: 'redis://h' } });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.message)).toEqual(['must be sqlite:<path> or postgres://user@host:port/database']);
  });

  it('accepts postgresql:// as well as postgres://', async () => {
    schema = await createPostgresSchema();
    const store = await openStore(schema.url.replace(/^postgres:/, 'postgresql:'));
    await store.settings.set('a', 'b');
    expect(await store.settings.get('a')).toBe('b');
    await store.close();
  });

  it('migrates once when several replicas start at the same time on PostgreSQL', async () => {
    schema = await createPostgresSchema();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(schema!.url)));
    // Every replica works on the one schema.
    await stores[0].settings.set('seen', 'yes');
    expect(await Promise.all(stores.map((s) => s.settings.get('seen')))).toEqual(Array(6).fill('yes'));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    const { rows } = await client.query<{ name: string; n: string }>('select name, count(*) as n from kysely_migration group by name order by name');
    await client.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === '1')).toBe(true);
    expect(rows[0].name).toBe('0001_initial');
  });

  it('says so when the schema a PostgreSQL URL names does not exist', async () => {
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', '-c search_path=sb_missing_schema_x');
    await expect(openStore(url.toString())).rejects.toThrow(/schema in its search_path does not exist/);
  });

  it('leaves migrating to the platform: a store made on an empty database has no tables', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(join(tempDir(), 'bare.db')) }) });
    const store = createKyselyStore(db);
    await expect(store.keys.list()).rejects.toThrow(/no such table/);
    await store.close();
  });
});
