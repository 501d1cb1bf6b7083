import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Miniflare } from 'miniflare';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/platform/node/open-store.js';
import { d1MigrationFiles } from '../../src/platform/workers/d1-migrations.js';
import { D1_MIGRATIONS_DIR } from '../helpers/d1.js';
import { tempDir } from '../helpers/gateway.js';

const WRANGLER = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'wrangler');
/** Every table and index the migrations made, as SQLite keeps them (the migrations' own bookkeeping left out). */
const SCHEMA = `select type, name, tbl_name, sql from sqlite_master
  where name not like 'sqlite_%' and name not like 'kysely_%' and name not like '_cf_%' and name != 'd1_migrations' order by name`;

describe('D1 migration files', () => {
  it('are what the store\'s migration list generates (run `npm run d1:migrations` after adding a migration)', async () => {
    const generated = await d1MigrationFiles();
    const onDisk = readdirSync(D1_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    expect(onDisk).toEqual(generated.map((m) => m.file));
    for (const { file, sql } of generated) expect(readFileSync(join(D1_MIGRATIONS_DIR, file), 'utf8'), file).toBe(sql);
  });

  it('apply with `wrangler d1 migrations apply` to local D1 and give the schema the Node store migrates to', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const config = join(dir, 'wrangler.jsonc');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'migrations-test',
        compatibility_date: '2026-04-01',
        d1_databases: [{ binding: 'DB', database_name: 'migrations-test', database_id: 'migrations-test', migrations_dir: D1_MIGRATIONS_DIR }],
      }),
    );
    const { stdout } = await promisify(execFile)(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', join(dir, 'state'), '-c', config], {
      cwd: dir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1', NO_COLOR: '1' },
    });
    for (const { file } of await d1MigrationFiles()) expect(stdout).toMatch(new RegExp(`${file}\\s*│\\s*✅`));

    // The database wrangler wrote, read through D1 in workerd.
    const mf = new Miniflare({
      modules: true,
      script: 'export default { fetch() { return new Response() } }',
      compatibilityDate: '2026-04-01',
      d1Databases: { DB: 'migrations-test' },
      d1Persist: join(dir, 'state', 'v3', 'd1'),
    });
    let d1Schema: unknown[];
    try {
      d1Schema = (await (await mf.getD1Database('DB')).prepare(SCHEMA).all()).results;
    } finally {
      await mf.dispose();
    }

    const path = join(tempDir(), 'node.db');
    await (await openStore(`sqlite:${path}`)).close();
    const sqlite = new Database(path, { readonly: true });
    const nodeSchema = sqlite.prepare(SCHEMA).all();
    sqlite.close();
    expect(nodeSchema.length).toBeGreaterThan(10);
    expect(d1Schema).toEqual(nodeSchema);
  });
});
