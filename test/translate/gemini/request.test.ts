import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/protocols/errors.js';
import type { IRRequest } from '../../../src/translate/ir.js';
import type { GeminiRequest } from '../../../src/translate/gemini/gemini-wire.js';
import { geminiCodec, LAYOUT_FIELD, SKIP_THOUGHT_SIGNATURE } from '../../../src/translate/gemini/index.js';

function encode(ir: IRRequest, model: string): { body: GeminiRequest; warnings: string[] } {
  const { body, warnings } = geminiCodec.encodeRequest(ir, model);
  return { body: body as GeminiRequest, warnings };
}
import { fixture } from './helpers.js';

const hints = { model: 'gemini-2.5-flash', stream: false };

function badRequestOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('gemini request: same-protocol round trip', () => {
  for (const name of ['gemini-request-chat.1.json', 'gemini-request-tools.1.json']) {
    it(`${name} comes back deep-equal, unknown fields included`, () => {
      const body = fixture(name);
      const ir = geminiCodec.decodeRequest(structuredClone(body), hints);
      const { body: encoded, warnings } = geminiCodec.encodeRequest(ir, 'gemini-2.5-flash');
      expect(encoded).toEqual(body);
      expect(warnings).toEqual([]);
    });
  }

  it('round-trips through JSON (the IR may be stored or sent between processes)', () => {
    const body = fixture('gemini-request-tools.1.json');
    const ir = JSON.parse(JSON.stringify(geminiCodec.decodeRequest(body, hints))) as IRRequest;
    expect(geminiCodec.encodeRequest(ir, 'gemini-3-pro-preview').body).toEqual(body);
  });
});

