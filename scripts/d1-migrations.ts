/**
 * Writes migrations/d1/*.sql, the files `wrangler d1 migrations apply`
 * applies to D1, from the store's migration list (src/store/migrations.ts),
 * the one the Node store applies itself. Run after adding a migration:
 * `npm run d1:migrations`; test/store/d1-migrations.test.ts fails
 * while the checked-in files differ from what the list generates.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { d1MigrationFiles } from '../src/platform/workers/d1-migrations.js';

const dir = join(import.meta.dirname, '..', 'migrations', 'd1');
mkdirSync(dir, { recursive: true });
const files = await d1MigrationFiles();
// A file whose migration is gone from the list would still be applied by wrangler.
for (const stale of readdirSync(dir).filter((f) => f.endsWith('.sql') && !files.some((m) => m.file === f))) rmSync(join(dir, stale));
for (const { file, sql } of files) writeFileSync(join(dir, file), sql);
console.log(`wrote ${files.length} files to migrations/d1/`);
