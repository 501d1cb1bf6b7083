import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore } from '../../src/platform/node/open-store.js';
import { sqliteReader } from '../../src/platform/node/sqlite-reader.js';
import type { Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/gateway.js';
import { logRow, T0 } from './records.js';

/**
 * The SQLite store's long reads run in a worker thread on a read-only
 * connection of their own (platform/node/sqlite-reader.ts): the event loop
 * keeps turning while one runs, and each read sees what was committed.
 */

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const handle of open.splice(0)) await handle.close();
});

async function storeAt(path: string): Promise<Store> {
  const store = await openStore(`sqlite:${path}`);
  open.push(store);
  return store;
}

describe('the SQLite reader thread', () => {
  it('keeps the event loop turning while a long read runs', async () => {
    const path = join(tempDir(), 'reader.db');
    await storeAt(path);
    const reader = sqliteReader<Database>(path);
    open.push({ close: () => reader.destroy() });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // Seconds of work for SQLite; on the gateway's own connection no timer could fire until it ended.
      const { rows } = await sql<{ n: number }>`with recursive count(i) as (select 1 union all select i + 1 from count where i < 3000000)
        select sum(i) as n from count`.execute(reader);
      expect(rows[0].n).toBe((3_000_000 * 3_000_001) / 2);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('serves the store’s log list, stats and usage, seeing each write as soon as it is committed', async () => {
    const store = await storeAt(join(tempDir(), 'store.db'));
    await store.logs.write([logRow({ id: 'r1', ts: T0 }), logRow({ id: 'r2', ts: T0 + 1 })]);
    expect((await store.logs.query({ limit: 10, offset: 0 })).data.map((r) => r.id)).toEqual(['r2', 'r1']);
    await store.logs.write([logRow({ id: 'r3', ts: T0 + 2 })]);
    expect((await store.logs.query({ limit: 10, offset: 0 })).data.map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.logs.stats({ from: T0, to: T0 + 3, bucketMs: 60_000, top: 5 })).totals.requests).toBe(3);
    expect((await store.usage.query({ by: 'model', from: T0, to: T0 + 3 })).map((r) => r.requests)).toEqual([3]);
  });

  it('refuses writes, reports SQL errors, and refuses queries once closed', async () => {
    const path = join(tempDir(), 'refuse.db');
    await storeAt(path);
    const reader = sqliteReader<Database>(path);
    await expect(sql`insert into settings (key, value) values ('a', 'b')`.execute(reader)).rejects.toThrow(/rows only|readonly/);
    await expect(sql`select * from no_such_table`.execute(reader)).rejects.toThrow(/no such table/);
    await reader.destroy();
    await expect(sql`select 1`.execute(reader)).rejects.toThrow();
  });
});

describe('a prune beside the reader thread', () => {
  it('runs while a read is in progress, and the read sees the rows as they were when it began', async () => {
    const path = join(tempDir(), 'prune.db');
    const store = await storeAt(path);
    for (let i = 0; i < 2000; i += 500)
      await store.logs.write(Array.from({ length: 500 }, (_, j) => logRow({ id: `r${String(i + j).padStart(5, '0')}`, ts: T0 + i + j })));
    const reader = sqliteReader<Database>(path);
    open.push({ close: () => reader.destroy() });
    await sql`select 1`.execute(reader); // the thread is up
    // A long read of the file (2,000 x 2,000 x 8 rows); the prune, its vacuum and its checkpoint run meanwhile.
    const read = sql<{ n: number }>`with recursive k(i) as (select 1 union all select i + 1 from k where i < 8)
      select count(*) as n from request_log a, request_log b, k`.execute(reader);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.logs.prune({ maxRows: 100 })).toEqual({ rows: 1900, bodies: 0 });
    expect((await read).rows[0].n).toBe(2000 * 2000 * 8);
    expect((await store.logs.query({ limit: 500, offset: 0 })).data).toHaveLength(100);
  });
});
