// Requests: Responses body -> IR -> Responses body, shorthand forms, stateless refusals,
// and what an IR from another protocol loses on the way to a Responses upstream.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/protocols/errors.js';
import type { IRRequest } from '../../../src/translate/ir.js';
import { openaiResponsesCodec as codec } from '../../../src/translate/openai-responses/index.js';
import { fixtureJson } from './helpers.js';

function roundTrip(body: unknown): unknown {
  const ir = codec.decodeRequest(body);
  const { body: out, warnings } = codec.encodeRequest(ir, (body as { model: string }).model);
  expect(warnings).toEqual([]);
  return out;
}

function badRequest(body: unknown): GatewayError {
  try {
    codec.decodeRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected decodeRequest to throw');
}

describe('openai-responses request round trip', () => {
  it('is lossless for the full request fixture, unknown and null fields included', () => {
    const body = fixtureJson('openai-request-full.1.json');
    expect(roundTrip(body)).toEqual(body);
  });

  it('maps the fixture onto the IR', () => {
    const ir = codec.decodeRequest(fixtureJson('openai-request-full.1.json'));
    expect(ir.system).toEqual([{ type: 'text', text: 'You are a terse weather assistant.' }]);
    expect(ir.messages.map((m) => [m.role, m.content.map((p) => p.type)])).toEqual([
      ['user', ['text', 'image', 'image', 'image', 'file', 'file', 'file']],
      ['assistant', ['reasoning', 'reasoning', 'text', 'tool-call', 'tool-call']],
      ['user', ['tool-result', 'tool-result']],
      ['user', ['text']],
      ['assistant', ['reasoning', 'text', 'text']],
      ['user', ['text']],
    ]);
    const [first] = ir.messages;
    expect(first!.content[1]).toMatchObject({ type: 'image', source: { kind: 'base64', mediaType: 'image/png' }, detail: 'low' });
    expect(first!.content[2]).toEqual({ type: 'image', source: { kind: 'url', url: 'https://example.com/paris.jpg' } });
    expect(first!.content[3]).toEqual({ type: 'image', source: { kind: 'file-id', id: 'file-6F2ksmvXxt4VdoqmHRw6kL' }, detail: 'high' });
    expect(first!.content[4]).toEqual({
      type: 'file',
      source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0xLjQKJcfsj6IK' },
      filename: 'forecast.pdf',
    });
    const reasoning = ir.messages[1]!.content.slice(0, 2);
    expect(reasoning).toEqual([
      { type: 'reasoning', text: expect.stringContaining('Planning'), vendor: 'openai', itemId: 'rs_68c1f0a6f7188190fcd0b4e6c7a8f9b0132c3d4e5f607182' },
      {
        type: 'reasoning',
        text: expect.stringContaining('Calling tools'),
        vendor: 'openai',
        itemId: 'rs_68c1f0a6f7188190fcd0b4e6c7a8f9b0132c3d4e5f607182',
        encrypted: 'gAAAAABowfCkZmFrZS1lbmNyeXB0ZWQtcmVhc29uaW5nLWZvci10ZXN0cw==',
      },
    ]);
    expect(ir.messages[2]!.content[1]).toEqual({
      type: 'tool-result',
      toolCallId: 'call_Hk7PzQw2nM5tJ8vL1xBc9dRf',
      content: [
        { type: 'text', text: '14:05, and the clock face:' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQ==' } },
      ],
    });
    expect(ir.tools.map((t) => [t.name, t.strict])).toEqual([
      ['get_weather', true],
      ['get_time', false],
    ]);
    expect(ir.toolChoice).toEqual({ type: 'auto' });
    expect(ir.responseFormat).toMatchObject({ type: 'json-schema', name: 'forecast', strict: true, description: 'A short forecast.' });
    expect(ir.reasoning).toEqual({ effort: 'high', summary: 'auto' });
    expect(ir).toMatchObject({ maxTokens: 2048, topP: 0.9, parallelToolCalls: true, stream: true, user: 'user-1234' });
    expect(ir.temperature).toBeUndefined();
    expect(ir.extra).toEqual({
      protocol: 'openai-responses',
      // Real losses for another protocol.
      fields: {
        include: ['reasoning.encrypted_content'],
        metadata: { app: 'switchboard-tests' },
        service_tier: 'auto',
        truncation: 'auto',
        prompt_cache_key: 'weather-v1',
        safety_identifier: 'sid-42',
      },
      // For the round trip only; what the leftovers of mapped fields hold is named in `lost`.
      replay: {
        // the client's whole tool list, since it holds a hosted tool
        tools: (fixtureJson('openai-request-full.1.json') as { tools: unknown }).tools,
        text: { verbosity: 'low' },
        store: false,
        temperature: null,
      },
      lost: ['web_search tool in tools[2]', 'text.verbosity'],
    });
  });

  it.each([
    ['forced function tool choice and json_object', { tool_choice: { type: 'function', name: 'f' }, text: { format: { type: 'json_object' } } }],
    ['text format and a hosted tool choice', { tool_choice: { type: 'web_search_preview' }, text: { format: { type: 'text' } } }],
    ['allowed_tools choice and reasoning extras', { tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] }, reasoning: { effort: 'minimal', generate_summary: 'concise' } }],
    ['effort none, empty text object', { reasoning: { effort: 'none' }, text: {} }],
    ['store true is carried, not acted on', { store: true, background: false }],
    ['only hosted tools', { tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }], tool_choice: 'required' }],
    ['nulls for mapped fields', { tools: null, instructions: null, reasoning: null, max_output_tokens: null, user: null }],
  ])('is lossless with %s', (_name, fields) => {
    const body = {
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      ...fields,
    };
    expect(roundTrip(body)).toEqual(body);
  });
});

