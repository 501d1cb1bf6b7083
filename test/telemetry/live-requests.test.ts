import { describe, expect, it } from 'vitest';
import { createLiveRequests, HEARTBEAT_MS, POLL_LIMIT, WATCHER_BUFFER_BYTES } from '../../src/telemetry/live-requests.js';
import { OUTBOX_LIMIT, PRESENCE_MS } from '../../src/telemetry/live-relay.js';
import { createLocalChangeFeed, type ChangeFeed } from '../../src/store/change-feed.js';
import type { LogRecord, WrittenRow } from '../../src/store/types.js';
import { ZERO_USAGE } from '../../src/translate/ir.js';

/** The live view's hub on its own: a fake log to poll, a clock moved by hand, streams read (or not) by the test. */

function row(id: string, extra: Partial<LogRecord> = {}): LogRecord {
  return {
    id,
    ts: 1,
    keyId: 'k1',
    group: null,
    protocol: 'openai-chat',
    endpoint: 'chat',
    model: 'gpt-test',
    alias: null,
    upstreamModel: 'gpt-upstream',
    upstreamId: 'oai',
    credentialId: null,
    stream: false,
    status: 200,
    outcome: 'ok',
    ...ZERO_USAGE,
    costUsd: null,
    latencyMs: 5,
    ttfbMs: null,
    cacheStatus: null,
    error: null,
    metadata: null,
    translation: null,
    warnings: null,
    usageEstimated: false,
    attempts: null,
    ...extra,
  };
}

function rig(shared: { changes?: ChangeFeed; ownerOf?: (keyId: string) => string | undefined; deferred?: Promise<unknown>[] } = {}) {
  let now = 1_000_000;
  const written: WrittenRow[] = [];
  let reads = 0;
  const live = createLiveRequests({
    logs: {
      async written(since, limit) {
        reads++;
        const rows = written.filter((w) => since === undefined || w.loggedAt >= since).sort((a, b) => b.loggedAt - a.loggedAt);
        return rows.slice(0, limit);
      },
    },
    now: () => now,
    log: () => {},
    changes: shared.changes,
    defer: (work) => shared.deferred?.push(work),
    ownerOf: shared.ownerOf,
  });
  return {
    live,
    write: (r: LogRecord, at = now) => written.push({ row: r, loggedAt: at }),
    advance: (ms: number) => (now += ms),
    reads: () => reads,
  };
}

/** What a watcher's stream has queued now (a read pending past one turn of the event loop means nothing is); the pending read is kept for the next call. */
const pendingReads = new WeakMap<ReadableStream<Uint8Array>, { reader: ReadableStreamDefaultReader<Uint8Array>; next?: Promise<ReadableStreamReadResult<Uint8Array>> }>();
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let state = pendingReads.get(stream);
  if (!state) pendingReads.set(stream, (state = { reader: stream.getReader() }));
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    state.next ??= state.reader.read();
    const turn = new Promise<'later'>((resolve) => setImmediate(() => resolve('later')));
    const result = await Promise.race([state.next, turn]);
    if (result === 'later') break;
    state.next = undefined;
    if (result.done) break;
    text += decoder.decode(result.value);
  }
  return text;
}

describe('the live hub', () => {
  it('reads the Store only while someone watches, once a round for every watcher', async () => {
    const { live, write, reads } = rig();
    await live.tick();
    expect(reads()).toBe(0);
    const a = live.watch({})!;
    const b = live.watch({ model: 'other' })!;
    await live.tick(); // marks where the log stands
    write(row('r1'));
    await live.tick();
    expect(reads()).toBe(2);
    const textA = await readAll(a);
    expect(textA).toContain('event: finished');
    expect(textA).toContain('"id":"r1"');
    expect(await readAll(b)).not.toContain('r1');
  });

  it('sends a row once, whether heard from this process or read back from the Store', async () => {
    const { live, write } = rig();
    const w = live.watch({})!;
    await live.tick();
    const watch = live.observer.start(row('r2'), new Headers());
    watch.tryStarting?.(0);
    const done = row('r2');
    watch.finish(done);
    write(done);
    await live.tick();
    await live.tick();
    const text = await readAll(w);
    expect(text.match(/event: started/g)).toHaveLength(1);
    expect(text.match(/event: finished/g)).toHaveLength(1);
  });

  it('says when a round was full and rows may have been left unread', async () => {
    const { live, write } = rig();
    const w = live.watch({})!;
    await live.tick();
    for (let i = 0; i < POLL_LIMIT + 5; i++) write(row(`bulk-${i}`));
    await live.tick();
    const text = await readAll(w);
    expect(text).toContain('event: gap');
    expect(text.match(/event: finished/g)).toHaveLength(POLL_LIMIT);
  });

  it('drops a watcher that does not read, and keeps the others', async () => {
    const { live, write } = rig();
    const slow = live.watch({})!;
    const fast = live.watch({})!;
    await live.tick();
    const big = 'x'.repeat(16 * 1024);
    let fastText = '';
    for (let i = 0; live.watchers() === 2 && i < 100; i++) {
      write(row(`big-${i}`, { error: big }));
      await live.tick();
      fastText += await readAll(fast);
    }
    expect(live.watchers()).toBe(1);
    const slowText = await readAll(slow);
    expect(slowText).toContain('event: dropped');
    expect(slowText.length).toBeLessThan(WATCHER_BUFFER_BYTES + 64 * 1024);
    expect(fastText).not.toContain('event: dropped');
  });

  it('sends a heartbeat to a quiet watcher', async () => {
    const { live, advance } = rig();
    const w = live.watch({})!;
    await live.tick();
    advance(HEARTBEAT_MS);
    await live.tick();
    expect(await readAll(w)).toContain(': keep-alive');
  });

  it('ends every stream when the gateway stops', async () => {
    const { live } = rig();
    const w = live.watch({})!;
    live.close();
    expect(live.watchers()).toBe(0);
    expect(await readAll(w)).toContain('event: hello');
    const reader = pendingReads.get(w)!;
    expect((await (reader.next ?? reader.reader.read())).done).toBe(true);
  });
});

