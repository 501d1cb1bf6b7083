import { type CompiledQuery, Kysely } from 'kysely';
import { migrations } from '../../store/migrations.js';
import { callbackDialect } from './callback-dialect.js';

export interface D1MigrationFile {
  /** `<migration name>.sql`, the name wrangler records once the file is applied. */
  file: string;
  sql: string;
}

/**
 * The store's migration list (store/migrations.ts) as SQL files for
 * `wrangler d1 migrations apply`: each migration's `up` runs against a
 * Kysely with SQLite's dialect whose driver records the statements instead
 * of executing them. One statement per line. A migration that reads data
 * cannot become a fixed file, so a read fails here; values a statement
 * binds are written into it as SQL literals.
 */
export async function d1MigrationFiles(): Promise<D1MigrationFile[]> {
  const files: D1MigrationFile[] = [];
  // By name, as Kysely's Migrator and wrangler apply them: helpers append to the list in whatever order they land.
  for (const [name, migration] of Object.entries(migrations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const statements: string[] = [];
    const db = new Kysely<unknown>({
      dialect: callbackDialect(async (query) => {
        statements.push(`${inlined(name, query)};`);
        return { rows: [] };
      }),
    });
    await migration.up(db);
    const header = `-- Generated from src/store/migrations.ts (${name}) by \`npm run d1:migrations\`; do not edit.`;
    files.push({ file: `${name}.sql`, sql: `${header}\n${statements.join('\n')}\n` });
  }
  return files;
}

function inlined(migration: string, query: CompiledQuery): string {
  if (query.query.kind === 'SelectQueryNode' || /^\s*(select|with)\b/i.test(query.sql)) {
    throw new Error(`migration ${migration} reads data (${query.sql.slice(0, 80)}); a D1 migration file cannot hold a read, so write that step in SQL alone`);
  }
  // SQLite's compiler writes each parameter as a bare `?`; one inside a quoted name or string is text.
  let next = 0;
  let quote: string | undefined;
  let sql = '';
  for (const ch of query.sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === '?') {
      sql += literal(migration, query.parameters[next++]);
      continue;
    }
    sql += ch;
  }
  if (next !== query.parameters.length) throw new Error(`migration ${migration}: ${query.parameters.length} parameters for ${next} placeholders in ${query.sql}`);
  return sql;
}

function literal(migration: string, value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  throw new Error(`migration ${migration}: cannot write ${typeof value} ${String(value)} as an SQL literal`);
}
