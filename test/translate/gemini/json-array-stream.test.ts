import { describe, expect, it } from 'vitest';
import { sseToJsonArray } from '../../../src/translate/gemini/json-array-stream.js';

// Gemini's JSON-array stream (no alt=sse): https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent

/** Runs chunks through the re-framer, returning what came out after each one. */
async function reframe(chunks: string[]): Promise<string[]> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  const out: string[] = [];
  const reader = source.pipeThrough(sseToJsonArray()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(decoder.decode(value));
  }
}

describe('SSE to a Gemini JSON-array stream', () => {
  it('frames each event as the next element as soon as it is whole, CRLF or LF, split anywhere', async () => {
    const out = await reframe(['data: {"a":1}\r\n\r\ndata: {"b"', ':2}\r\n', '\r\n', 'data: {"c":3}\n\n']);
    expect(out.join('')).toBe('[{"a":1}\r\n,{"b":2}\r\n,{"c":3}\r\n]');
    // Nothing waits for the end: the first element went out with the first chunk.
    expect(out[0]).toBe('[{"a":1}');
    expect(JSON.parse(out.join(''))).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('answers an empty array for a stream without events, and skips keep-alive comments', async () => {
    expect((await reframe([': ping\n\n'])).join('')).toBe('[]');
    expect((await reframe([': ping\n\ndata: {"x":true}\n\n'])).join('')).toBe('[{"x":true}\r\n]');
  });

  it('keeps a last event that came without its blank line', async () => {
    expect((await reframe(['data: {"a":1}\n\ndata: {"z":0}'])).join('')).toBe('[{"a":1}\r\n,{"z":0}\r\n]');
  });
});
