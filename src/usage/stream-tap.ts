import { SseScanner } from '../translate/sse.js';
import type { StreamWatcher } from './stream-watchers.js';

export type StreamEnd =
  | { kind: 'complete' }
  | { kind: 'client-gone' }
  | { kind: 'upstream-broke'; error: string };

export interface TapOptions {
  watcher: StreamWatcher;
  /** True when the watcher may drop events: then events are re-framed one by one. */
  filters: boolean;
  /** Sent to the client when the upstream stream breaks, in the client's protocol. */
  breakEvent: (message: string) => string;
  onFirstByte: () => void;
  onEnd: (end: StreamEnd) => void;
}

/**
 * Pipes an upstream SSE body to the client chunk by chunk while the watcher
 * reads usage from a parsed copy. Nothing is held back: each chunk is
 * forwarded as soon as it arrives (or, when filtering, as soon as its event
 * is complete). Ends exactly once: complete, client gone, or upstream broke.
 */
export function tapStream(upstream: ReadableStream<Uint8Array>, options: TapOptions): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const scanner = new SseScanner();
  let first = true;
  let ended = false;
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    options.onEnd(how);
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        const message = `upstream stream broke: ${(err as Error).message ?? String(err)}`;
        controller.enqueue(encoder.encode(options.breakEvent(message)));
        controller.close();
        end({ kind: 'upstream-broke', error: message });
        return;
      }
      if (chunk.done) {
        const tail = scanner.flush();
        for (const event of tail) {
          const { keep } = options.watcher.see(event);
          if (options.filters && keep) controller.enqueue(encoder.encode(`${event.raw}\n\n`));
        }
        controller.close();
        end({ kind: 'complete' });
        return;
      }
      if (first) {
        first = false;
        options.onFirstByte();
      }
      const events = scanner.push(decoder.decode(chunk.value, { stream: true }));
      if (!options.filters) {
        controller.enqueue(chunk.value);
        for (const event of events) options.watcher.see(event);
        return;
      }
      for (const event of events) {
        if (options.watcher.see(event).keep) controller.enqueue(encoder.encode(`${event.raw}\n\n`));
      }
    },
    async cancel(reason) {
      end({ kind: 'client-gone' });
      await reader.cancel(reason).catch(() => {});
    },
  });
}
