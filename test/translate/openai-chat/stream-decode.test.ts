// Upstream chat.completion.chunk streams (raw SSE fixtures) -> IR events.
import { describe, expect, it } from 'vitest';
import type { IREvent } from '../../../src/translate/ir.js';
import { openaiChatCodec } from '../../../src/translate/openai-chat/index.js';
import { assemble, decodeSse, fixtureText } from './helpers.js';

function finishOf(events: IREvent[]): Extract<IREvent, { type: 'finish' }> {
  const finishes = events.filter((e) => e.type === 'finish');
  expect(finishes).toHaveLength(1);
  expect(events.at(-1)).toBe(finishes[0]);
  return finishes[0] as Extract<IREvent, { type: 'finish' }>;
}

/** Every block that starts also ends, after its deltas, and ids are unique. */
function expectWellFormed(events: IREvent[]): void {
  expect(events[0].type).toBe('response-start');
  const open = new Set<string>();
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type.endsWith('-start') && e.type !== 'response-start') {
      const id = (e as { id: string }).id;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      open.add(id);
    } else if (e.type.endsWith('-delta')) expect(open.has((e as { id: string }).id)).toBe(true);
    else if (e.type.endsWith('-end')) expect(open.delete((e as { id: string }).id)).toBe(true);
  }
  expect(open.size).toBe(0);
}

