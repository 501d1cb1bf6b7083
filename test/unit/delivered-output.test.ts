import { describe, expect, it } from 'vitest';
import { DeliveredOutput } from '../../src/usage/delivered-output.js';
import type { SseEvent } from '../../src/translate/sse.js';

/** An OpenAI Chat stream chunk carrying `text`, as the upstream writes it. */
function chatChunk(text: string): SseEvent {
  const data = JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-test',
    choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }],
  });
  return { data, raw: `data: ${data}` };
}

describe('output delivered by a passed-through stream', () => {
  it('counts the text of the events it kept', () => {
    const delivered = new DeliveredOutput();
    for (let i = 0; i < 10; i++) delivered.raw(chatChunk('abcdefgh')); // 80 bytes
    expect(delivered.tokens('openai-chat')).toBe(20);
  });

  it('keeps a bounded number of events of a long stream, and scales their text to the whole', () => {
    const delivered = new DeliveredOutput();
    // 5,000 chunks of 8 bytes each: 40,000 bytes of text, far past what is kept.
    for (let i = 0; i < 5_000; i++) delivered.raw(chatChunk('abcdefgh'));
    const tokens = delivered.tokens('openai-chat');
    expect(tokens).toBeGreaterThan(9_500);
    expect(tokens).toBeLessThan(10_500);
  });
});
