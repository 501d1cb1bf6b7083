import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Store } from '../../src/store/store.js';
import { createRecorder } from '../../src/usage/recorder.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { logRow } from '../store/records.js';
import { tempDir } from '../helpers/gateway.js';

// A row the database refuses for what it holds must not hold back every row recorded after it,
// and a database that is away must not lose a row.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A real SQLite store whose writes refuse any batch holding a row of `poison`, and every write while `away`. */
async function refusingStore(poison: Set<string>, state: { away: boolean }): Promise<Store> {
  const real = await openSqliteStore(`sqlite:${join(tempDir(), 'refused.db')}`);
  return {
    ...real,
    logs: {
      ...real.logs,
      write: async (rows, bodies) => {
        if (state.away) throw new Error('database away');
        if (rows.some((r) => poison.has(r.id))) throw new Error('value out of range');
        return real.logs.write(rows, bodies);
      },
    },
  };
}

describe('the recorder and a row the database refuses', () => {
  it('writes every other row at once, tries the refused one on the next flushes, then drops it and says so', async () => {
    const lines: string[] = [];
    const store = await refusingStore(new Set(['req_bad']), { away: false });
    const recorder = createRecorder(store, { sleep, log: (m) => lines.push(m) });
    for (const id of ['req_a', 'req_bad', 'req_c']) recorder.record(logRow({ id }));
    await recorder.flush();
    expect((await store.logs.get('req_a'))?.id).toBe('req_a');
    expect((await store.logs.get('req_c'))?.id).toBe('req_c');
    // Rows recorded later are not held back behind it; alone, it waits (a lone failure could be the database away).
    recorder.record(logRow({ id: 'req_d' }));
    await recorder.flush();
    expect((await store.logs.get('req_d'))?.id).toBe('req_d');
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ queuedRows: 1, dropped: 0 });
    // Its third refusal beside a row that goes in drops it.
    recorder.record(logRow({ id: 'req_e' }));
    await recorder.flush();
    expect((await store.logs.get('req_e'))?.id).toBe('req_e');
    expect(recorder.stats()).toMatchObject({ queuedRows: 0, dropped: 1 });
    expect(lines.some((l) => l.includes('req_bad') && l.includes('dropped'))).toBe(true);
    expect(await store.logs.get('req_bad')).toBeUndefined();
    await store.close();
  });

  it('keeps every row while the database is away, and writes them all once it is back', async () => {
    const state = { away: true };
    const store = await refusingStore(new Set(), state);
    const recorder = createRecorder(store, { sleep, log: () => {} });
    for (const id of ['req_1', 'req_2', 'req_3']) recorder.record(logRow({ id }));
    for (let i = 0; i < 5; i++) await recorder.flush();
    expect(recorder.stats()).toMatchObject({ queuedRows: 3, dropped: 0 });
    state.away = false;
    await recorder.flush();
    for (const id of ['req_1', 'req_2', 'req_3']) expect((await store.logs.get(id))?.id).toBe(id);
    expect(recorder.stats()).toMatchObject({ queuedRows: 0, dropped: 0 });
    await store.close();
  });
});