describe('gemini request: decode', () => {
  it('maps contents, media, system, generation config and keeps the rest in extra', () => {
    const ir = geminiCodec.decodeRequest(fixture('gemini-request-chat.1.json'), { model: 'models/gemini-2.5-flash', stream: true });
    expect(ir.model).toBe('gemini-2.5-flash');
    expect(ir.stream).toBe(true);
    expect(ir.system).toEqual([
      { type: 'text', text: 'You describe images.' },
      { type: 'text', text: 'Be brief.' },
    ]);
    expect(ir.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(ir.messages[0]!.content).toEqual([
      { type: 'text', text: 'What is in this picture? Answer as JSON.' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: expect.any(String) } },
      {
        type: 'file',
        source: { kind: 'file-id', id: 'https://generativelanguage.googleapis.com/v1beta/files/abc123xyz', mediaType: 'application/pdf' },
      },
    ]);
    expect(ir.messages[2]!.content[1]).toEqual({ type: 'file', source: { kind: 'url', url: 'https://www.youtube.com/watch?v=9hE5-98ZeCg' } });
    expect(ir).toMatchObject({ temperature: 0.4, topP: 0.9, topK: 32, maxTokens: 256, stopSequences: ['END'], seed: 7 });
    expect(ir.responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema: {
        type: 'object',
        properties: { object: { type: ['string', 'null'] } },
        required: ['object'],
        propertyOrdering: ['object'],
      },
    });
    expect(ir.reasoning).toEqual({ budgetTokens: 1024, includeThoughts: true });
    expect(ir.extra?.protocol).toBe('gemini');
    expect(ir.extra?.fields).toMatchObject({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
      cachedContent: 'cachedContents/abc-123',
      labels: { team: 'vision' },
      generationConfig: { candidateCount: 1, presencePenalty: 0.1 },
    });
  });

  it('gives function calls without ids deterministic ids and pairs results by name and order', () => {
    const ir = geminiCodec.decodeRequest(fixture('gemini-request-tools.1.json'), hints);
    expect(ir.messages[1]!.content).toEqual([
      {
        type: 'reasoning',
        text: 'I should look up the weather and the time.',
        vendor: 'gemini',
        signature: 'Q2lJQjF5Ykw2dXdzZ0ZzaWduYXR1cmU=',
      },
      { type: 'tool-call', id: 'call_gemini_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'call_gemini_1', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    expect(ir.messages[2]!.content).toEqual([
      { type: 'tool-result', toolCallId: 'call_gemini_0', name: 'get_weather', content: [{ type: 'text', text: '18°C, light rain' }] },
      { type: 'tool-result', toolCallId: 'call_gemini_1', name: 'get_time', content: [{ type: 'text', text: '{"time":"14:05","dst":true}' }] },
    ]);
    // code execution parts have no IR form: the turn keeps only the call
    expect(ir.messages[3]!.content).toEqual([{ type: 'tool-call', id: 'fc_7f3a', name: 'render_chart', arguments: '{"kind":"bar"}' }]);
    expect(ir.messages[4]!.content).toEqual([
      {
        type: 'tool-result',
        toolCallId: 'fc_7f3a',
        name: 'render_chart',
        isError: true,
        content: [
          { type: 'text', text: 'renderer offline' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: expect.any(String) } },
        ],
      },
    ]);
    expect(ir.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather for a city.',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } }, additionalProperties: false } },
      { name: 'render_chart', description: 'Draws a chart.', parameters: { type: 'object', properties: {} } },
    ]);
    expect(ir.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(ir.reasoning).toEqual({ effort: 'high', includeThoughts: true });
    expect(ir.extra?.fields).toEqual({ toolConfig: { retrievalConfig: { languageCode: 'en' } } });
    expect(ir.extra?.replay?.[LAYOUT_FIELD]).toMatchObject({
      tools: [{ functions: 3 }, { functions: 0, rest: { codeExecution: {} } }, { functions: 0, rest: { googleSearch: {} } }],
    });
    expect(ir.extra?.lost).toEqual([
      'executableCode part in contents[3].parts[0]',
      'codeExecutionResult part in contents[3].parts[1]',
      'behavior in tools[0].functionDeclarations[2]',
      'codeExecution tool in tools[1]',
      'googleSearch tool in tools[2]',
    ]);
  });

  it('pairs results answered out of order, and repeated names first to first', () => {
    const ir = geminiCodec.decodeRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'go' }] },
          {
            role: 'model',
            parts: [
              { functionCall: { name: 'lookup', args: { q: 'a' } } },
              { functionCall: { name: 'clock', args: {} } },
              { functionCall: { name: 'lookup', args: { q: 'b' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'clock', response: { output: 'noon' } } },
              { functionResponse: { name: 'lookup', response: { output: 'A' } } },
              { functionResponse: { name: 'lookup', response: { output: 'B' } } },
              { functionResponse: { name: 'stray', response: { output: '?' } } },
            ],
          },
        ],
      },
      hints,
    );
    const ids = ir.messages[2]!.content.map((p) => (p.type === 'tool-result' ? p.toolCallId : null));
    expect(ids).toEqual(['call_gemini_1', 'call_gemini_0', 'call_gemini_2', 'call_gemini_result_0']);
  });

  it('reads the REST snake_case spelling the same as the JSON names', () => {
    const ir = geminiCodec.decodeRequest(fixture('gemini-request-rest.1.json'), hints);
    expect(ir.system).toEqual([{ type: 'text', text: 'You are a cat.' }]);
    expect(ir.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hello' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQ==' } },
        ],
      },
    ]);
    expect(ir.tools).toEqual([{ name: 'purr', parameters: { type: 'object' } }]);
    expect(ir.toolChoice).toEqual({ type: 'auto' });
    expect(ir).toMatchObject({ maxTokens: 100, stopSequences: ['meow'], responseFormat: { type: 'text' }, reasoning: { disabled: true } });
    expect(ir.extra).toEqual({
      protocol: 'gemini',
      fields: { safety_settings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }] },
      replay: { [LAYOUT_FIELD]: { roles: { 0: null } } },
    });
    // and encodes back in the JSON names, without a role where there was none
    const { body } = geminiCodec.encodeRequest(ir, 'gemini-2.5-flash');
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'You are a cat.' }] },
      contents: [{ parts: [{ text: 'Hello' }, { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQ==' } }] }],
      tools: [{ functionDeclarations: [{ name: 'purr', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: { maxOutputTokens: 100, stopSequences: ['meow'], responseMimeType: 'text/plain', thinkingConfig: { thinkingBudget: 0 } },
      safety_settings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
    });
  });

  it('reads a dynamic thinking budget as adaptive thinking, and keeps unknown modes as Gemini-only settings', () => {
    const body = {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      toolConfig: { functionCallingConfig: { mode: 'VALIDATED' } },
      generationConfig: { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] }, thinkingConfig: { thinkingBudget: -1 } },
    };
    const ir = geminiCodec.decodeRequest(structuredClone(body), hints);
    expect(ir.toolChoice).toBeUndefined();
    expect(ir.responseFormat).toBeUndefined();
    expect(ir.reasoning).toEqual({ adaptive: true });
    expect(geminiCodec.encodeRequest(ir, 'gemini-2.5-flash').body).toEqual(body);
  });

  it('rejects bad input with a 400 naming the field', () => {
    expect(badRequestOf(() => geminiCodec.decodeRequest('nope', hints)).param).toBe('body');
    expect(badRequestOf(() => geminiCodec.decodeRequest({}, hints)).param).toBe('contents');
    expect(badRequestOf(() => geminiCodec.decodeRequest({ contents: [] }, hints)).message).toBe('contents: must not be empty');
    const e = badRequestOf(() => geminiCodec.decodeRequest({ contents: [{ role: 'user', parts: [{ text: 5 }] }] }, hints));
    expect(e.status).toBe(400);
    expect(e.code).toBe('SB_ERR_BAD_REQUEST');
    expect(e.param).toBe('contents[0].parts[0].text');
    expect(badRequestOf(() => geminiCodec.decodeRequest({ contents: [{ parts: [{ functionCall: { args: {} } }] }] }, hints)).param).toBe(
      'contents[0].parts[0].functionCall.name',
    );
    expect(
      badRequestOf(() => geminiCodec.decodeRequest({ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { maxOutputTokens: 'ten' } }, hints)).param,
    ).toBe('generationConfig.maxOutputTokens');
    expect(badRequestOf(() => geminiCodec.decodeRequest({ contents: [{ parts: [{ text: 'x' }] }] })).param).toBe('model');
  });
});

