import { SseScanner, type SseEvent } from '../translate/sse.js';
import type { ChunkReader } from '../providers/http.js';

export type StreamEnd =
  | { kind: 'complete' }
  | { kind: 'client-gone' }
  | { kind: 'upstream-broke'; error: string };

/**
 * What happens to each piece of an upstream SSE stream on its way to the
 * client. Pass-through forwards the bytes as they are; translation turns the
 * parsed events into another protocol's text.
 */
export interface SseProcessor {
  /**
   * Given the raw chunk and the events it completed, returns what to send now.
   * `whole`: the chunk is exactly those events (with their blank lines, and
   * perhaps comments), none begun in an earlier chunk nor running on into the
   * next, so sending `bytes` sends exactly them.
   */
  chunk(bytes: Uint8Array, events: SseEvent[], whole: boolean): Uint8Array | string;
  /** The upstream ended: whatever is still owed to the client (events without a final blank line included). */
  end(rest: SseEvent[]): string;
  /** The upstream broke mid-stream: the client protocol's error event. */
  broke(message: string): string;
}

export interface TapOptions {
  processor: SseProcessor;
  /** A first chunk already read from `upstream` (to judge the answer before committing to it); sent first. */
  head?: Uint8Array;
  onFirstByte: () => void;
  onEnd: (end: StreamEnd) => void;
  /**
   * Aborted when the client leaves. Node cancels the body of a response
   * whose client left, which ends the tap; workerd only aborts the request's
   * signal and stops pulling, so without this the tap would wait forever
   * and the request would have no row.
   */
  clientGone?: AbortSignal;
}

/**
 * Pipes an upstream SSE body (read through `reader`) to the client chunk by chunk: each upstream
 * chunk is processed and sent as soon as it arrives, never held for the
 * whole answer; memory is bounded by one unfinished event. Pull-based, so
 * a slow client slows the upstream read instead of filling memory. Ends
 * exactly once: complete, client gone, or upstream broke.
 */
export function tapStream(reader: ChunkReader, options: TapOptions): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const scanner = new SseScanner();
  const { processor } = options;
  let first = true;
  let ended = false;
  let head = options.head;
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    options.onEnd(how);
  };
  options.clientGone?.addEventListener(
    'abort',
    () => {
      end({ kind: 'client-gone' });
      void reader.cancel(options.clientGone!.reason).catch(() => {});
    },
    { once: true },
  );
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, out: Uint8Array | string) => {
    if (typeof out !== 'string') controller.enqueue(out);
    else if (out.length > 0) controller.enqueue(encoder.encode(out));
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const breakOff = async (err: unknown) => {
          const message = `upstream stream broke: ${(err as Error)?.message ?? String(err)}`;
          send(controller, processor.broke(message));
          controller.close();
          end({ kind: 'upstream-broke', error: message });
          await reader.cancel(err).catch(() => {});
        };
        // Loop until something is sent: a chunk may complete no event worth sending.
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            if (head) {
              chunk = { done: false, value: head };
              head = undefined;
            } else chunk = await reader.read();
          } catch (err) {
            return breakOff(err);
          }
          let out: Uint8Array | string;
          try {
            if (chunk.done) out = processor.end(scanner.flush());
            else {
              if (first) {
                first = false;
                options.onFirstByte();
              }
              const before = scanner.holding;
              const events = scanner.push(decoder.decode(chunk.value, { stream: true }));
              out = processor.chunk(chunk.value, events, !before && !scanner.holding);
            }
          } catch (err) {
            // An event the processor cannot read (malformed upstream data) ends the stream like a break.
            return breakOff(err);
          }
          if (chunk.done) {
            send(controller, out);
            controller.close();
            end({ kind: 'complete' });
            return;
          }
          if (typeof out !== 'string' || out.length > 0) {
            send(controller, out);
            return;
          }
        }
      },
      async cancel(reason) {
        end({ kind: 'client-gone' });
        await reader.cancel(reason).catch(() => {});
      },
    },
  );
}
