import { parseSse } from '../fakes/index.js';
import { ADMIN_KEY } from './gateway.js';

export interface LiveEvent {
  event: string;
  data: any;
}

/** A watcher of `GET /admin/api/live`: its events as they arrive, and a way to leave. */
export interface LiveWatch {
  status: number;
  /** Waits for the next event that `match` takes (earlier ones are kept for later calls); fails after `ms`. */
  next(match: (e: LiveEvent) => boolean, ms?: number): Promise<LiveEvent>;
  /** Every event received so far. */
  events: LiveEvent[];
  /** The raw text received so far (heartbeat comments included). */
  text(): string;
  close(): void;
}

export async function openLive(baseUrl: string, query = ''): Promise<LiveWatch> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/admin/api/live${query ? `?${query}` : ''}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  const events: LiveEvent[] = [];
  const taken = new Set<LiveEvent>();
  let raw = '';
  let pending = '';
  let wake: (() => void) | undefined;
  let ended = false;
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          const text = decoder.decode(chunk, { stream: true });
          raw += text;
          pending += text;
          const cut = pending.lastIndexOf('\n\n');
          if (cut === -1) continue;
          for (const frame of parseSse(pending.slice(0, cut + 2))) events.push({ event: frame.event ?? 'message', data: JSON.parse(frame.data) });
          pending = pending.slice(cut + 2);
          wake?.();
        }
      } catch {
        // Aborted by close().
      }
      ended = true;
      wake?.();
    })();
  } else {
    await res.body?.cancel();
  }
  return {
    status: res.status,
    events,
    text: () => raw,
    async next(match, ms = 5000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = events.find((e) => !taken.has(e) && match(e));
        if (found) {
          taken.add(found);
          return found;
        }
        if (ended) throw new Error(`the stream ended; events: ${JSON.stringify(events.map((e) => e.event))}`);
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${ms} ms; events: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 100));
        });
      }
    },
    close: () => abort.abort(),
  };
}
