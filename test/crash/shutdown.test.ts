import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { builtCli } from '../helpers/build.js';
import { send, startCrashRig, START_MS, type CrashRig, type Sent, type Shape } from './rig.js';

/**
 * SIGTERM (or SIGINT) through the installed CLI: the gateway takes no new
 * connection, lets the streams in flight finish up to server.drainSeconds,
 * writes every row and exits 0; a second signal cuts what is left at once,
 * and the cut requests are recorded as incomplete before the exit.
 */

const STREAMS: Shape[] = ['chat-stream', 'messages-stream', 'chat-stream', 'messages-stream'];

let rig: CrashRig | undefined;
beforeAll(async () => {
  await builtCli();
}, 300_000);
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Starts the streams and resolves once every one has its headers (it is in flight). */
async function streamsInFlight(url: string): Promise<{ sent: Sent[]; done: Promise<void> }> {
  const sent: Sent[] = [];
  let started = 0;
  let allStarted = () => {};
  const headers = new Promise<void>((resolve) => (allStarted = resolve));
  const done = Promise.all(
    STREAMS.map(async (shape, i) => {
      sent[i] = await send(url, shape, () => ++started === STREAMS.length && allStarted());
    }),
  ).then(() => {});
  await Promise.race([headers, done]);
  return { sent, done };
}

/** Resolves with the exit code, and how long after `from` the process ended. */
function exited(child: ChildProcess, from: () => number): Promise<{ code: number | null; afterMs: number }> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve({ code, afterMs: Date.now() - from() }));
  });
}

/** Whether a new connection to `url` is refused (the listener is closed). */
async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    return false;
  } catch (err) {
    return String((err as { cause?: { code?: string } }).cause?.code) === 'ECONNREFUSED';
  }
}

describe('stopping the gateway with SIGTERM', () => {
  it('takes no new connection, lets the streams in flight finish, writes their rows and exits 0', { timeout: 3 * START_MS }, async () => {
    // Streams of ~10 events 300 ms apart: a few seconds each, well inside the drain.
    rig = await startCrashRig({ chunkDelayMs: 300, drainSeconds: 60 });
    const gateway = await rig.start();
    const { sent, done } = await streamsInFlight(gateway.url);
    let signalledAt = 0;
    const exit = exited(gateway.child, () => signalledAt);
    signalledAt = Date.now();
    gateway.child.kill('SIGTERM');

    // While they stream, the listener is closed: a new client is refused, not queued.
    let streamsEnded = false;
    void done.then(() => (streamsEnded = true));
    const until = Date.now() + 5000;
    let shut = false;
    while (!shut && Date.now() < until) {
      shut = await refused(gateway.url);
      if (!shut) await new Promise((r) => setTimeout(r, 50));
    }
    expect(shut).toBe(true);
    expect(streamsEnded).toBe(false);

    await done;
    expect(sent.map((s) => ({ shape: s.shape, complete: s.complete, error: s.error }))).toEqual(STREAMS.map((shape) => expect.objectContaining({ shape, complete: true, error: undefined })));
    const { code } = await exit;
    expect(code).toBe(0);
    expect(gateway.output()).toContain('letting 4 request(s) in flight finish');

    // Written before the exit: read from the file, with no gateway started again (its journal would fill gaps).
    const rows = await rig.rows();
    for (const s of sent) expect({ id: s.id, outcome: rows.get(s.id!)?.outcome }).toEqual({ id: s.id, outcome: 'ok' });
    const journal = `${rig.dbPath}.usage-journal`;
    expect(existsSync(journal) ? readdirSync(journal) : []).toEqual([]);
  });

  it('cuts the streams at once on a second signal, records them as incomplete and exits 0', { timeout: 3 * START_MS }, async () => {
    // Streams of ~10 events 2 s apart: far longer than the test waits.
    rig = await startCrashRig({ chunkDelayMs: 2000, drainSeconds: 60 });
    const gateway = await rig.start();
    const { sent, done } = await streamsInFlight(gateway.url);
    const waiting = Date.now() + 10_000;
    let signalledAt = 0;
    const exit = exited(gateway.child, () => signalledAt);
    gateway.child.kill('SIGTERM');
    while (!gateway.output().includes('letting 4 request(s)') && Date.now() < waiting) await new Promise((r) => setTimeout(r, 25));
    signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const { code, afterMs } = await exit;
    expect(code).toBe(0);
    // Well inside the 60 s drain and the streams' own 20 s.
    expect(afterMs).toBeLessThan(8000);
    expect(gateway.output()).toContain('again: cutting');
    await done;
    expect(sent.filter((s) => s.complete)).toEqual([]);

    const rows = await rig.rows();
    for (const s of sent) expect({ id: s.id, outcome: rows.get(s.id!)?.outcome }).toEqual({ id: s.id, outcome: 'incomplete' });
  });
});
