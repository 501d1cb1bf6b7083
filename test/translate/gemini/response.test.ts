import { FinishReason } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import type { IRRequest, IRResponse } from '../../../src/translate/ir.js';
import { geminiCodec } from '../../../src/translate/gemini/index.js';
import { fixture, sdkFor, serve, type TinyServer } from './helpers.js';

const request: IRRequest = { model: 'gemini-public', system: [], messages: [], tools: [], stream: false, extra: null };

describe('gemini response: decode', () => {
  it('text with cached prompt tokens taken out of the input', () => {
    const res = geminiCodec.decodeResponse(fixture('gemini-response-text.1.json'));
    expect(res).toMatchObject({
      id: 'Jj8waJ3yC5KWz7IP0ZGZ2Ag',
      model: 'gemini-2.0-flash',
      content: [{ type: 'text', text: 'Paris is the capital of France.' }],
      finish: { unified: 'stop', raw: 'STOP' },
      usage: { inputTokens: 59, cacheReadTokens: 2048, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 0 },
    });
    expect(typeof res.created).toBe('number');
  });

  it('parallel function calls without ids: deterministic ids, finish STOP read as tool calls', () => {
    const res = geminiCodec.decodeResponse(fixture('gemini-response-tools.1.json'));
    expect(res.content).toEqual([
      { type: 'tool-call', id: 'call_gemini_toolsresp1_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'call_gemini_toolsresp1_1', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    expect(res.finish).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    // decoding again gives the same ids
    expect(geminiCodec.decodeResponse(fixture('gemini-response-tools.1.json')).content).toEqual(res.content);
  });

  it('thoughts with the signature Gemini put on the answer part; thoughts count as output', () => {
    const res = geminiCodec.decodeResponse(fixture('gemini-response-reasoning.1.json'));
    expect(res.content).toEqual([
      {
        type: 'reasoning',
        text: '**Adding numbers**\n\nTwo plus two is four.',
        vendor: 'gemini',
        signature: 'CiQB0e2Kb9Y6i0bqlGZ3ZkJmZmFrZS1zaWduYXR1cmU=',
      },
      { type: 'text', text: '2 + 2 = 4.' },
    ]);
    expect(res.usage).toEqual({ inputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 123, reasoningTokens: 116 });
  });

  it.each([
    ['gemini-response-max-tokens.1.json', { unified: 'length', raw: 'MAX_TOKENS' }, 1],
    ['gemini-response-safety.1.json', { unified: 'content-filter', raw: 'SAFETY' }, 0],
    ['gemini-response-blocked.1.json', { unified: 'content-filter', raw: 'PROHIBITED_CONTENT' }, 0],
    ['gemini-response-empty.1.json', { unified: 'stop', raw: 'STOP' }, 0],
    ['gemini-response-malformed-call.1.json', { unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' }, 0],
  ])('%s finishes %o with %i parts', (name, finish, parts) => {
    const res = geminiCodec.decodeResponse(fixture(name));
    expect(res.finish).toEqual(finish);
    expect(res.content).toHaveLength(parts);
  });

  it('skips what it cannot read instead of failing the answer', () => {
    const res = geminiCodec.decodeResponse({
      candidates: [{ content: { parts: [{ text: 42 }, { executableCode: { code: 'x' } }, { text: 'ok' }] }, finishReason: 'OTHER' }],
    });
    expect(res.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(res.finish).toEqual({ unified: 'other', raw: 'OTHER' });
    expect(res.usage.inputTokens).toBe(0);
  });

  it('gives a Gemini answer back as it came (parts, signature position, usage)', () => {
    const body = fixture('gemini-response-reasoning.1.json');
    const encoded = geminiCodec.encodeResponse(geminiCodec.decodeResponse(body), request) as any;
    expect(encoded.candidates[0].content).toEqual(body.candidates[0].content);
    expect(encoded.candidates[0].finishReason).toBe('STOP');
    expect(encoded.usageMetadata).toEqual({ promptTokenCount: 9, candidatesTokenCount: 7, thoughtsTokenCount: 116, totalTokenCount: 132 });
    const text = geminiCodec.encodeResponse(geminiCodec.decodeResponse(fixture('gemini-response-text.1.json')), request) as any;
    expect(text.usageMetadata).toEqual({ promptTokenCount: 2107, cachedContentTokenCount: 2048, candidatesTokenCount: 7, totalTokenCount: 2114 });
  });
});

describe('gemini response: encode, read by @google/genai', () => {
  let server: TinyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const answer: IRResponse = {
    id: 'msg_01XYZ',
    model: 'claude-sonnet-4-20250514',
    content: [
      { type: 'reasoning', text: 'Let me think.', vendor: 'anthropic', signature: 'EqQBCkYIBxgC' },
      { type: 'text', text: 'Calling tools.' },
      { type: 'tool-call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'toolu_02', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ],
    finish: { unified: 'tool-calls', raw: 'tool_use' },
    usage: { inputTokens: 13, cacheReadTokens: 4, cacheWriteTokens: 5, outputTokens: 9, reasoningTokens: 3 },
    created: 1_760_000_000,
  };

  it('text, thoughts, function calls, finish and usage', async () => {
    const body = JSON.stringify(geminiCodec.encodeResponse(answer, request));
    server = await serve(() => ({ status: 200, contentType: 'application/json', body }));
    const res = await sdkFor(server.url).models.generateContent({ model: 'gemini-public', contents: 'hi' });
    expect(server.paths).toEqual(['/v1beta/models/gemini-public:generateContent']);
    expect(res.text).toBe('Calling tools.');
    expect(res.functionCalls).toEqual([
      { id: 'toolu_01', name: 'get_weather', args: { city: 'Paris' } },
      { id: 'toolu_02', name: 'get_time', args: { timezone: 'Europe/Paris' } },
    ]);
    const parts = res.candidates![0]!.content!.parts!;
    expect(parts[0]).toEqual({ text: 'Let me think.', thought: true }); // shown, signature dropped
    expect(res.candidates![0]!.finishReason).toBe(FinishReason.STOP);
    expect(res.modelVersion).toBe('gemini-public');
    expect(res.responseId).toBe('msg_01XYZ');
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: 22,
      cachedContentTokenCount: 4,
      candidatesTokenCount: 6,
      thoughtsTokenCount: 3,
      totalTokenCount: 31,
    });
  });

  it.each([
    [{ unified: 'length', raw: 'max_tokens' }, FinishReason.MAX_TOKENS],
    [{ unified: 'content-filter', raw: 'refusal' }, FinishReason.SAFETY],
    [{ unified: 'other', raw: 'pause_turn' }, FinishReason.OTHER],
    [{ unified: 'content-filter', raw: 'RECITATION' }, FinishReason.RECITATION],
  ] as const)('finish %o reads as %s', async (finish, expected) => {
    const body = JSON.stringify(geminiCodec.encodeResponse({ ...answer, content: [{ type: 'text', text: 'x' }], finish }, request));
    server = await serve(() => ({ status: 200, contentType: 'application/json', body }));
    const res = await sdkFor(server.url).models.generateContent({ model: 'm', contents: 'hi' });
    expect(res.candidates![0]!.finishReason).toBe(expected);
  });

  it('an empty answer', async () => {
    const body = JSON.stringify(geminiCodec.encodeResponse({ ...answer, content: [], finish: { unified: 'stop', raw: 'end_turn' } }, request));
    server = await serve(() => ({ status: 200, contentType: 'application/json', body }));
    const res = await sdkFor(server.url).models.generateContent({ model: 'm', contents: 'hi' });
    expect(res.text).toBeUndefined();
    expect(res.functionCalls).toBeUndefined();
    expect(res.candidates![0]!.finishReason).toBe(FinishReason.STOP);
  });
});
