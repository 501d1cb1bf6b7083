import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { logWriterOf, openSqliteStore } from '../../src/platform/node/sqlite.js';
import { eventually, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { HOUR, logRow, T0 } from '../store/records.js';

// On a SQLite file the recorder's batches are written by a thread of its own (platform/node/log-writer.ts);
// the rows must land as exactly as they did in process, and none may be lost when that thread goes.

let gw: NodeGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function chat(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hello there' }] }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/** Rows and the summed rollups of the file, read on a connection of the test's own. */
function countsIn(path: string): { rows: number; rolledUp: number } {
  const db = new Database(path, { readonly: true });
  try {
    const rows = (db.prepare('select count(*) as n from request_log').get() as { n: number }).n;
    const rolledUp = (db.prepare('select coalesce(sum(requests), 0) as n from usage_rollup').get() as { n: number }).n;
    return { rows, rolledUp };
  } finally {
    db.close();
  }
}

describe('request logs written on their own thread (SQLite file)', () => {
  it('writes rows, bodies and rollups exactly, through the thread', async () => {
    const store = await openSqliteStore(`sqlite:${join(tempDir(), 'thread.db')}`);
    const body = { requestId: 'req_2', mode: 'full' as const, requestBody: '{"q":1}', responseBody: '{"a":2}', requestTruncated: true, responseTruncated: false };
    const rows = [logRow({ id: 'req_1' }), logRow({ id: 'req_2', inputTokens: 7 }), logRow({ id: 'req_3', ts: T0 + HOUR + 5 })];
    await store.logs.write(rows, [body]);
    expect(logWriterOf(store)?.thread()).toBeDefined();
    // Written twice (a retry whose answer was lost): still once.
    await store.logs.write(rows, [body]);
    for (const row of rows) expect(await store.logs.get(row.id)).toEqual(await expectedRow(row));
    expect(await store.logs.bodies('req_2')).toEqual(body);
    const usage = await store.usage.query({ by: 'model', from: T0, to: T0 + 2 * HOUR });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ requests: 3, inputTokens: 100 + 7 + 100, outputTokens: 150 });
    await store.close();
  });

  it('hands back the database error of a write it refused, as an in-process write throws it', async () => {
    const store = await openSqliteStore(`sqlite:${join(tempDir(), 'refused.db')}`);
    const inProcess = await openSqliteStore('sqlite::memory:');
    const bad = [logRow({ id: 'fine' }), logRow({ id: 'bad', protocol: null as unknown as string })];
    const thrown = await store.logs.write(bad).catch((err: unknown) => err as Error & { code?: string });
    const expected = await inProcess.logs.write(bad).catch((err: unknown) => err as Error & { code?: string });
    expect(logWriterOf(store)?.thread()).toBeDefined();
    expect(thrown).toBeInstanceOf(Error);
    expect({ name: thrown?.name, message: thrown?.message, code: thrown?.code }).toEqual({ name: expected?.name, message: expected?.message, code: expected?.code });
    expect(String(thrown)).toBe(String(expected));
    expect(await store.logs.get('fine')).toBeUndefined();
    await Promise.all([store.close(), inProcess.close()]);
  });

  it('writes every request of a gateway, and its close waits for the rows still queued', async () => {
    const path = join(tempDir(), 'gateway.db');
    gw = await startTestGateway({ extra: { storage: { url: `sqlite:${path}` } } });
    await Promise.all(Array.from({ length: 30 }, () => chat(gw!.url)));
    await gw.ctx.recorder.flush();
    expect(logWriterOf(gw.ctx.store)?.thread()).toBeDefined();
    await Promise.all(Array.from({ length: 20 }, () => chat(gw!.url)));
    // Recorded, most not yet written: the close writes them before the database closes.
    await gw.close();
    gw = undefined;
    expect(countsIn(path)).toEqual({ rows: 50, rolledUp: 50 });
  });

  it('goes on writing in process, losing nothing, when the thread dies under a gateway; says so once', async () => {
    const lines: string[] = [];
    const path = join(tempDir(), 'killed.db');
    gw = await startTestGateway({ extra: { storage: { url: `sqlite:${path}` } }, log: (line) => lines.push(line) });
    await Promise.all(Array.from({ length: 10 }, () => chat(gw!.url)));
    await gw.ctx.recorder.flush();
    const writer = logWriterOf(gw.ctx.store)!;
    const thread = writer.thread()!;
    // Rows are recorded while the thread ends: whatever it had not answered is written again, in process.
    await Promise.all([thread.terminate(), ...Array.from({ length: 10 }, () => chat(gw!.url))]);
    await gw.ctx.recorder.flush();
    await Promise.all(Array.from({ length: 10 }, () => chat(gw!.url)));
    await gw.ctx.recorder.flush();
    expect(writer.thread()).toBeUndefined();
    await eventually(() => expect(countsIn(path)).toEqual({ rows: 30, rolledUp: 30 }));
    expect(lines.filter((l) => l.includes('log writer thread'))).toHaveLength(1);
    await gw.close();
    gw = undefined;
    expect(countsIn(path)).toEqual({ rows: 30, rolledUp: 30 });
  });

  it('writes an in-memory database in process: no thread', async () => {
    const store = await openSqliteStore('sqlite::memory:');
    await store.logs.write([logRow()]);
    expect(logWriterOf(store)).toBeUndefined();
    expect((await store.logs.get('req_1'))?.id).toBe('req_1');
    await store.close();
  });
});

/** The row as an in-process write stores it (the same store code on a connection of its own). */
async function expectedRow(row: ReturnType<typeof logRow>) {
  const memory = await openSqliteStore('sqlite::memory:');
  try {
    await memory.logs.write([row]);
    return await memory.logs.get(row.id);
  } finally {
    await memory.close();
  }
}
