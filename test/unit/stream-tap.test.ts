import { describe, expect, it } from 'vitest';
import { tapStream, type StreamEnd } from '../../src/usage/stream-tap.js';
import { MAX_SSE_EVENT_CHARS } from '../../src/translate/sse.js';

describe('tapStream', () => {
  it('ends an upstream event past the size cap as a broken stream, with the protocol error event', async () => {
    const encoder = new TextEncoder();
    const piece = encoder.encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const upstream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(encoder.encode('data: {"ok":1}\n\ndata: '));
        else controller.enqueue(piece);
        sent++;
        // More than the cap, never a blank line: the tap must stop reading well before the end.
        if (sent > MAX_SSE_EVENT_CHARS / piece.length + 8) controller.close();
      },
    });
    const ends: StreamEnd[] = [];
    const seen: string[] = [];
    const client = tapStream(upstream.getReader(), {
      processor: {
        chunk: (_bytes, events) => {
          seen.push(...events.map((e) => e.data));
          return '';
        },
        end: () => 'END',
        broke: (message) => `BROKE ${message}`,
      },
      onFirstByte: () => {},
      onEnd: (end) => ends.push(end),
    });
    const text = await new Response(client).text();
    expect(seen).toEqual(['{"ok":1}']);
    expect(text).toMatch(/^BROKE upstream stream broke: an event is longer than/);
    expect(ends).toEqual([{ kind: 'upstream-broke', error: expect.stringMatching(/^upstream stream broke: an event is longer than 16777216/) }]);
    expect(sent).toBeLessThanOrEqual(MAX_SSE_EVENT_CHARS / piece.length + 2);
  });
});