describe('openai-chat decodeStream', () => {
  it('decodes a text stream with the include_usage chunk after the finish', () => {
    const events = decodeSse(fixtureText('openai-stream-text.1.sse'));
    expectWellFormed(events);
    expect(events[0]).toEqual({ type: 'response-start', id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG', model: 'gpt-4o-2024-08-06', created: 1741570283 });
    expect(assemble(events)).toEqual({ order: ['text-0'], text: { 'text-0': 'The capital of France is Paris.' } });
    const usage = { inputTokens: 176, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 };
    expect(events).toContainEqual({ type: 'usage', usage });
    expect(finishOf(events)).toEqual({ type: 'finish', finish: { unified: 'stop', raw: 'stop' }, usage });
  });

  it('decodes parallel tool calls with streamed argument deltas, one block after the other', () => {
    const events = decodeSse(fixtureText('openai-stream-tools.1.sse'), 11);
    expectWellFormed(events);
    const starts = events.filter((e) => e.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', id: 'tool-0', toolCallId: 'call_w1', name: 'get_weather' },
      { type: 'tool-call-start', id: 'tool-1', toolCallId: 'call_t2', name: 'get_time' },
    ]);
    expect(events.filter((e) => e.type === 'tool-call-delta' && e.id === 'tool-0')).toHaveLength(3);
    expect(assemble(events).text).toEqual({ 'tool-0': '{"city": "Paris"}', 'tool-1': '{"timezone": "Europe/Paris"}' });
    // tool-0 ends before tool-1 starts
    const types = events.map((e) => (e.type.startsWith('tool-call') ? `${e.type}:${(e as { id: string }).id}` : e.type));
    expect(types.indexOf('tool-call-end:tool-0')).toBeLessThan(types.indexOf('tool-call-start:tool-1'));
    expect(finishOf(events).finish).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(finishOf(events).usage).toMatchObject({ inputTokens: 80, outputTokens: 40 });
  });

  it('decodes reasoning_content deltas into a reasoning block before the text (DeepSeek), usage on the finish chunk', () => {
    const events = decodeSse(fixtureText('deepseek-stream-reasoning.1.sse'));
    expectWellFormed(events);
    expect(assemble(events)).toEqual({
      order: ['reasoning-0', 'text-1'],
      text: { 'reasoning-0': 'Two plus two is four.', 'text-1': 'The answer is 4.' },
    });
    expect(finishOf(events)).toEqual({
      type: 'finish',
      finish: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 6, cacheReadTokens: 8, cacheWriteTokens: 0, outputTokens: 30, reasoningTokens: 22 },
    });
  });

  it('decodes a stream without usage (client did not ask; CRLF framing): finish has no usage', () => {
    const text = fixtureText('openai-stream-no-usage.1.sse');
    expect(text).toContain('\r\n\r\n');
    const events = decodeSse(text);
    expectWellFormed(events);
    expect(assemble(events).text).toEqual({ 'text-0': 'Hi!' });
    expect(events.some((e) => e.type === 'usage')).toBe(false);
    expect(finishOf(events)).toEqual({ type: 'finish', finish: { unified: 'stop', raw: 'stop' } });
  });

  it('decodes length and content_filter finishes; skips comments and Azure\'s choice-less first chunk', () => {
    const length = decodeSse(fixtureText('openai-stream-length.1.sse'));
    expectWellFormed(length);
    expect(finishOf(length).finish).toEqual({ unified: 'length', raw: 'length' });

    const azure = decodeSse(fixtureText('azure-stream-content-filter.1.sse'));
    expectWellFormed(azure);
    expect(azure[0]).toEqual({ type: 'response-start', id: 'chatcmpl-AzureCF01', model: 'gpt-4o-2024-08-06', created: 1741570400 });
    expect(assemble(azure).text).toEqual({ 'text-0': 'Once upon' });
    expect(finishOf(azure).finish).toEqual({ unified: 'content-filter', raw: 'content_filter' });
  });

  it('turns an in-stream error frame into an error event and an error finish', () => {
    const events = decodeSse(fixtureText('openai-stream-error.1.sse'));
    expectWellFormed(events);
    expect(events).toContainEqual({
      type: 'error',
      error: { kind: 'server', message: 'The server had an error while processing your request. Sorry about that!', status: 500 },
    });
    expect(finishOf(events).finish).toEqual({ unified: 'error', raw: null });
  });

  it('closes what is open and finishes with "other" when the stream ends without finish_reason or [DONE]', () => {
    const events = decodeSse(fixtureText('openai-stream-truncated.1.sse'));
    expectWellFormed(events);
    expect(assemble(events).text).toEqual({ 'text-0': 'Hello', 'tool-1': '{"q":' });
    expect(finishOf(events)).toEqual({ type: 'finish', finish: { unified: 'other', raw: null } });
  });

  it('emits response-start and a finish even for an empty stream, and nothing after [DONE]', () => {
    const decoder = openaiChatCodec.decodeStream();
    expect(decoder.end()).toEqual([
      { type: 'response-start', id: '', model: '', created: 0 },
      { type: 'finish', finish: { unified: 'other', raw: null } },
    ]);
    const done = openaiChatCodec.decodeStream();
    done.push({ data: JSON.stringify({ id: 'c', model: 'm', created: 1, choices: [{ index: 0, delta: { content: 'a' }, finish_reason: 'stop' }] }), raw: '' });
    expect(done.push({ data: '[DONE]', raw: '' }).at(-1)).toMatchObject({ type: 'finish' });
    expect(done.push({ data: JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'late' } }] }), raw: '' })).toEqual([]);
    expect(done.end()).toEqual([]);
  });

  it('synthesizes call_<index> for a tool call without id and accepts the legacy function_call delta', () => {
    const decoder = openaiChatCodec.decodeStream();
    const chunk = (delta: unknown, finish: string | null = null): { data: string; raw: string } => ({
      data: JSON.stringify({ id: 'c', model: 'm', created: 1, choices: [{ index: 0, delta, finish_reason: finish }] }),
      raw: '',
    });
    const events = [
      ...decoder.push(chunk({ tool_calls: [{ index: 0, function: { name: 'a', arguments: '{}' } }] })),
      ...decoder.push(chunk({}, 'tool_calls')),
      ...decoder.end(),
    ];
    expect(events).toContainEqual({ type: 'tool-call-start', id: 'tool-0', toolCallId: 'call_0', name: 'a' });
    const legacy = openaiChatCodec.decodeStream();
    const legacyEvents = [
      ...legacy.push(chunk({ role: 'assistant', function_call: { name: 'f', arguments: '' } })),
      ...legacy.push(chunk({ function_call: { arguments: '{"x":1}' } })),
      ...legacy.push(chunk({}, 'function_call')),
      ...legacy.end(),
    ];
    expect(assemble(legacyEvents).text).toEqual({ 'tool-0': '{"x":1}' });
    expect(legacyEvents.at(-1)).toEqual({ type: 'finish', finish: { unified: 'tool-calls', raw: 'function_call' } });
  });
});