describe('openai-responses request shorthand forms', () => {
  it('reads a string input, string content, bare role items and developer messages, and gives them back as sent', () => {
    const input = [
      { role: 'developer', content: 'Answer in French.' },
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'bonjour' },
      { role: 'system', content: [{ type: 'input_text', text: 'Be brief.' }] },
      { role: 'user', content: 'again' },
    ];
    const ir = codec.decodeRequest({ model: 'gpt-5', input: structuredClone(input), instructions: 'You are helpful.' });
    // Instructions ahead of the first turn are the request's system; a later system item keeps its place.
    expect(ir.system.map((p) => p.text)).toEqual(['You are helpful.', 'Answer in French.']);
    expect(ir.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'system', 'user']);
    expect(ir.messages[2]).toEqual({ role: 'system', clientRole: 'system', content: [{ type: 'text', text: 'Be brief.' }] });
    expect(codec.encodeRequest(ir, 'gpt-5-upstream').body).toEqual({ model: 'gpt-5-upstream', instructions: 'You are helpful.', input });
    // Without the client's spelling (as from another protocol) the items are written out in full, the system item in place.
    expect(codec.encodeRequest({ ...ir, extra: null }, 'gpt-5-upstream').body).toEqual({
      model: 'gpt-5-upstream',
      instructions: 'You are helpful.\n\nAnswer in French.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'bonjour' }] },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Be brief.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] },
      ],
      store: false,
    });
    const simple = codec.decodeRequest({ model: 'gpt-5', input: 'just text', stream: false });
    expect(simple.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'just text' }] }]);
    expect(simple.extra).toEqual({ protocol: 'openai-responses', fields: {}, replay: { input: 'just text' } });
    // `stream: false` is the default and is written as absent.
    expect(codec.encodeRequest(simple, 'gpt-5').body).toEqual({ model: 'gpt-5', input: 'just text' });
  });

  it('reads an absent strict as the Responses default (true) and a refusal as text', () => {
    const ir = codec.decodeRequest({
      model: 'gpt-5',
      input: [{ type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] }],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
    });
    expect(ir.tools[0]!.strict).toBe(true);
    expect(ir.messages[0]!.content).toEqual([{ type: 'text', text: 'No.' }]);
  });
});

