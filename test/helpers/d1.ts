import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import type { D1Database } from '../../src/platform/workers/bindings.js';

export const D1_MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations', 'd1');

export interface LocalD1 {
  /** The binding, reached from Node through Miniflare's proxy; the database runs in workerd. */
  db: D1Database;
  dispose(): Promise<void>;
}

/**
 * A real D1 database, local (workerd's D1, in memory), for tests run from
 * Node: one Miniflare per test file. With `migrate` (the default) the
 * checked-in migrations/d1/*.sql files are applied in order, each as one
 * batch, the way `wrangler d1 migrations apply` does.
 */
export async function startLocalD1(options: { migrate?: boolean } = {}): Promise<LocalD1> {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response() } }',
    compatibilityDate: '2026-04-01',
    d1Databases: { DB: 'test-db' },
  });
  const db = (await mf.getD1Database('DB')) as unknown as D1Database;
  if (options.migrate ?? true) {
    for (const file of readdirSync(D1_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
      await db.batch(sqlStatements(readFileSync(join(D1_MIGRATIONS_DIR, file), 'utf8')).map((s) => db.prepare(s)));
    }
  }
  return { db, dispose: () => mf.dispose() };
}

/** A generated migration file's statements: one a line, comment lines left out. */
export function sqlStatements(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('--'));
}
