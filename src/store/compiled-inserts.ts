import type { CompiledQuery, Kysely } from 'kysely';


/**
 * Multi-row inserts compiled once per shape and run again with new values.
 * The recorder writes the same few inserts (request_log rows, rollup
 * upserts) many times a second, and Kysely builds and compiles each one anew:
 * for a 40-row insert of 29 columns that is most of the write's cost on the
 * event loop. The SQL of such an insert depends only on the table, the
 * columns and the row count, so it is kept and given the new rows' values in
 * the order Kysely binds them (row by row, column by column). A shape whose
 * compiled parameters are not exactly its rows' values (a value written into
 * the SQL itself) is never kept: it compiles every time, as before.
 */
/** Runs `compile(rows)` (a multi-row insert Kysely builds: `trx.insertInto(t).values(rows)...compile()`), compiled once per shape. */
export type InsertRows = <DB, R extends object>(db: Kysely<DB>, name: string, rows: R[], compile: (rows: R[]) => CompiledQuery) => Promise<void>;

export function compiledInserts(): InsertRows {
  const kept = new Map<string, { sql: CompiledQuery; columns: string[] } | null>();
  return async (db, name, typed, compile) => {
    if (typed.length === 0) return;
    const rows = typed as unknown as Record<string, unknown>[];
    const columns = Object.keys(rows[0]);
    const shape = `${name}|${rows.length}|${columns.join(',')}`;
    const known = kept.get(shape);
    const values = known && rows.every((row) => sameColumns(row, columns)) ? valuesOf(rows, known.columns) : null;
    if (values) {
      await db.executeQuery({ ...known!.sql, parameters: values });
      return;
    }
    const compiled = compile(typed);
    if (known === undefined) kept.set(shape, bindsExactly(compiled, rows, columns) ? { sql: compiled, columns } : null);
    await db.executeQuery(compiled);
  };
}

function sameColumns(row: Record<string, unknown>, columns: string[]): boolean {
  const keys = Object.keys(row);
  return keys.length === columns.length && keys.every((key, i) => key === columns[i]);
}

/** The rows' values in binding order; null when one is undefined (Kysely leaves such a value out of the SQL, so the shape differs). */
function valuesOf(rows: Record<string, unknown>[], columns: string[]): unknown[] | null {
  const values = new Array<unknown>(rows.length * columns.length);
  let at = 0;
  for (const row of rows) {
    for (const column of columns) {
      const value = row[column];
      if (value === undefined) return null;
      values[at++] = value;
    }
  }
  return values;
}

function bindsExactly(compiled: CompiledQuery, rows: Record<string, unknown>[], columns: string[]): boolean {
  const values = valuesOf(rows, columns);
  return values !== null && compiled.parameters.length === values.length && compiled.parameters.every((value, i) => value === values[i]);
}
