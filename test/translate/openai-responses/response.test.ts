// Responses bodies: real-shape upstream answers -> IR, and IR -> a response object the
// official SDK reads (output_text, function calls, status, usage).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IRResponse } from '../../../src/translate/ir.js';
import { openaiResponsesCodec as codec } from '../../../src/translate/openai-responses/index.js';
import { baseRequest, fixtureJson, startCannedServer, type CannedServer } from './helpers.js';

describe('openai-responses decodeResponse', () => {
  it('text with cached input tokens', () => {
    const ir = codec.decodeResponse(fixtureJson('openai-text.1.json'));
    expect(ir).toEqual({
      id: 'resp_68c1f0a2b3d48190a7e5c9f1d2b3a4c50d8e7f6a5b4c3d2e',
      model: 'gpt-4.1-2025-04-14',
      content: [{ type: 'text', text: 'Paris is the capital of France.' }],
      finish: { unified: 'stop', raw: 'completed' },
      usage: { inputTokens: 318, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 },
      created: 1757540514,
    });
  });

  it('parallel function calls after an empty reasoning item finish as tool-calls', () => {
    const ir = codec.decodeResponse(fixtureJson('openai-tools.1.json'));
    expect(ir.content).toEqual([
      { type: 'reasoning', text: '', vendor: 'openai', itemId: 'rs_68c1f0a4d5f68190c9a7e1b3f4d5c6e70fa09b8c7d6e5f40' },
      { type: 'tool-call', id: 'call_Xq3TnVb1pL9cR2sW8kYh4mZa', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'call_Hk7PzQw2nM5tJ8vL1xBc9dRf', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    expect(ir.finish).toEqual({ unified: 'tool-calls', raw: 'completed' });
    expect(ir.usage).toMatchObject({ outputTokens: 154, reasoningTokens: 128 });
  });

  it('reasoning summary parts with encrypted content on the last', () => {
    const ir = codec.decodeResponse(fixtureJson('openai-reasoning.1.json'));
    const itemId = 'rs_68c1f0a6f7188190fcd0b4e6c7a8f9b0132c3d4e5f607182';
    expect(ir.content).toEqual([
      { type: 'reasoning', text: '**Adding small numbers**\n\nThe user asks for 2+2.', vendor: 'openai', itemId },
      {
        type: 'reasoning',
        text: '**Answering briefly**\n\nTwo plus two is four.',
        vendor: 'openai',
        itemId,
        encrypted: 'gAAAAABowfCkZmFrZS1lbmNyeXB0ZWQtcmVhc29uaW5nLWZvci10ZXN0cw==',
      },
      { type: 'text', text: '2 + 2 = 4.' },
    ]);
    expect(ir.usage.reasoningTokens).toBe(192);
  });

  it.each([
    ['openai-length.1.json', { unified: 'length', raw: 'max_output_tokens' }],
    ['openai-content-filter.1.json', { unified: 'content-filter', raw: 'content_filter' }],
    ['openai-empty.1.json', { unified: 'stop', raw: 'completed' }],
  ])('%s finishes as %o', (name, finish) => {
    expect(codec.decodeResponse(fixtureJson(name)).finish).toEqual(finish);
  });

  it('empty output and refusals', () => {
    expect(codec.decodeResponse(fixtureJson('openai-empty.1.json')).content).toEqual([]);
    expect(codec.decodeResponse(fixtureJson('openai-refusal.1.json')).content).toEqual([{ type: 'text', text: "I can't help with that." }]);
  });

  it('reads raw reasoning_text when a reasoning item has no summary', () => {
    const ir = codec.decodeResponse({
      id: 'resp_1',
      status: 'completed',
      output: [{ type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'step one' }] }],
    });
    expect(ir.content).toEqual([{ type: 'reasoning', text: 'step one', vendor: 'openai', itemId: 'rs_1' }]);
  });

  it('reads a body without usage or status leniently', () => {
    const ir = codec.decodeResponse({ id: 'resp_1', output: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] });
    expect(ir.content).toEqual([]);
    expect(ir.finish).toEqual({ unified: 'other', raw: null });
    expect(ir.usage).toEqual({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 });
  });
});

