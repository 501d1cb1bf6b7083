import { describe, expect, it } from 'vitest';
import { anthropicCodec } from '../../../src/translate/anthropic/index.js';
import type { IRRequest, IRResponse } from '../../../src/translate/ir.js';
import { fixtureJson } from './helpers.js';

const REQUEST: IRRequest = {
  model: 'claude-client-alias',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: false,
  extra: null,
};

describe('anthropic response: decode', () => {
  it('text with cached usage (input_tokens already excludes the cache)', () => {
    const res = anthropicCodec.decodeResponse(fixtureJson('anthropic-response-text.1.json'));
    expect(res).toEqual({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Hi! My name is Claude.' }],
      finish: { unified: 'stop', raw: 'end_turn', stopSequence: null },
      usage: { inputTokens: 2095, outputTokens: 503, cacheReadTokens: 1800, cacheWriteTokens: 2051, reasoningTokens: 0 },
      created: expect.any(Number),
    });
  });

  it('parallel tool calls keep their ids and arguments', () => {
    const res = anthropicCodec.decodeResponse(fixtureJson('anthropic-response-tool-use.1.json'));
    expect(res.content).toEqual([
      { type: 'text', text: "I'll check both cities." },
      { type: 'tool-call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
      { type: 'tool-call', id: 'toolu_01B09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"New York, NY","unit":"celsius"}' },
    ]);
    expect(res.finish).toEqual({ unified: 'tool-calls', raw: 'tool_use', stopSequence: null });
  });

  it('thinking with signature, redacted thinking, and thinking tokens', () => {
    const res = anthropicCodec.decodeResponse(fixtureJson('anthropic-response-thinking.1.json'));
    expect(res.content[0]).toEqual({
      type: 'reasoning',
      text: 'Let me analyze this step by step...',
      vendor: 'anthropic',
      signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL',
    });
    expect(res.content[1]).toMatchObject({ type: 'reasoning', text: '', vendor: 'anthropic', redacted: true, encrypted: expect.stringMatching(/^EmwK/) });
    expect(res.usage.reasoningTokens).toBe(1490);
    expect(res.usage.outputTokens).toBe(1543);
  });

  it.each([
    ['anthropic-response-stop-sequence.1.json', { unified: 'stop', raw: 'stop_sequence', stopSequence: 'four' }],
    ['anthropic-response-max-tokens.1.json', { unified: 'length', raw: 'max_tokens', stopSequence: null }],
    ['anthropic-response-refusal.1.json', { unified: 'content-filter', raw: 'refusal', stopSequence: null }],
    ['anthropic-response-pause-turn.1.json', { unified: 'other', raw: 'pause_turn', stopSequence: null }],
  ])('%s finish reason', (name, finish) => {
    expect(anthropicCodec.decodeResponse(fixtureJson(name)).finish).toEqual(finish);
  });

  it('null cache figures and an empty content list', () => {
    const len = anthropicCodec.decodeResponse(fixtureJson('anthropic-response-max-tokens.1.json'));
    expect(len.usage).toEqual({ inputTokens: 15, outputTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect(anthropicCodec.decodeResponse(fixtureJson('anthropic-response-refusal.1.json')).content).toEqual([]);
  });

  it('leaves out server tool blocks it has no IR place for', () => {
    const res = anthropicCodec.decodeResponse(fixtureJson('anthropic-response-pause-turn.1.json'));
    expect(res.content).toEqual([
      { type: 'text', text: 'Let me search for that.' },
      { type: 'text', text: 'It was completed in 1889.' },
    ]);
  });

  it('a call of the JSON-output tool is a text answer with a plain stop', () => {
    const res = anthropicCodec.decodeResponse(fixtureJson('anthropic-response-json-output.1.json'));
    expect(res.content).toEqual([{ type: 'text', text: '{"answer":42,"unit":"none"}' }]);
    expect(res.finish.unified).toBe('stop');
  });
});

describe('anthropic response: encode for an Anthropic client', () => {
  it('gives back an Anthropic reply unchanged apart from the model alias', () => {
    for (const name of ['anthropic-response-tool-use.1.json', 'anthropic-response-stop-sequence.1.json', 'anthropic-response-thinking.1.json']) {
      const wire = fixtureJson(name);
      const body = anthropicCodec.encodeResponse(anthropicCodec.decodeResponse(wire), REQUEST) as Record<string, unknown>;
      expect(body.model).toBe('claude-client-alias');
      expect(body.content).toEqual(wire.content);
      expect(body.stop_reason).toBe(wire.stop_reason);
      expect(body.stop_sequence).toBe(wire.stop_sequence);
      expect(body.usage).toMatchObject({
        input_tokens: (wire.usage as any).input_tokens,
        output_tokens: (wire.usage as any).output_tokens,
        cache_read_input_tokens: (wire.usage as any).cache_read_input_tokens ?? 0,
      });
    }
  });

  it('maps another vendor’s answer: finish reasons, usage apart from cache, foreign reasoning as unsigned thinking', () => {
    const response: IRResponse = {
      id: 'chatcmpl-abc',
      model: 'gpt-4o',
      content: [
        { type: 'reasoning', text: 'summary of thoughts', vendor: 'openai', encrypted: 'gAAAA', itemId: 'rs_1' },
        { type: 'reasoning', text: '', vendor: 'openai', encrypted: 'gAAAB' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool-call', id: 'call_9', name: 'f', arguments: '{"a":[1,2]}' },
      ],
      finish: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: { inputTokens: 8, outputTokens: 20, cacheReadTokens: 3, cacheWriteTokens: 0, reasoningTokens: 12 },
      created: 1,
    };
    expect(anthropicCodec.encodeResponse(response, REQUEST)).toEqual({
      id: 'chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'claude-client-alias',
      content: [
        { type: 'thinking', thinking: 'summary of thoughts', signature: '' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool_use', id: 'call_9', name: 'f', input: { a: [1, 2] } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 8,
        output_tokens: 20,
        cache_read_input_tokens: 3,
        cache_creation_input_tokens: 0,
        output_tokens_details: { thinking_tokens: 12 },
      },
    });
  });

  it.each([
    [{ unified: 'stop', raw: 'stop' }, 'end_turn'],
    [{ unified: 'stop', raw: 'STOP', stopSequence: 'END' }, 'stop_sequence'],
    [{ unified: 'length', raw: 'length' }, 'max_tokens'],
    [{ unified: 'content-filter', raw: 'SAFETY' }, 'refusal'],
    [{ unified: 'tool-calls', raw: 'tool_use' }, 'tool_use'],
    [{ unified: 'stop', raw: 'tool_use' }, 'end_turn'],
    [{ unified: 'other', raw: 'pause_turn' }, 'pause_turn'],
    [{ unified: 'length', raw: 'model_context_window_exceeded' }, 'model_context_window_exceeded'],
    [{ unified: 'other', raw: 'MALFORMED_FUNCTION_CALL' }, 'MALFORMED_FUNCTION_CALL'],
    [{ unified: 'other', raw: null }, 'end_turn'],
    [{ unified: 'error', raw: null }, 'end_turn'],
  ] as const)('finish %j -> stop_reason %s', (finish, stopReason) => {
    const response: IRResponse = { id: 'x', model: 'm', content: [], finish: { ...finish }, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, created: 0 };
    expect((anthropicCodec.encodeResponse(response, REQUEST) as Record<string, unknown>).stop_reason).toBe(stopReason);
  });
});
