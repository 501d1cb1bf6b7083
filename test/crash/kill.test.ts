import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { builtCli } from '../helpers/build.js';
import { stop } from '../helpers/cli.js';
import { send, SHAPES, startCrashRig, START_MS, type CrashRig, type Sent, type Shape } from './rig.js';

/**
 * A gateway killed with SIGKILL under load loses no usage row of a request
 * whose answer the client read whole, and the requests it was serving are
 * recorded as interrupted at its next start (the usage journal: usage/journal.ts).
 * Without the journal the rows of the last second (the recorder writes every
 * second) die with the process.
 */

/** The fakes' fixed usage (fakes/usage.ts) as each shape's row records it. */
const TOKENS: Record<Shape, { inputTokens: number; outputTokens: number }> = {
  chat: { inputTokens: 8, outputTokens: 7 },
  'chat-stream': { inputTokens: 8, outputTokens: 7 },
  'messages-stream': { inputTokens: 13, outputTokens: 9 },
  embeddings: { inputTokens: 8, outputTokens: 0 },
};
const CLIENTS = 16;

let rig: CrashRig;
beforeAll(async () => {
  await builtCli();
  // Streams of ~10 events 40 ms apart: always some in flight.
  rig = await startCrashRig({ chunkDelayMs: 40 });
}, 300_000);
afterAll(async () => {
  await rig?.close();
});

describe('a gateway killed under load', () => {
  it('keeps the row of every answer a client read whole, and records the requests in flight as interrupted', { timeout: 3 * START_MS }, async () => {
    const first = await rig.start();
    const sent: Sent[] = [];
    /** Requests whose headers came and whose answer had not ended when the process was killed. */
    const inFlightAtKill = new Set<Sent>();
    let killed = false;
    const open = new Set<Sent>();
    const clients = Array.from({ length: CLIENTS }, async (_, i) => {
      for (let n = i; !killed; n++) {
        const shape = SHAPES[n % SHAPES.length];
        const pending: Sent = { shape, id: null, complete: false };
        const done = await send(first.url, shape, () => open.add(pending));
        open.delete(pending);
        Object.assign(pending, done);
        sent.push(pending);
      }
    });
    // Until enough answers came back whole that a good part of them was still unwritten in memory.
    const until = Date.now() + 30_000;
    while (sent.filter((s) => s.complete).length < 150 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    // SIGKILL: no handler runs, nothing is flushed.
    const exit = stop(first.child, 'SIGKILL');
    killed = true;
    for (const s of open) inFlightAtKill.add(s);
    await exit;
    await Promise.all(clients);

    const complete = sent.filter((s) => s.complete);
    expect(complete.length).toBeGreaterThan(100);
    // Every shape was answered whole, and some of each was caught in flight.
    for (const shape of SHAPES) expect(complete.filter((s) => s.shape === shape).length).toBeGreaterThan(0);
    const caught = [...inFlightAtKill].filter((s) => !s.complete && s.id);
    expect(caught.length).toBeGreaterThan(0);

    // The same data folder, started again: the journal is written before the gateway serves.
    const second = await rig.start();
    try {
      const rows = await rig.rows();
      const missing = complete.filter((s) => !rows.has(s.id!));
      expect(missing.map((s) => `${s.shape} ${s.id}`), `${missing.length} of ${complete.length} complete answers have no row`).toEqual([]);
      for (const s of complete) {
        const row = rows.get(s.id!)!;
        expect({ shape: s.shape, outcome: row.outcome, status: row.status, inputTokens: row.inputTokens, outputTokens: row.outputTokens }).toEqual({
          shape: s.shape,
          outcome: 'ok',
          status: 200,
          ...TOKENS[s.shape],
        });
      }
      // A request cut by the kill: interrupted, or whole if the gateway had finished it and only the bytes were lost.
      for (const s of caught) {
        const row = rows.get(s.id!);
        expect(row, `${s.shape} ${s.id} was in flight at the kill and has no row`).toBeDefined();
        expect(['interrupted', 'ok']).toContain(row!.outcome);
      }
      const interrupted = [...rows.values()].filter((r) => r.outcome === 'interrupted');
      expect(interrupted.length).toBeGreaterThan(0);
      expect(interrupted.every((r) => r.status === 0 && r.error?.includes('stopped'))).toBe(true);
      // The usage API and the dashboard read them like any other row.
      const listed = await fetch(`${second.url}/admin/api/logs?outcome=interrupted&limit=500`, { headers: { authorization: `Bearer ${rig.adminKey}` } });
      expect(listed.status).toBe(200);
      const page = (await listed.json()) as { data: { id: string }[] };
      expect(page.data.map((r) => r.id).sort()).toEqual(interrupted.map((r) => r.id).sort());
      // The dead process's journal was replayed and removed; the new process keeps its own.
      const journal = `${rig.dbPath}.usage-journal`;
      expect(existsSync(journal) ? readdirSync(journal).length : 0).toBe(1);
    } finally {
      expect(await stop(second.child, 'SIGTERM')).toBe(0);
    }
    // A clean stop leaves no journal behind.
    expect(readdirSync(`${rig.dbPath}.usage-journal`)).toEqual([]);
  });
});
