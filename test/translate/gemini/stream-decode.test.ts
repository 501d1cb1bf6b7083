import { describe, expect, it } from 'vitest';
import { geminiCodec } from '../../../src/translate/gemini/index.js';
import { assemble, decodeSse, fixtureText } from './helpers.js';

describe('gemini stream: decode', () => {
  it('text: events in order, usage as it grows, one finish with the final usage', () => {
    const events = decodeSse(fixtureText('gemini-stream-text.1.sse'));
    expect(events).toEqual([
      { type: 'response-start', id: 'text-stream-1', model: 'gemini-2.0-flash', created: expect.any(Number) },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'The' },
      { type: 'usage', usage: { inputTokens: 8, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'text-delta', id: 'text-0', delta: ' sky is blue because of Rayleigh' },
      { type: 'text-delta', id: 'text-0', delta: ' scattering.' },
      { type: 'usage', usage: { inputTokens: 8, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        finish: { unified: 'stop', raw: 'STOP' },
        usage: { inputTokens: 8, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('the same events however the bytes are split (CRLF across reads)', () => {
    const text = fixtureText('gemini-stream-tools.1.sse');
    expect(text).toContain('\r\n\r\n');
    expect(decodeSse(text, 1)).toEqual(decodeSse(text, 4096));
  });

  it('function calls arrive whole; the signature on the first call closes a reasoning block before it', () => {
    const { parts, finish, usage } = assemble(decodeSse(fixtureText('gemini-stream-tools.1.sse')));
    expect(parts).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'reasoning', text: '', vendor: 'gemini', signature: 'RW5jcnlwdGVkVGhvdWdodFNpZw==' },
      { type: 'tool-call', id: 'call_gemini_toolsstream1_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'call_gemini_toolsstream1_1', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    expect(finish).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(usage).toEqual({ inputTokens: 56, cacheReadTokens: 64, cacheWriteTokens: 0, outputTokens: 70, reasoningTokens: 48 });
  });

  it('thoughts stream as one reasoning block; a final empty signed part (Gemini 3) becomes an empty signed reasoning block', () => {
    const events = decodeSse(fixtureText('gemini-stream-reasoning.1.sse'));
    const { parts, finish, usage } = assemble(events);
    expect(parts).toEqual([
      { type: 'reasoning', text: '**Adding**\n\nTwo plus two is four.', vendor: 'gemini' },
      { type: 'text', text: '2 + 2 = 4.' },
      { type: 'reasoning', text: '', vendor: 'gemini', signature: 'R2VtaW5pM1NpZ25hdHVyZQ==' },
    ]);
    expect(finish).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(usage).toMatchObject({ inputTokens: 9, outputTokens: 106, reasoningTokens: 100 });
    expect(events.filter((e) => e.type === 'reasoning-delta')).toHaveLength(2);
  });

  it('a stream that ends without usage or finish reason still closes its block and finishes (other)', () => {
    const events = decodeSse(fixtureText('gemini-stream-no-usage.1.sse'));
    const { parts, finish, usage } = assemble(events);
    expect(parts).toEqual([{ type: 'text', text: 'Partial answer' }]);
    expect(finish).toEqual({ unified: 'other', raw: null });
    expect(usage).toBeUndefined();
    expect(events.some((e) => e.type === 'usage')).toBe(false);
  });

  it('MAX_TOKENS is length', () => {
    expect(assemble(decodeSse(fixtureText('gemini-stream-length.1.sse'))).finish).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
  });

  it('an error chunk becomes an error event and the finish says error', () => {
    const events = decodeSse(fixtureText('gemini-stream-error.1.sse'));
    expect(events.find((e) => e.type === 'error')).toEqual({
      type: 'error',
      error: { kind: 'overloaded', message: 'The model is overloaded. Please try again later.', status: 503 },
    });
    expect(assemble(events).finish).toEqual({ unified: 'error', raw: null });
  });

  it('an empty stream still starts and finishes', () => {
    const decoder = geminiCodec.decodeStream();
    const events = decoder.end();
    expect(events.map((e) => e.type)).toEqual(['response-start', 'finish']);
    expect(decoder.end()).toEqual([]);
  });

  it('agrees with the non-stream decoder on the same answer', () => {
    const text = fixtureText('gemini-stream-tools.1.sse');
    // the whole answer: every chunk's parts, and the last chunk's finish and usage
    const chunks = text
      .split('\r\n\r\n')
      .filter((c) => c.startsWith('data: '))
      .map((c) => JSON.parse(c.slice(6)));
    const whole = { ...chunks.at(-1), candidates: [{ ...chunks.at(-1).candidates[0], content: { role: 'model', parts: chunks.flatMap((c) => c.candidates[0].content.parts) } }] };
    const res = geminiCodec.decodeResponse(whole);
    const streamed = assemble(decodeSse(text));
    expect(streamed.parts).toEqual(res.content);
    expect(streamed.finish).toEqual(res.finish);
    expect(streamed.usage).toEqual(res.usage);
  });
});
