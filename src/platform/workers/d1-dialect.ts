import type { CompiledQuery, Dialect, QueryResult } from 'kysely';
import type { D1Database, D1PreparedStatement, D1Result } from './bindings.js';
import { callbackDialect } from './callback-dialect.js';

/**
 * Kysely on D1: SQLite's SQL, each statement prepared, bound and run with
 * `all()` (rows for reads and RETURNING, `meta.changes` for writes).
 * Written here rather than taken from the kysely-d1 package: that one types
 * its binding with @cloudflare/workers-types, which this project keeps out
 * (bindings.ts says why), and the batch needs the same statement and result
 * mapping (toStatement, toQueryResult) for its record-and-replay.
 */
export function d1Dialect(db: D1Database): Dialect {
  return callbackDialect(async (query) => toQueryResult(await toStatement(db, query).all()));
}

/** A compiled Kysely statement as a D1 prepared statement. */
export function toStatement(db: D1Database, query: CompiledQuery): D1PreparedStatement {
  const statement = db.prepare(query.sql);
  return query.parameters.length === 0 ? statement : statement.bind(...query.parameters);
}

/** D1's answer in Kysely's shape. */
export function toQueryResult(result: D1Result): QueryResult<unknown> {
  const { changes, last_row_id: lastRowId } = result.meta;
  return {
    rows: result.results ?? [],
    numAffectedRows: changes === undefined ? undefined : BigInt(changes),
    insertId: lastRowId === undefined || lastRowId === null ? undefined : BigInt(lastRowId),
  };
}
