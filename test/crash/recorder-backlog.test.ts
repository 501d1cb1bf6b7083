import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Store } from '../../src/store/store.js';
import { createRecorder } from '../../src/usage/recorder.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { logRow } from '../store/records.js';
import { startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';

// The recorder's queue is capped so a dead database cannot eat all memory; past the cap it must not drop
// a row (it used to drop the oldest): new requests are refused instead until the backlog is written.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A real SQLite store whose request-log writes fail, or hang until released, while `state.away`. */
async function awayStore(state: { away: 'fail' | 'stall' | false }): Promise<Store> {
  const real = await openSqliteStore(`sqlite:${join(tempDir(), 'backlog.db')}`);
  let release = () => {};
  let back = new Promise<void>((resolve) => (release = resolve));
  const logs = { ...real.logs };
  logs.write = async (rows, bodies) => {
    if (state.away === 'fail') throw new Error('database away');
    if (state.away === 'stall') await back;
    return real.logs.write(rows, bodies);
  };
  return {
    ...real,
    logs,
    // Test only: lets the stalled writes go on.
    close: async () => {
      release();
      back = Promise.resolve();
      await real.close();
    },
    ...{ releaseStalled: () => release() },
  } as Store & { releaseStalled(): void };
}

describe('the recorder past its queue cap', () => {
  it('keeps every row while writes fail past the cap, says it is backlogged, and writes them all once the database is back', async () => {
    const state: { away: 'fail' | 'stall' | false } = { away: 'fail' };
    const store = await awayStore(state);
    const lines: string[] = [];
    const recorder = createRecorder(store, { sleep, log: (m) => lines.push(m), batchSize: 10, maxQueued: 50 });
    const ids = Array.from({ length: 120 }, (_, i) => `req_${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) {
      recorder.record(logRow({ id }));
      if (i % 20 === 0) await recorder.flush();
    }
    expect(recorder.backlogged()).toBe(true);
    expect(recorder.stats()).toMatchObject({ queuedRows: 120, dropped: 0 });
    expect(lines.some((l) => l.includes('new requests are refused'))).toBe(true);
    state.away = false;
    await recorder.flush();
    expect(recorder.backlogged()).toBe(false);
    for (const id of ids) expect((await store.logs.get(id))?.id, id).toBe(id);
    expect(recorder.stats()).toMatchObject({ queuedRows: 0, dropped: 0 });
    await store.close();
  });

  it('keeps every row while a write hangs past the cap, and writes them all when it goes on', async () => {
    const state: { away: 'fail' | 'stall' | false } = { away: 'stall' };
    const store = (await awayStore(state)) as Store & { releaseStalled(): void };
    const recorder = createRecorder(store, { sleep, log: () => {}, batchSize: 10, maxQueued: 50 });
    const ids = Array.from({ length: 120 }, (_, i) => `req_${String(i).padStart(3, '0')}`);
    // A full batch starts a flush, which hangs on its first write while the other rows pile up behind it.
    for (const id of ids) recorder.record(logRow({ id }));
    const flushed = recorder.flush();
    expect(recorder.backlogged()).toBe(true);
    state.away = false;
    store.releaseStalled();
    await flushed;
    for (const id of ids) expect((await store.logs.get(id))?.id, id).toBe(id);
    expect(recorder.stats()).toMatchObject({ queuedRows: 0, dropped: 0 });
    await store.close();
  });
});

describe('a gateway whose usage log is far behind', () => {
  let gw: NodeGateway | undefined;
  afterEach(async () => {
    await gw?.close();
  });

  it('answers new requests with a 503 in the client shape, loses no row, and serves again once the backlog is written', async () => {
    gw = await startTestGateway({});
    const { store, recorder } = gw.ctx;
    const write = store.logs.write;
    let away = true;
    // The database goes away: every write of the request log fails.
    store.logs.write = async (rows, bodies) => {
      if (away) throw new Error('database away');
      return write(rows, bodies);
    };
    // Rows of requests already answered, past the queue's cap (200 batches of 100).
    const ids = Array.from({ length: 20_050 }, (_, i) => `backlog_${i}`);
    for (const id of ids) recorder.record(logRow({ id, ts: Date.now() }));
    await recorder.flush();

    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const refused = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('usage_log_behind');
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('5');

    // The database is back: the backlog is written, every row of it, and requests are served again.
    away = false;
    await recorder.flush();
    const answer = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ queuedRows: 0, dropped: 0 });
    const stored = (await store.logs.query({ limit: 30_000, offset: 0 })).data;
    const storedIds = new Set(stored.map((r) => r.id));
    expect(ids.filter((id) => !storedIds.has(id))).toEqual([]);
    // The refused request's own row is there too.
    expect(stored.filter((r) => r.status === 503 && r.error?.includes('cannot record usage'))).toHaveLength(1);
  }, 120_000);
});