describe('openai-responses encodeResponse through the official SDK', () => {
  let server: CannedServer;
  beforeAll(async () => {
    server = await startCannedServer();
  });
  afterAll(() => server.close());

  async function viaSdk(response: IRResponse, request = baseRequest({ stream: false })) {
    server.reply = { status: 200, contentType: 'application/json', body: JSON.stringify(codec.encodeResponse(response, request)) };
    return server.client().responses.create({ model: request.model, input: 'hi' });
  }

  const usage = { inputTokens: 10, cacheReadTokens: 4, cacheWriteTokens: 2, outputTokens: 30, reasoningTokens: 12 };

  it('text, reasoning from another vendor and tool calls', async () => {
    const sdk = await viaSdk({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5',
      created: 1757540514,
      content: [
        { type: 'reasoning', text: 'Think first.', vendor: 'anthropic', signature: 'sig' },
        { type: 'reasoning', text: '', vendor: 'anthropic', redacted: true, encrypted: 'blob' },
        { type: 'text', text: 'Checking ' },
        { type: 'text', text: 'the weather.' },
        { type: 'tool-call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool-call', id: 'toolu_02', name: 'get_time', arguments: '{}' },
      ],
      finish: { unified: 'tool-calls', raw: 'tool_use' },
      usage,
    });
    expect(sdk.id).toBe('resp_msg01XFDUDYJgAACzvnptvVoYEL');
    expect(sdk.model).toBe('gpt-test');
    expect(sdk.status).toBe('completed');
    expect(sdk.output_text).toBe('Checking the weather.');
    expect(sdk.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    const reasoning = sdk.output[0] as { summary: { text: string }[]; encrypted_content?: string };
    expect(reasoning.summary).toEqual([{ type: 'summary_text', text: 'Think first.' }]);
    expect(reasoning.encrypted_content).toBeUndefined();
    const calls = sdk.output.filter((item) => item.type === 'function_call');
    expect(calls.map((c) => [c.call_id, c.name, c.arguments])).toEqual([
      ['toolu_01', 'get_weather', '{"city":"Paris"}'],
      ['toolu_02', 'get_time', '{}'],
    ]);
    expect(new Set(sdk.output.map((item) => item.id)).size).toBe(4);
    expect(sdk.usage).toEqual({
      input_tokens: 16,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 46,
    });
  });

  it('length becomes status incomplete with max_output_tokens', async () => {
    const sdk = await viaSdk({
      id: 'chatcmpl-1',
      model: 'gpt-4o',
      created: 1,
      content: [{ type: 'text', text: 'cut' }],
      finish: { unified: 'length', raw: 'length' },
      usage,
    });
    expect(sdk.status).toBe('incomplete');
    expect(sdk.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(sdk.output_text).toBe('cut');
    expect((sdk.output[0] as { status: string }).status).toBe('incomplete');
  });

  it('echoes the client request options', async () => {
    const request = codec.decodeRequest({
      model: 'gpt-test',
      input: 'hi',
      instructions: 'Be brief.',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }, { type: 'web_search' }],
      tool_choice: 'required',
      temperature: 0.2,
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      reasoning: { effort: 'low' },
      metadata: { app: 'x' },
      store: true,
    });
    const sdk = await viaSdk({ id: 'resp_abc', model: 'gpt-5', created: 1, content: [], finish: { unified: 'stop', raw: 'completed' }, usage }, request);
    expect(sdk).toMatchObject({
      id: 'resp_abc',
      instructions: 'Be brief.',
      tool_choice: 'required',
      temperature: 0.2,
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      reasoning: { effort: 'low', summary: null },
      metadata: { app: 'x' },
      store: false,
      output: [],
      output_text: '',
    });
    expect(sdk.tools).toEqual([{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }, { type: 'web_search' }]);
  });

  it('a same-protocol answer survives decode -> encode with its items intact', async () => {
    const original = fixtureJson('openai-reasoning.1.json');
    const request = baseRequest({ stream: false });
    const encoded = codec.encodeResponse(codec.decodeResponse(original), request) as { output: unknown[] };
    expect(encoded.output[0]).toEqual(original.output[0]);
    const sdk = await viaSdk(codec.decodeResponse(original), request);
    expect(sdk.output_text).toBe('2 + 2 = 4.');
    expect(sdk.usage).toEqual(original.usage);
  });
});
