// Requests: OpenAI Chat body -> IR -> OpenAI Chat body is lossless; IR from other protocols encodes with warnings.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/protocols/errors.js';
import type { IRRequest } from '../../../src/translate/ir.js';
import { openaiChatCodec, ROUND_TRIP_FIELD } from '../../../src/translate/openai-chat/index.js';
import { fixtureJson } from './helpers.js';

const codec = openaiChatCodec;

function roundTrip(body: any): { body: any; warnings: string[] } {
  const ir = codec.decodeRequest(structuredClone(body));
  return codec.encodeRequest(ir, body.model) as { body: any; warnings: string[] };
}

describe('openai-chat request round trip', () => {
  for (const name of ['openai-request-basic.1.json', 'openai-request-multimodal.1.json', 'openai-request-tools.1.json', 'openai-request-edge.1.json']) {
    it(`gives back ${name} exactly, unknown fields included`, () => {
      const input = fixtureJson(name);
      const { body, warnings } = roundTrip(input);
      expect(body).toStrictEqual(input);
      expect(warnings).toEqual([]);
    });
  }

  it('decodes the basic request into the IR, unknown fields into extra', () => {
    const ir = codec.decodeRequest(fixtureJson('openai-request-basic.1.json'));
    expect(ir.system).toEqual([{ type: 'text', text: 'You are a helpful assistant.' }]);
    expect(ir.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hello!' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hi! How can I help?' }] },
      { role: 'user', content: [{ type: 'text', text: 'What is 2+2?' }, { type: 'text', text: ' Answer briefly.' }] },
    ]);
    expect(ir).toMatchObject({ model: 'gpt-4o', maxTokens: 256, temperature: 0.2, topP: 0.9, seed: 7, stopSequences: ['\n\n', 'END'], user: 'user-1234', stream: false });
    expect(ir.extra?.protocol).toBe('openai-chat');
    expect(Object.keys(ir.extra!.fields).sort()).toEqual(
      ['frequency_penalty', 'logit_bias', 'logprobs', 'metadata', 'prompt_cache_key', 'service_tier', 'top_logprobs'].sort(),
    );
    // Default values ask for nothing: kept for the round trip only, never warned about elsewhere.
    expect(ir.extra!.replay).toEqual({ n: 1, presence_penalty: 0, store: false });
    // Nothing needed the raw spelling: the default encoding already matches.
    expect(ir.extra!.replay![ROUND_TRIP_FIELD]).toBeUndefined();
  });

  it('decodes media parts: URL and data-URL images, audio, file data and file ids', () => {
    const ir = codec.decodeRequest(fixtureJson('openai-request-multimodal.1.json'));
    expect(ir.system).toEqual([{ type: 'text', text: 'Describe inputs precisely.' }]);
    expect(ir.maxTokens).toBe(300);
    const parts = ir.messages[0].content;
    expect(parts[0]).toEqual({ type: 'text', text: 'What is in these?' });
    expect(parts[1]).toEqual({ type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'high' });
    expect(parts[2]).toMatchObject({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: expect.stringMatching(/^iVBOR/) } });
    expect(parts[3]).toMatchObject({ type: 'file', source: { kind: 'base64', mediaType: 'audio/wav', data: expect.stringMatching(/^UklGR/) } });
    expect(parts[4]).toEqual({ type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0xLjQKJcOkw7zDtsOfCg==' }, filename: 'report.pdf' });
    expect(parts[5]).toEqual({ type: 'file', source: { kind: 'file-id', id: 'file-abc123' } });
    // developer role, `name` and max_tokens are kept raw for the round trip only...
    expect(Object.keys(ir.extra!.replay![ROUND_TRIP_FIELD] as object).sort()).toEqual(['maxTokens', 'messages']);
    expect(ir.extra!.fields).toEqual({});
    // ...and the participant names, which the IR has no place for, are named as lost.
    expect(ir.extra!.lost).toEqual(['name in messages[0]', 'name in messages[1]']);
  });

  it('decodes tool calls, and a run of tool messages into one user message of results named after their calls', () => {
    const ir = codec.decodeRequest(fixtureJson('openai-request-tools.1.json'));
    expect(ir.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'tool-call', id: 'call_abc', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool-call', id: 'call_def', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
      ],
    });
    expect(ir.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool-result', toolCallId: 'call_abc', name: 'get_weather', content: [{ type: 'text', text: '18°C, cloudy' }] },
        { type: 'tool-result', toolCallId: 'call_def', name: 'get_time', content: [{ type: 'text', text: '14:05' }, { type: 'text', text: ' CEST' }] },
      ],
    });
    expect(ir.messages[3]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Thanks. And tomorrow?' }] });
    expect(ir.tools[0]).toEqual({
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
      strict: true,
    });
    expect(ir).toMatchObject({ toolChoice: { type: 'tool', name: 'get_weather' }, parallelToolCalls: false, stream: true });
    // The client-side stream encoder honours it: kept for the round trip only, nothing lost.
    expect(ir.extra).toEqual({ protocol: 'openai-chat', fields: {}, replay: { stream_options: { include_usage: true } } });
  });

  it('decodes the edge cases: mid-conversation system, refusal, reasoning_content, nulls, forms the IR lacks', () => {
    const ir = codec.decodeRequest(fixtureJson('openai-request-edge.1.json'));
    // The developer message ahead of the first turn is the request's system; the later system message keeps its place.
    expect(ir.system).toEqual([{ type: 'text', text: 'Be terse.' }]);
    expect(ir.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: "I can't help with that." }] });
    expect(ir.messages[2]).toEqual({ role: 'system', clientRole: 'system', content: [{ type: 'text', text: 'Stay polite.' }] });
    expect(ir.messages[4]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: '17*23 = 17*20 + 17*3 = 340 + 51 = 391.' },
        { type: 'text', text: '391' },
      ],
    });
    expect(ir.messages[5]).toEqual({ role: 'user', content: [] });
    expect(ir.tools).toEqual([{ name: 'noop', parameters: {} }]);
    expect(ir.toolChoice).toBeUndefined(); // allowed_tools has no IR form
    expect(ir.responseFormat).toEqual({
      type: 'json-schema',
      name: 'answer',
      description: 'The answer',
      schema: { type: 'object', properties: { n: { type: 'integer' } } },
      strict: true,
    });
    expect(ir).toMatchObject({ reasoning: { effort: 'high' }, stopSequences: ['STOP'], maxTokens: 2000, stream: false });
    expect(ir.temperature).toBeUndefined();
    expect(ir.extra!.fields).toEqual({ verbosity: 'low' });
    expect(ir.extra!.lost).toEqual(['tool_choice allowed_tools']);
  });

  it('lets the IR win when it changed after decoding (e.g. redaction), and says so', () => {
    const input = fixtureJson('openai-request-edge.1.json');
    const ir = codec.decodeRequest(structuredClone(input));
    (ir.messages[0].content[0] as { text: string }).text = '[redacted]';
    const { body, warnings } = codec.encodeRequest(ir, 'o3-mini') as { body: any; warnings: string[] };
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be terse.' }); // developer -> system: rebuilt from the IR
    expect(body.messages[1]).toEqual({ role: 'user', content: '[redacted]' });
    expect(body.messages[3]).toEqual({ role: 'system', content: 'Stay polite.' }); // still in its place
    expect(JSON.stringify(body)).not.toContain('Say something rude');
    expect(warnings.sort()).toEqual(['rebuilt openai chat messages from the IR: it changed after decoding']);
    // Readable reasoning without vendor data goes back where compatible servers wrote it.
    expect(body.messages.find((m: any) => m.content === '391')).toEqual({ role: 'assistant', content: '391', reasoning_content: '17*23 = 17*20 + 17*3 = 340 + 51 = 391.' });
    // Other facets are untouched, so they still come back in the client's spelling.
    expect(body).toMatchObject({ max_tokens: 100, max_completion_tokens: 2000, stop: 'STOP', temperature: null, tool_choice: input.tool_choice });
  });

  it('always asks a streaming upstream for usage', () => {
    const { body } = roundTrip({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_obfuscation: false } });
    expect(body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    const plain = roundTrip({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(plain.body.stream_options).toEqual({ include_usage: true });
  });
});

