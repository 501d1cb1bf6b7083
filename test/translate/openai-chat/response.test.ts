// Non-stream answers: upstream chat.completion -> IR, and IR -> the client's chat.completion.
import { describe, expect, it } from 'vitest';
import type { IRRequest, IRResponse } from '../../../src/translate/ir.js';
import { openaiChatCodec } from '../../../src/translate/openai-chat/index.js';
import { fixtureJson } from './helpers.js';

const codec = openaiChatCodec;

describe('openai-chat decodeResponse', () => {
  it('decodes text, ids and usage with cached tokens taken out of the input figure', () => {
    const ir = codec.decodeResponse(fixtureJson('openai-response-text.1.json'));
    expect(ir).toEqual({
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      model: 'gpt-4o-2024-08-06',
      created: 1741569952,
      content: [{ type: 'text', text: 'Hello! How can I assist you today?' }],
      finish: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 86, cacheReadTokens: 1920, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0 },
    });
  });

  it('decodes parallel tool calls with their ids and JSON arguments', () => {
    const ir = codec.decodeResponse(fixtureJson('openai-response-tools.1.json'));
    expect(ir.content).toEqual([
      { type: 'tool-call', id: 'call_abc123', name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' },
      { type: 'tool-call', id: 'call_def456', name: 'get_current_time', arguments: '{"timezone":"America/New_York"}' },
    ]);
    expect(ir.finish).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(ir.usage).toEqual({ inputTokens: 82, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 17, reasoningTokens: 0 });
  });

  it('decodes reasoning_content (DeepSeek) before the text, with reasoning tokens inside output', () => {
    const ir = codec.decodeResponse(fixtureJson('deepseek-response-reasoning.1.json'));
    expect(ir.content).toEqual([
      { type: 'reasoning', text: 'Compare 9.11 and 9.8: the tenths digit 1 < 8, so 9.11 < 9.8.' },
      { type: 'text', text: '9.11 is smaller than 9.8.' },
    ]);
    expect(ir.usage).toEqual({ inputTokens: 16, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 120, reasoningTokens: 104 });
  });

  it('decodes each finish reason; empty content gives no part', () => {
    const length = codec.decodeResponse(fixtureJson('openai-response-length.1.json'));
    expect(length.content).toEqual([]);
    expect(length.finish).toEqual({ unified: 'length', raw: 'length' });
    expect(length.usage.reasoningTokens).toBe(100);

    const filtered = codec.decodeResponse(fixtureJson('azure-response-content-filter.1.json'));
    expect(filtered.content).toEqual([]);
    expect(filtered.finish).toEqual({ unified: 'content-filter', raw: 'content_filter' });

    const legacy = codec.decodeResponse(fixtureJson('openai-response-function-call.1.json'));
    expect(legacy.finish).toEqual({ unified: 'tool-calls', raw: 'function_call' });
    expect(legacy.content).toEqual([{ type: 'tool-call', id: 'call_0', name: 'get_weather', arguments: '{"city":"Oslo"}' }]);

    const odd = codec.decodeResponse({ id: 'x', choices: [{ index: 0, message: { content: 'hi' }, finish_reason: 'eos' }] });
    expect(odd.finish).toEqual({ unified: 'other', raw: 'eos' });
    expect(odd.usage).toEqual({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 });
  });

  it('decodes a refusal as text', () => {
    const ir = codec.decodeResponse(fixtureJson('openai-response-refusal.1.json'));
    expect(ir.content).toEqual([{ type: 'text', text: "I'm sorry, I can't assist with that request." }]);
  });
});

const clientRequest: IRRequest = {
  model: 'my-public-model',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: false,
  extra: null,
};

describe('openai-chat encodeResponse', () => {
  it('renders text, reasoning_content, tool calls, finish and usage (cache reads and writes back in prompt_tokens)', () => {
    const response: IRResponse = {
      id: 'msg_01XYZ',
      model: 'claude-sonnet-4-5',
      created: 1750000000,
      content: [
        { type: 'reasoning', text: 'Think.', vendor: 'anthropic', signature: 'sig' },
        { type: 'text', text: 'Let me check. ' },
        { type: 'text', text: 'One moment.' },
        { type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{"q":"x"}' },
      ],
      finish: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 10, cacheReadTokens: 100, cacheWriteTokens: 5, outputTokens: 50, reasoningTokens: 20 },
    };
    expect(codec.encodeResponse(response, clientRequest)).toEqual({
      id: 'msg_01XYZ',
      object: 'chat.completion',
      created: 1750000000,
      model: 'my-public-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check. One moment.',
            refusal: null,
            annotations: [],
            reasoning_content: 'Think.',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 115,
        completion_tokens: 50,
        total_tokens: 165,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 20 },
      },
    });
  });

  it('maps unified finish reasons, keeping OpenAI raw values', () => {
    const finishOf = (finish: IRResponse['finish']): unknown =>
      (codec.encodeResponse({ id: 'r', model: 'm', created: 1, content: [], finish, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } }, clientRequest) as any)
        .choices[0].finish_reason;
    expect(finishOf({ unified: 'stop', raw: 'end_turn' })).toBe('stop');
    expect(finishOf({ unified: 'stop', raw: 'stop_sequence', stopSequence: 'END' })).toBe('stop');
    expect(finishOf({ unified: 'length', raw: 'max_tokens' })).toBe('length');
    expect(finishOf({ unified: 'content-filter', raw: 'SAFETY' })).toBe('content_filter');
    expect(finishOf({ unified: 'tool-calls', raw: 'function_call' })).toBe('function_call');
    expect(finishOf({ unified: 'other', raw: 'pause_turn' })).toBe('stop');
    expect(finishOf({ unified: 'error', raw: null })).toBe('stop');
  });

  it('gives empty content as "" and only-tool-calls content as null', () => {
    const base = { id: 'r', model: 'm', created: 1, finish: { unified: 'stop' as const, raw: 'stop' }, usage: { inputTokens: 1, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } };
    expect((codec.encodeResponse({ ...base, content: [] }, clientRequest) as any).choices[0].message.content).toBe('');
    const tools = codec.encodeResponse({ ...base, content: [{ type: 'tool-call', id: 'c', name: 'n', arguments: '{}' }] }, clientRequest) as any;
    expect(tools.choices[0].message.content).toBeNull();
  });

  it('round-trips an upstream answer into the same client answer (model aside)', () => {
    const upstream = fixtureJson('openai-response-tools.1.json');
    const client = codec.encodeResponse(codec.decodeResponse(upstream), { ...clientRequest, model: upstream.model }) as any;
    expect(client.choices[0].message.tool_calls).toEqual(upstream.choices[0].message.tool_calls);
    expect(client.choices[0].finish_reason).toBe('tool_calls');
    expect(client.usage).toMatchObject({ prompt_tokens: 82, completion_tokens: 17, total_tokens: 99 });
  });
});
