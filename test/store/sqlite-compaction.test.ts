import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/platform/node/open-store.js';
import { pruneRequestLog } from '../../src/usage/log-retention.js';
import { tempDir } from '../helpers/gateway.js';
import { logRow, T0 } from './records.js';

/** What a separate connection sees: the file's size once the WAL is folded in, its free pages and its auto-vacuum mode. */
function inspect(path: string) {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    return {
      bytes: statSync(path).size,
      freePages: db.pragma('freelist_count', { simple: true }) as number,
      autoVacuum: db.pragma('auto_vacuum', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

const INCREMENTAL = 2;

describe('SQLite file size under retention', () => {
  it('shrinks the file after a prune: a new database has incremental auto-vacuum and the prune gives the pages back', async () => {
    const path = join(tempDir(), 'sb.db');
    const store = await openStore(`sqlite:${path}`);
    const ids = Array.from({ length: 2000 }, (_, i) => `req_${String(i).padStart(5, '0')}`);
    const text = 'x'.repeat(4000);
    for (let i = 0; i < ids.length; i += 200) {
      const slice = ids.slice(i, i + 200);
      await store.logs.write(
        slice.map((id, j) => logRow({ id, ts: T0 + (i + j) * 1000 })),
        slice.map((requestId) => ({ requestId, mode: 'full' as const, requestBody: text, responseBody: text, requestTruncated: false, responseTruncated: false })),
      );
    }
    const full = inspect(path);
    expect(full.autoVacuum).toBe(INCREMENTAL);
    expect(full.bytes).toBeGreaterThan(16_000_000);

    const logged: string[] = [];
    await pruneRequestLog(store, { maxRows: 100 }, T0 + 3_000_000, (m) => logged.push(m));
    expect(logged).toEqual(['request-log retention: deleted 1900 rows and 1900 logged bodies']);
    const pruned = inspect(path);
    expect(pruned.freePages).toBe(0);
    // 100 rows of 2000 are left: the file is a small part of what it was.
    expect(pruned.bytes).toBeLessThan(full.bytes / 5);
    expect((await store.logs.query({ limit: 200, offset: 0 })).data).toHaveLength(100);
    await store.close();
  });

  it('switches a file made without auto-vacuum with one VACUUM when the gateway opens it, never when a CLI command does', async () => {
    const path = join(tempDir(), 'old.db');
    const old = new Database(path);
    old.exec(`create table filler (x text); insert into filler values ('${'y'.repeat(1000)}')`);
    old.close();
    expect(inspect(path).autoVacuum).toBe(0);

    const cli = await openStore(`sqlite:${path}`);
    await cli.close();
    expect(inspect(path).autoVacuum).toBe(0);

    const logged: string[] = [];
    const gateway = await openStore(`sqlite:${path}`, { enableAutoVacuum: true, log: (m) => logged.push(m) });
    await gateway.close();
    expect(inspect(path).autoVacuum).toBe(INCREMENTAL);
    expect(logged[0]).toMatch(/switching to incremental auto-vacuum \(one VACUUM, once\)/);
    expect(logged[1]).toMatch(/switched in \d+ ms/);

    // Once switched, a later start has nothing to do.
    const again: string[] = [];
    await (await openStore(`sqlite:${path}`, { enableAutoVacuum: true, log: (m) => again.push(m) })).close();
    expect(again).toEqual([]);
  });
});