describe('openai-responses request validation', () => {
  it.each([
    ['previous_response_id', { previous_response_id: 'resp_123' }],
    ['previous_response_id', { previous_response_id: null }],
    ['conversation', { conversation: 'conv_123' }],
  ])('refuses %s: the codec is stateless (the gateway expands stored responses first)', (field, extra) => {
    const err = badRequest({ model: 'gpt-5', input: 'hi', ...extra });
    expect(err.status).toBe(400);
    expect(err.param).toBe(field);
    expect(err.message).toBe(`${field}: not supported here: send the whole conversation in \`input\``);
  });

  it.each([
    ['model', { input: 'hi' }],
    ['input', { model: 'm', input: 42 }],
    ['input[0].type', { model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }],
    ['input[0].call_id', { model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }],
    ['input[0].role', { model: 'm', input: [{ type: 'message', role: 7, content: 'x' }] }],
    ['input[0].content', { model: 'm', input: [{ type: 'message', role: 'user', content: 7 }] }],
    ['input[1].output', { model: 'm', input: [{ role: 'user', content: 'x' }, { type: 'function_call_output', call_id: 'c', output: 3 }] }],
    ['input[0].summary[0].text', { model: 'm', input: [{ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text' }] }] }],
    ['tools[0].type', { model: 'm', input: 'hi', tools: [{ name: 'f' }] }],
    ['tools[0].name', { model: 'm', input: 'hi', tools: [{ type: 'function' }] }],
    ['temperature', { model: 'm', input: 'hi', temperature: 'hot' }],
    ['stream', { model: 'm', input: 'hi', stream: 'yes' }],
    ['text.format', { model: 'm', input: 'hi', text: { format: { type: 'json_schema' } } }],
  ])('names %s in its 400', (param, body) => {
    const err = badRequest(body);
    expect(err.code).toBe('SB_ERR_BAD_REQUEST');
    expect(err.param).toBe(param);
    expect(err.message.startsWith(`${param}: `)).toBe(true);
  });

  it('refuses a body that is not an object', () => {
    expect(badRequest([1, 2]).status).toBe(400);
  });
});

describe('openai-responses request: what the IR cannot hold is left out and named, never refused', () => {
  const input = [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] },
    { type: 'computer_call', call_id: 'cc_1', action: { type: 'screenshot' } },
    { type: 'computer_call_output', call_id: 'cc_1', output: { type: 'computer_screenshot', image_url: 'data:image/png;base64,AAAA' } },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }, { type: 'input_image', image_url: 'https://x.test/a.png' }] },
    { type: 'message', role: 'critic', content: 'be kinder' },
    { type: 'reasoning', summary: [], encrypted_content: 'gAAAA-no-id' },
    { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'ok' }, { type: 'output_audio', data: 'AAAA' }] },
    { type: 'message', role: 'user', content: 'again' },
  ];
  const body = { model: 'gpt-5', input };

  it('decodes the rest and names each item, role and part it left out', () => {
    const ir = codec.decodeRequest(structuredClone(body));
    expect(ir.messages.map((m) => [m.role, m.content.map((p) => p.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['text', 'reasoning']],
      ['user', ['tool-result']],
      ['user', ['text']],
    ]);
    expect(ir.messages[1]!.content[1]).toEqual({ type: 'reasoning', text: '', vendor: 'openai', encrypted: 'gAAAA-no-id' });
    expect(ir.extra!.lost).toEqual([
      'input_audio part in input[0].content[1]',
      'computer_call item in input[1]',
      'computer_call_output item in input[2]',
      'input_image part in input[3].content[1]',
      'critic message in input[4]',
      'output_audio part in input[6].output[1]',
    ]);
  });

  it('gives a Responses upstream the input as it came', () => {
    expect(roundTrip(structuredClone(body))).toEqual(body);
  });
});

describe('openai-responses request from another protocol', () => {
  const ir: IRRequest = {
    model: 'claude-sonnet',
    system: [
      { type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } },
      { type: 'text', text: 'Use metric units.' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need the tool.', vendor: 'anthropic', signature: 'sig-anthropic' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01A',
            name: 'get_weather',
            isError: true,
            content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }],
          },
          { type: 'text', text: 'Well?' },
        ],
      },
    ],
    tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    toolChoice: { type: 'tool', name: 'get_weather' },
    maxTokens: 1024,
    topK: 40,
    stopSequences: ['END'],
    seed: 7,
    responseFormat: { type: 'json' },
    reasoning: { budgetTokens: 2048, includeThoughts: true },
    stream: false,
    user: 'u-1',
    extra: { protocol: 'anthropic-messages', fields: { service_tier: 'auto', container: 'c1' } },
  };

  it('encodes what maps and warns about the rest', () => {
    const { body, warnings } = codec.encodeRequest(ir, 'gpt-5');
    expect(body).toEqual({
      model: 'gpt-5',
      instructions: 'Be brief.\n\nUse metric units.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'toolu_01A', output: [{ type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Well?' }] },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: ir.tools[0]!.parameters, strict: false }],
      tool_choice: { type: 'function', name: 'get_weather' },
      max_output_tokens: 1024,
      text: { format: { type: 'json_object' } },
      reasoning: { effort: 'low', summary: 'auto' },
      user: 'u-1',
      store: false,
    });
    expect(warnings).toEqual([
      'dropped system cache_control: openai-responses has no prompt-cache hints',
      'dropped anthropic reasoning: upstream is openai-responses',
      'dropped tool-result error flag: openai-responses function_call_output has none',
      'dropped top_k: openai-responses has no top_k',
      'dropped stop sequences: openai-responses has no stop parameter',
      'dropped seed: openai-responses has no seed',
      'thinking budget 2048 sent to openai-responses as reasoning effort "low"',
      'dropped anthropic-messages fields: service_tier, container',
    ]);
  });

  it('keeps OpenAI reasoning from another protocol and sends stream only when asked', () => {
    const { body, warnings } = codec.encodeRequest(
      {
        ...ir,
        system: [],
        messages: [{ role: 'assistant', content: [{ type: 'reasoning', text: '', vendor: 'openai', itemId: 'rs_1', encrypted: 'enc' }] }],
        tools: [],
        toolChoice: undefined,
        topK: undefined,
        stopSequences: undefined,
        seed: undefined,
        reasoning: { effort: 'low' },
        stream: true,
        extra: null,
      },
      'o4-mini',
    );
    expect(body).toMatchObject({
      input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc' }],
      reasoning: { effort: 'low' },
      stream: true,
    });
    expect(warnings).toEqual([]);
  });
});