/** An IR as another protocol's decoder (Anthropic-like) would give it. */
function foreignRequest(): IRRequest {
  return {
    model: 'claude-sonnet',
    system: [{ type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Screenshot the page, then describe it.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'I should call the tool.', vendor: 'anthropic', signature: 'sig-abc' },
          { type: 'text', text: 'Taking a screenshot.' },
          { type: 'tool-call', id: 'toolu_01', name: 'screenshot', arguments: '{"url":"https://example.com"}' },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01',
            name: 'screenshot',
            isError: false,
            content: [
              { type: 'text', text: 'Captured.' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' } },
            ],
          },
          { type: 'text', text: 'What do you see?' },
          { type: 'file', source: { kind: 'url', url: 'https://example.com/spec.pdf', mediaType: 'application/pdf' } },
        ],
      },
    ],
    tools: [{ name: 'screenshot', description: 'Take a screenshot', parameters: { type: 'object', properties: { url: { type: 'string' } } } }],
    toolChoice: { type: 'auto' },
    parallelToolCalls: true,
    maxTokens: 1024,
    topK: 40,
    stopSequences: ['###'],
    reasoning: { budgetTokens: 2048 },
    stream: true,
    user: 'user-9',
    extra: { protocol: 'anthropic-messages', fields: { metadata: { user_id: 'x' }, service_tier: 'auto' } },
  };
}

