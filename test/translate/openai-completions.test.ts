// The legacy Completions codec (client side only): a body decoded into the IR for an upstream
// that does not serve /completions, what other encoders then warn about, and the answer encoded
// back as a text_completion, whole and streamed. Through the server: test/gateway/completions.test.ts.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/protocols/errors.js';
import type { IREvent } from '../../src/translate/ir.js';
import { codecFor } from '../../src/translate/registry.js';
import { SseScanner } from '../../src/translate/sse.js';

const parseSseText = (text: string) => new SseScanner().push(text);

const codec = codecFor('openai-completions');

describe('decoding a client body', () => {
  it('maps the prompt to one user turn and the sampling fields as they are; max_tokens is 16 when absent', () => {
    const ir = codec.decodeRequest({ model: 'm', prompt: ['Once upon'], temperature: 0.2, top_p: 0.9, stop: 'END', seed: 7, user: 'u1', stream: true });
    expect(ir).toMatchObject({
      model: 'm',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Once upon' }] }],
      maxTokens: 16,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
      seed: 7,
      user: 'u1',
      stream: true,
    });
    expect(codec.decodeRequest({ model: 'm', prompt: 'x', max_tokens: 200 }).maxTokens).toBe(200);
    expect(codec.decodeRequest({ model: 'm', prompt: 'x', max_tokens: null }).maxTokens).toBeUndefined();
  });

  it('refuses what one chat turn cannot mean, naming the field', () => {
    const refusal = (body: Record<string, unknown>) => {
      try {
        codec.decodeRequest({ model: 'm', prompt: 'x', ...body });
      } catch (err) {
        expect(err).toBeInstanceOf(GatewayError);
        return (err as GatewayError).param;
      }
      return 'decoded';
    };
    expect(refusal({ prompt: ['a', 'b'] })).toBe('prompt');
    expect(refusal({ prompt: [1, 2] })).toBe('prompt');
    expect(refusal({ prompt: [[1], [2]] })).toBe('prompt');
    expect(refusal({ prompt: undefined })).toBe('prompt');
    expect(refusal({ n: 3 })).toBe('n');
    expect(refusal({ suffix: 'tail' })).toBe('suffix');
    expect(refusal({ max_tokens: 'lots' })).toBe('max_tokens');
    expect(refusal({ n: 1, suffix: '', best_of: 1, logprobs: null })).toBe('decoded');
  });

  it('drops what the IR cannot carry with a warning from the upstream encoder; defaults and stream_options are not warned', () => {
    const ir = codec.decodeRequest({ model: 'm', prompt: 'x', logprobs: 2, best_of: 3, presence_penalty: 0.5, frequency_penalty: 0, stream_options: { include_usage: true }, n: 1 });
    const { warnings } = codecFor('anthropic-messages').encodeRequest(ir, 'claude');
    const all = warnings.join(' | ');
    expect(all).toMatch(/logprobs/);
    expect(all).toMatch(/best_of/);
    expect(all).toMatch(/presence_penalty/);
    expect(all).not.toMatch(/frequency_penalty|stream_options|\bn\b/);
  });
});

describe('encoding the answer', () => {
  const response = { id: 'msg_1', model: 'claude', content: [{ type: 'reasoning' as const, text: 'hmm' }, { type: 'text' as const, text: 'world' }], finish: { unified: 'length' as const, raw: 'max_tokens' }, usage: { inputTokens: 3, outputTokens: 4, cacheReadTokens: 1, cacheWriteTokens: 0, reasoningTokens: 0 }, created: 1700000000 };

  it('is a text_completion with one choice; echo puts the prompt first; reasoning is not shown', () => {
    const plain = codec.encodeResponse(response, codec.decodeRequest({ model: 'asked', prompt: 'hello ' }));
    expect(plain).toEqual({
      id: 'cmpl-msg_1',
      object: 'text_completion',
      created: 1700000000,
      model: 'asked',
      choices: [{ text: 'world', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: expect.objectContaining({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 }),
    });
    const echoed = codec.encodeResponse(response, codec.decodeRequest({ model: 'asked', prompt: 'hello ', echo: true })) as { choices: { text: string }[] };
    expect(echoed.choices[0].text).toBe('hello world');
  });

  it('streams text_completion chunks, the finish, the usage chunk only when asked, then [DONE]', () => {
    const events: IREvent[] = [
      { type: 'response-start', id: 'x1', model: 'up', created: 5 },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hel' },
      { type: 'text-delta', id: 't', delta: 'lo' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finish: { unified: 'stop', raw: 'end_turn' }, usage: { inputTokens: 2, outputTokens: 2 } },
    ];
    const run = (body: Record<string, unknown>) => {
      const encoder = codec.encodeStream(codec.decodeRequest({ model: 'asked', prompt: 'Say ', stream: true, ...body }));
      return parseSseText(events.map((e) => encoder.push(e)).join('') + encoder.end()).map((e) => e.data);
    };
    const frames = run({});
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.map((c) => [c.choices[0].text, c.choices[0].finish_reason])).toEqual([
      ['Hel', null],
      ['lo', null],
      ['', 'stop'],
    ]);
    expect(chunks.every((c) => c.object === 'text_completion' && c.id === 'cmpl-x1' && c.model === 'asked' && !('usage' in c))).toBe(true);

    const withUsage = run({ echo: true, stream_options: { include_usage: true } }).slice(0, -1).map((d) => JSON.parse(d));
    expect(withUsage[0].choices[0].text).toBe('Say ');
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 2 } });
  });
});

describe('reading an upstream stream (to count what a passed-through one delivered)', () => {
  it('gives the first choice text, the finish and the usage', () => {
    const decoder = codec.decodeStream();
    const frames = [
      { text: 'Hi', finish_reason: null },
      { text: ' there', finish_reason: 'length' },
    ].map((choice) => JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'i', choices: [{ index: 0, logprobs: null, ...choice }] }));
    frames.push(JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'i', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }), '[DONE]');
    const events = frames.flatMap((data) => decoder.push({ data, raw: `data: ${data}` }));
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { delta: string }).delta)).toEqual(['Hi', ' there']);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'length' }, usage: { inputTokens: 3, outputTokens: 2 } });
  });
});