function foreignRequest(): IRRequest {
  return {
    model: 'claude-sonnet',
    system: [{ type: 'text', text: 'Be helpful.', cacheControl: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'high' },
          { type: 'image', source: { kind: 'url', url: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' } },
          { type: 'file', source: { kind: 'file-id', id: 'file-abc123' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Thinking in Claude.', vendor: 'anthropic', signature: 'EqQBCkYIBxgC' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool-call', id: 'call_gemini_r_1', name: 'get_time', arguments: '' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', toolCallId: 'toolu_01A', content: [{ type: 'text', text: '{"temp":18}' }] },
          { type: 'tool-result', toolCallId: 'call_gemini_r_1', name: 'get_time', content: [{ type: 'text', text: 'clock broken' }], isError: true },
        ],
      },
    ],
    tools: [{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }],
    toolChoice: { type: 'required' },
    parallelToolCalls: false,
    maxTokens: 512,
    responseFormat: { type: 'json-schema', name: 'weather', schema: { type: 'object' }, strict: true },
    reasoning: { effort: 'low' },
    stream: true,
    user: 'user-42',
    extra: { protocol: 'anthropic-messages', fields: { metadata: { foo: 1 }, service_tier: 'auto' } },
  };
}

describe('gemini request: encode from another protocol', () => {
  it('builds a Gemini body and names what it dropped', () => {
    const { body, warnings } = geminiCodec.encodeRequest(foreignRequest(), 'gemini-2.5-flash');
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be helpful.' }] },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Look:' },
            { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/cat.png' } },
            { inlineData: { mimeType: 'image/gif', data: 'R0lGODlhAQABAAAAACw=' } },
          ],
        },
        {
          role: 'model',
          parts: [
            { text: 'Checking.' },
            { functionCall: { id: 'toolu_01A', name: 'get_weather', args: { city: 'Paris' } } },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'toolu_01A', name: 'get_weather', response: { temp: 18 } } },
            { functionResponse: { name: 'get_time', response: { error: 'clock broken' } } },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather.', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: {
        maxOutputTokens: 512,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        thinkingConfig: { thinkingBudget: 2048 },
      },
    });
    expect(warnings).toEqual(
      expect.arrayContaining([
        'dropped cache_control: gemini has no prompt-cache hints',
        'dropped image detail: gemini has no detail setting',
        'dropped file file-abc123: not a Gemini file URI',
        'dropped anthropic reasoning signature: gemini cannot verify it',
        'dropped anthropic reasoning: upstream is gemini',
        'dropped parallel_tool_calls: gemini cannot turn off parallel function calls',
        'dropped user: gemini has no end-user field',
        'dropped anthropic-messages fields: metadata, service_tier',
      ]),
    );
    expect(warnings).toHaveLength(8);
  });

  it('for Gemini 3: names the effort as a level and lets foreign function calls skip the signature check', () => {
    const { body, warnings } = encode(foreignRequest(), 'gemini-3-pro-preview');
    expect(body.generationConfig?.thinkingConfig).toEqual({ thinkingLevel: 'low' });
    const calls = body.contents[1]!.parts!.filter((p) => p.functionCall);
    expect(calls[0]!.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE);
    expect(calls[1]!.thoughtSignature).toBeUndefined();
    expect(warnings).toContain('function calls from another model sent with the skip_thought_signature_validator signature');
  });

  it('puts a Gemini signature back on the part after its reasoning, and shows results with media', () => {
    const ir: IRRequest = {
      model: 'm',
      system: [],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', vendor: 'gemini', signature: 'sig-A' },
            { type: 'tool-call', id: 'call_1', name: 'snap', arguments: '{}' },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }],
            },
          ],
        },
      ],
      tools: [],
      stream: false,
      extra: null,
    };
    const { body, warnings } = encode(ir, 'gemini-3-flash-preview');
    expect(body.contents[1]!.parts).toEqual([{ functionCall: { id: 'call_1', name: 'snap', args: {} }, thoughtSignature: 'sig-A' }]);
    expect(body.contents[2]!.parts).toEqual([
      { functionResponse: { id: 'call_1', name: 'snap', response: { output: '' }, parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] } },
    ]);
    expect(warnings).toEqual([]);
  });
});