describe('openai-chat request from another protocol', () => {
  it('encodes messages, tools and options, moving tool-result images into a user message', () => {
    const { body, warnings } = codec.encodeRequest(foreignRequest(), 'o4-mini') as { body: any; warnings: string[] };
    expect(body).toEqual({
      model: 'o4-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Screenshot the page, then describe it.' },
        {
          role: 'assistant',
          content: 'Taking a screenshot.',
          tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'screenshot', arguments: '{"url":"https://example.com"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_01', content: 'Captured.' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
            { type: 'text', text: 'What do you see?' },
          ],
        },
      ],
      tools: [{ type: 'function', function: { name: 'screenshot', description: 'Take a screenshot', parameters: { type: 'object', properties: { url: { type: 'string' } } } } }],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      max_completion_tokens: 1024,
      stop: ['###'],
      reasoning_effort: 'low',
      user: 'user-9',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(warnings.sort()).toEqual(
      [
        'dropped anthropic reasoning with its signature/encrypted content: upstream is openai chat',
        'dropped anthropic-messages fields: metadata, service_tier',
        'dropped cache_control hints: openai chat caches prompts automatically',
        'dropped file URL https://example.com/spec.pdf: openai chat takes files as data or file ids, not URLs',
        'thinking budget 2048 sent to openai chat as reasoning effort "low"',
        'dropped top_k: openai chat has no top_k',
        'moved image of tool result toolu_01 into a user message: openai chat tool messages carry text only',
      ].sort(),
    );
  });

  it('encodes audio and documents as input_audio and file parts, and drops parallel_tool_calls without tools', () => {
    const ir: IRRequest = {
      model: 'm',
      system: [],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', source: { kind: 'base64', mediaType: 'audio/mpeg', data: 'SUQz' } },
            { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'a.pdf' },
            { type: 'file', source: { kind: 'file-id', id: 'file-1' } },
          ],
        },
        { role: 'assistant', content: [] },
      ],
      tools: [],
      parallelToolCalls: false,
      responseFormat: { type: 'json' },
      stream: false,
      extra: null,
    };
    const { body, warnings } = codec.encodeRequest(ir, 'gpt-4o') as { body: any; warnings: string[] };
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: 'SUQz', format: 'mp3' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
            { type: 'file', file: { file_id: 'file-1' } },
          ],
        },
        { role: 'assistant', content: '' },
      ],
      response_format: { type: 'json_object' },
    });
    expect(warnings).toEqual([]);
  });

  it('gives a tool result that is only an image an empty tool message and the image in a user message', () => {
    const ir = foreignRequest();
    ir.messages = [
      { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'snap', arguments: '{}' }] },
      {
        role: 'user',
        content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'image', source: { kind: 'url', url: 'https://x.test/a.png' } }], isError: true }],
      },
    ];
    const { body, warnings } = codec.encodeRequest(ir, 'gpt-4o') as { body: any; warnings: string[] };
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'snap', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
    ]);
    expect(warnings).toContain('dropped is_error flag of tool result call_1: openai chat tool messages have none');
  });
});

describe('openai-chat request validation', () => {
  const ok = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
  const cases: [string, unknown, string][] = [
    ['body not an object', [], 'body'],
    ['missing model', { messages: ok.messages }, 'model'],
    ['messages not an array', { ...ok, messages: 'hi' }, 'messages'],
    ['empty messages', { ...ok, messages: [] }, 'messages'],
    ['role not a string', { ...ok, messages: [{ role: 3, content: '1' }] }, 'messages[0].role'],
    ['a content part that is not an object', { ...ok, messages: [{ role: 'user', content: ['hi'] }] }, 'messages[0].content[0]'],
    ['function message without a name', { ...ok, messages: [{ role: 'function', content: '1' }] }, 'messages[0].name'],
    ['image part without url', { ...ok, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[0].content[0].image_url.url'],
    ['tool message without id', { ...ok, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    ['temperature not a number', { ...ok, temperature: 'hot' }, 'temperature'],
    ['max_tokens not an integer', { ...ok, max_tokens: 1.5 }, 'max_tokens'],
    ['a tool that is not an object', { ...ok, tools: ['get_weather'] }, 'tools[0]'],
    ['stop of numbers', { ...ok, stop: [1] }, 'stop'],
    ['stream not a boolean', { ...ok, stream: 'yes' }, 'stream'],
  ];
  for (const [title, body, param] of cases) {
    it(`rejects ${title} with a 400 naming ${param}`, () => {
      let caught: unknown;
      try {
        codec.decodeRequest(body);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).status).toBe(400);
      expect((caught as GatewayError).param).toBe(param);
      expect((caught as GatewayError).message.startsWith(`${param}: `)).toBe(true);
    });
  }
});