/** Two hubs on one in-process feed: two replicas as the relay sees them (the Redis feed is tested in test/shared-state). */
describe('the live hub across replicas', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("shows another replica's request as it starts, sends its first byte and ends, while one watches", async () => {
    const changes = createLocalChangeFeed();
    const a = rig({ changes });
    const b = rig({ changes });
    // Nobody watches: A's request goes nowhere.
    a.live.observer.start(row('quiet'), new Headers()).tryStarting?.(0);
    const w = b.live.watch({})!;
    await b.live.tick();
    await settle();
    const watch = a.live.observer.start(row('r-a'), new Headers());
    watch.tryStarting?.(0);
    watch.firstByte(1_000_123);
    await settle();
    // A watcher that connects now finds it (and the one from before B watched, sent on B's first watcher's asking).
    const late = b.live.watch({})!;
    watch.finish(row('r-a', { status: 200, outputTokens: 7 }));
    await settle();
    const text = await readAll(w);
    expect(text).toMatch(/event: started\ndata: \{"id":"quiet"/);
    expect(text).toMatch(/event: started\ndata: \{"id":"r-a"/);
    expect(text).toContain('event: first-byte\ndata: {"id":"r-a","at":1000123}');
    expect(text).toMatch(/event: finished\ndata: \{"id":"r-a".*"outputTokens":7/);
    expect(text.match(/"id":"r-a"/g)).toHaveLength(3);
    const lateHello = (await readAll(late)).split('\n\n')[0]!;
    expect(lateHello).toContain('"id":"r-a"');
    expect(lateHello).toContain('"firstByteAt":1000123');
    // Read again from the Store by B's poller, it is not sent twice.
    b.write(row('r-a'));
    await b.live.tick();
    expect(await readAll(w)).not.toContain('"id":"r-a"');
    expect(a.live.relayed()).toMatchObject({ dropped: 0, failed: 0 });
    expect(a.live.relayed().sent).toBeGreaterThanOrEqual(4);
  });

  it('stops sending once no other replica has watched for a while', async () => {
    const changes = createLocalChangeFeed();
    const a = rig({ changes });
    const b = rig({ changes });
    const w = b.live.watch({})!;
    await settle();
    w.cancel();
    a.advance(PRESENCE_MS);
    a.live.observer.start(row('after'), new Headers()).tryStarting?.(0);
    await settle();
    expect(a.live.relayed().sent).toBe(0);
  });

  it("shows a member only their own keys' requests, from either replica", async () => {
    const changes = createLocalChangeFeed();
    const ownerOf = (keyId: string) => (keyId === 'k-amy' ? 'amy' : 'bob');
    const a = rig({ changes, ownerOf });
    const b = rig({ changes, ownerOf });
    const amy = b.live.watch({ ownerId: 'amy' })!;
    await settle();
    for (const hub of [a, b])
      for (const keyId of ['k-amy', 'k-bob']) {
        const watch = hub.live.observer.start(row(`${keyId}-${hub === a ? 'a' : 'b'}`, { keyId }), new Headers());
        watch.tryStarting?.(0);
        watch.finish(row(`${keyId}-${hub === a ? 'a' : 'b'}`, { keyId }));
      }
    await settle();
    const text = await readAll(amy);
    expect(text).toContain('"id":"k-amy-a"');
    expect(text).toContain('"id":"k-amy-b"');
    expect(text).not.toContain('k-bob');
  });

  it('drops and counts what a burst adds past the outbox, never waiting on the feed or throwing', async () => {
    // A feed that hears and then never answers a send (Redis stalled), or refuses every send.
    const listeners: ((m: string) => void)[] = [];
    const stalled: ChangeFeed = {
      ...createLocalChangeFeed(),
      send: () => new Promise<void>(() => {}),
      listen: (_topic, onMessage) => (listeners.push(onMessage), () => {}),
    };
    const deferred: Promise<unknown>[] = [];
    const a = rig({ changes: stalled, deferred });
    for (const hear of listeners) hear(JSON.stringify({ from: 'other', kind: 'watching', fresh: false }));
    for (let i = 0; i < OUTBOX_LIMIT + 500; i++) a.live.observer.start(row(`burst-${i}`), new Headers()).tryStarting?.(0);
    // The first event left at once and its send never settles; the outbox filled behind it, the rest dropped and counted.
    expect(deferred).toHaveLength(1);
    expect(a.live.relayed().dropped).toBe(500 - 1);

    const refusing: ChangeFeed = { ...stalled, send: () => Promise.reject(new Error('redis is away')) };
    const deferredB: Promise<unknown>[] = [];
    listeners.length = 0;
    const b = rig({ changes: refusing, deferred: deferredB });
    for (const hear of listeners) hear(JSON.stringify({ from: 'other', kind: 'watching', fresh: false }));
    const watch = b.live.observer.start(row('fails'), new Headers());
    expect(() => watch.tryStarting?.(0)).not.toThrow();
    await Promise.all(deferredB);
    expect(b.live.relayed()).toMatchObject({ sent: 0, failed: 1 });
  });
});
