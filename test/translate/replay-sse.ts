// Shared by the codec tests: replays raw SSE text through a codec's stream decoder.
import type { StreamDecoder } from '../../src/translate/codec.js';
import type { IREvent } from '../../src/translate/ir.js';
import { SseScanner } from '../../src/translate/sse.js';

/** Feeds SSE text through the scanner in pieces of `chunkSize` characters, then through `decoder`, and ends it. */
export function replaySse(decoder: StreamDecoder, text: string, chunkSize: number): IREvent[] {
  const scanner = new SseScanner();
  const events: IREvent[] = [];
  for (let i = 0; i < text.length; i += chunkSize) {
    for (const e of scanner.push(text.slice(i, i + chunkSize))) events.push(...decoder.push(e));
  }
  for (const e of scanner.flush()) events.push(...decoder.push(e));
  events.push(...decoder.end());
  return events;
}
