import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL the tests use: SWITCHBOARD_TEST_POSTGRES, else the local
 * server (trust auth, database `test`).
 */
export const POSTGRES_URL = process.env.SWITCHBOARD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresSchema {
  /** The schema's name, unique to this run. */
  schema: string;
  /** A `storage.url` whose connections use only this schema. */
  url: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty schema of its own for one test (or one test file), so tests
 * running at once on the same server never see each other's rows. Call
 * `drop()` when done (an afterAll / afterEach).
 */
export async function createPostgresSchema(prefix = 'sbtest'): Promise<PostgresSchema> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`create schema ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: url.toString(),
    drop: () => admin(`drop schema if exists ${schema} cascade`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
