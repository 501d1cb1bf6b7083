import { describe, expect, it } from 'vitest';
import { parseSse } from '../fakes/index.js';
import { chat, target } from './client.js';
import { KEYS } from './suite.js';

// The live view (GET /admin/api/live) on the platform under test: on Workers each watcher's own request polls
// D1 for finished rows while it streams, and the isolate's own requests show as they start.

interface Watch {
  status: number;
  events: { event: string; data: any }[];
  close(): void;
}

async function watchLive(): Promise<Watch> {
  const { url, adminKey } = target();
  const abort = new AbortController();
  const res = await fetch(`${url}/admin/api/live`, { headers: { authorization: `Bearer ${adminKey}`, accept: 'text/event-stream' }, signal: abort.signal });
  const events: Watch['events'] = [];
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let pending = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          pending += decoder.decode(chunk, { stream: true });
          const cut = pending.lastIndexOf('\n\n');
          if (cut === -1) continue;
          for (const frame of parseSse(pending.slice(0, cut + 2))) events.push({ event: frame.event ?? 'message', data: JSON.parse(frame.data) });
          pending = pending.slice(cut + 2);
        }
      } catch {
        // Left by close().
      }
    })();
  } else await res.body?.cancel();
  return { status: res.status, events, close: () => abort.abort() };
}

async function until<T>(find: () => T | undefined | Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('GET /admin/api/live', () => {
  it('streams requests as they start and their rows as they land, and frees its place when the client leaves', async () => {
    const w = await watchLive();
    expect(w.status).toBe(200);
    await until(() => w.events.find((e) => e.event === 'hello'), 'hello');
    // The first round marks where the log stands; what lands after it is new.
    await new Promise((r) => setTimeout(r, 1500));
    const answer = await chat(KEYS.shapes, { text: 'watched live' });
    expect(answer.status).toBe(200);
    const id = answer.headers.get('x-request-id');
    const started = await until(() => w.events.find((e) => e.event === 'started' && e.data.id === id), 'started event');
    expect(started.data).toMatchObject({ model: 'gpt-pass', upstreamId: 'oai' });
    const finished = await until(() => w.events.find((e) => e.event === 'finished' && e.data.id === id), 'finished event');
    expect(finished.data).toMatchObject({ status: 200, outcome: 'ok', upstreamId: 'oai' });
    // Heard in the isolate and read back from D1: sent once.
    await new Promise((r) => setTimeout(r, 2500));
    expect(w.events.filter((e) => e.event === 'finished' && e.data.id === id)).toHaveLength(1);
    w.close();

    // Every watcher that leaves frees its place: more come and go than may watch at once. Under wrangler dev a
    // client that leaves is noticed when a write to it fails (the 15 s heartbeat at the latest), so a place may take that long.
    for (let i = 0; i < 40; i++) {
      const next = await until(async () => {
        const tried = await watchLive();
        return tried.status === 200 ? tried : undefined;
      }, `a place for watcher ${i}`, 30_000);
      await until(() => next.events.find((e) => e.event === 'hello'), 'hello');
      next.close();
    }
  });
});
