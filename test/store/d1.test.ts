import { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/schema.js';
import { d1Batch } from '../../src/platform/workers/d1-batch.js';
import { d1Dialect } from '../../src/platform/workers/d1-dialect.js';
import { d1Exclusive } from '../../src/platform/workers/d1-exclusive.js';
import { createD1Store } from '../../src/platform/workers/d1-store.js';
import type { D1Database } from '../../src/platform/workers/bindings.js';
import { HOUR, logRows, T0 } from './records.js';
import { startLocalD1, type LocalD1 } from '../helpers/d1.js';

/** What only D1 needs: its batch made of record and replay, its parameter cap, its lease. The Store cases run on D1 in the conformance suite. */
describe('the D1 store\'s parts, on local D1', () => {
  let local: LocalD1;
  let db: Kysely<Database>;
  const settings = async () => (await db.selectFrom('settings').selectAll().orderBy('key').execute()).map((r) => [r.key, r.value]);

  beforeAll(async () => {
    local = await startLocalD1();
    db = new Kysely<Database>({ dialect: d1Dialect(local.db) });
  });
  afterAll(() => local.dispose());
  beforeEach(async () => {
    for (const table of ['settings', 'request_log', 'usage_rollup'] as const) await db.deleteFrom(table).execute();
  });

  it('refuses a statement with more than 100 bound parameters, which is why the store cuts its statements', async () => {
    const select = (n: number) => local.db.prepare(`select ${Array(n).fill('?').join(', ')}`).bind(...Array(n).fill(1)).all();
    await expect(select(100)).resolves.toMatchObject({ success: true });
    await expect(select(101)).rejects.toThrow(/too many SQL variables/);
  });

  it('runs a batch all or nothing: a failing statement undoes the ones before it', async () => {
    const batch = d1Batch(local.db);
    await db.insertInto('settings').values({ key: 'taken', value: 'before' }).execute();
    await expect(
      batch(async (trx) => {
        await trx.insertInto('settings').values({ key: 'a', value: '1' }).execute();
        await trx.updateTable('settings').set({ value: 'changed' }).where('key', '=', 'taken').execute();
        await trx.insertInto('settings').values({ key: 'taken', value: 'again' }).execute();
      }),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await settings()).toEqual([['taken', 'before']]);
  });

  it('hands a batch the real results of its statements, in order', async () => {
    await db.insertInto('settings').values([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]).execute();
    const result = await d1Batch(local.db)(async (trx) => {
      const deleted = await trx.deleteFrom('settings').where('key', '=', 'a').executeTakeFirst();
      const added = await trx.insertInto('settings').values({ key: 'c', value: '3' }).returning('key').execute();
      const updated = await trx.updateTable('settings').set({ value: 'x' }).where('key', 'in', ['a', 'b', 'c']).executeTakeFirst();
      return { deleted: Number(deleted.numDeletedRows), added: added.map((r) => r.key), updated: Number(updated.numUpdatedRows) };
    });
    expect(result).toEqual({ deleted: 1, added: ['c'], updated: 2 });
    expect(await settings()).toEqual([['b', 'x'], ['c', 'x']]);
  });

  it('fails loudly when a batch chooses a write from what it read, which D1 cannot run atomically', async () => {
    await db.insertInto('settings').values({ key: 'n', value: '1' }).execute();
    const readThenWrite = d1Batch(local.db)(async (trx) => {
      const row = await trx.selectFrom('settings').select('value').where('key', '=', 'n').executeTakeFirst();
      await trx.insertInto('settings').values({ key: 'copy', value: row?.value ?? 'none' }).execute();
    });
    await expect(readThenWrite).rejects.toThrow(/chose a write from something it read/);
  });

  it('writes log rows again from the read when another writer stores one of them between the read and the batch', async () => {
    const rows = logRows(5, 'race');
    let interfered = false;
    // Another isolate's write lands just before this store's first batch: the row it holds is then stored already.
    const racing: D1Database = {
      prepare: (query) => local.db.prepare(query),
      exec: (query) => local.db.exec(query),
      batch: async (statements) => {
        if (!interfered) {
          interfered = true;
          await createD1Store(local.db).logs.write([rows[2]]);
        }
        return local.db.batch(statements);
      },
    };
    await createD1Store(racing).logs.write(rows);
    expect(interfered).toBe(true);
    const store = createD1Store(local.db);
    expect((await store.logs.query({ limit: 10, offset: 0 })).data).toHaveLength(5);
    const [usage] = await store.usage.query({ by: 'key', from: T0, to: T0 + HOUR });
    expect(usage.requests).toBe(5);
  });

  it('holds an exclusive name as a lease row across stores, and takes over a lease whose holder stopped renewing it', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const [first, second] = [d1Exclusive(db, now), d1Exclusive(db, now)];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];
    const a = first('job', async () => {
      events.push('a in');
      await held;
      events.push('a out');
    });
    await expect.poll(() => events).toEqual(['a in']);
    expect((await settings())[0]).toEqual(['lease:job', expect.stringMatching(/^0000000001030000 /)]);
    const b = second('job', async () => void events.push('b in'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toEqual(['a in']);
    release();
    await Promise.all([a, b]);
    expect(events).toEqual(['a in', 'a out', 'b in']);
    expect(await settings()).toEqual([]);

    // A holder that died: its lease stays until it expires, then the next caller takes it.
    await db.insertInto('settings').values({ key: 'lease:job', value: `${String(clock + 30_000).padStart(16, '0')} dead` }).execute();
    let ran = false;
    const c = first('job', async () => void (ran = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toBe(false);
    clock += 30_001;
    await c;
    expect(ran).toBe(true);
    expect(await settings()).toEqual([]);
  });
});
