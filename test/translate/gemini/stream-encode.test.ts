import { ApiError, FinishReason, type GenerateContentResponse } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import type { IREvent, IRRequest } from '../../../src/translate/ir.js';
import { responseToEvents } from '../../../src/translate/response-events.js';
import { geminiCodec } from '../../../src/translate/gemini/index.js';
import { assemble, decodeSse, fixtureText, sdkFor, serve, type TinyServer } from './helpers.js';

const request: IRRequest = { model: 'gemini-public', system: [], messages: [], tools: [], stream: true, extra: null };

function encode(events: IREvent[]): string {
  const encoder = geminiCodec.encodeStream(request);
  return events.map((e) => encoder.push(e)).join('') + encoder.end();
}

const usage = { inputTokens: 20, cacheReadTokens: 6, cacheWriteTokens: 0, outputTokens: 12, reasoningTokens: 4 };

const answerEvents: IREvent[] = [
  { type: 'response-start', id: 'resp-1', model: 'upstream-model', created: 1_760_000_000 },
  { type: 'reasoning-start', id: 'reasoning-0', vendor: 'gemini' },
  { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Weather and ' },
  { type: 'reasoning-delta', id: 'reasoning-0', delta: 'time.' },
  { type: 'reasoning-signature', id: 'reasoning-0', signature: 'sig-1' },
  { type: 'reasoning-end', id: 'reasoning-0' },
  { type: 'text-start', id: 'text-1' },
  { type: 'text-delta', id: 'text-1', delta: 'Let me ' },
  { type: 'text-delta', id: 'text-1', delta: 'check.' },
  { type: 'text-end', id: 'text-1' },
  { type: 'tool-call-start', id: 'tool-2', toolCallId: 'call_abc', name: 'get_weather' },
  { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '"Paris"}' },
  { type: 'tool-call-end', id: 'tool-2' },
  { type: 'tool-call-start', id: 'tool-3', toolCallId: 'call_gemini_r_1', name: 'get_time' },
  { type: 'tool-call-delta', id: 'tool-3', argumentsDelta: '{"timezone":"Europe/Paris"}' },
  { type: 'tool-call-end', id: 'tool-3' },
  { type: 'usage', usage: { inputTokens: 20, cacheReadTokens: 6 } },
  { type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
];

describe('gemini stream: encode', () => {
  let server: TinyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function sdkStream(sse: string): Promise<GenerateContentResponse[]> {
    server = await serve(() => ({ status: 200, contentType: 'text/event-stream', body: sse }));
    const stream = await sdkFor(server.url).models.generateContentStream({ model: 'gemini-public', contents: 'hi' });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(server.paths).toEqual(['/v1beta/models/gemini-public:streamGenerateContent?alt=sse']);
    return chunks;
  }

  it('is read by generateContentStream: text, thoughts, function calls, finish and usage on the last chunk', async () => {
    const sse = encode(answerEvents);
    expect(sse.split('\r\n\r\n').filter(Boolean).every((frame) => frame.startsWith('data: {'))).toBe(true);
    const chunks = await sdkStream(sse);
    const text = chunks.map((c) => c.text ?? '').join('');
    expect(text).toBe('Let me check.');
    const thoughts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []).filter((p) => p.thought);
    expect(thoughts.map((p) => p.text).join('')).toBe('Weather and time.');
    expect(chunks.flatMap((c) => c.functionCalls ?? [])).toEqual([
      { id: 'call_abc', name: 'get_weather', args: { city: 'Paris' } },
      { name: 'get_time', args: { timezone: 'Europe/Paris' } },
    ]);
    // the signature travels on the first part after the thoughts, where Gemini puts it
    const signed = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []).filter((p) => p.thoughtSignature);
    expect(signed).toEqual([{ text: 'Let me ', thoughtSignature: 'sig-1' }]);
    const last = chunks.at(-1)!;
    expect(last.candidates![0]!.finishReason).toBe(FinishReason.STOP);
    expect(last.usageMetadata).toMatchObject({
      promptTokenCount: 26,
      cachedContentTokenCount: 6,
      candidatesTokenCount: 8,
      thoughtsTokenCount: 4,
      totalTokenCount: 38,
    });
    expect(chunks.slice(0, -1).every((c) => c.usageMetadata === undefined && c.candidates![0]!.finishReason === undefined)).toBe(true);
    expect(last.responseId).toBe('resp-1');
    expect(last.modelVersion).toBe('gemini-public');
  });

  it('decodes back to the same answer (Gemini -> IR -> Gemini -> IR)', () => {
    for (const name of ['gemini-stream-tools.1.sse', 'gemini-stream-reasoning.1.sse', 'gemini-stream-text.1.sse']) {
      const first = assemble(decodeSse(fixtureText(name)));
      const again = assemble(decodeSse(encode(decodeSse(fixtureText(name)))));
      expect(again.parts).toEqual(first.parts);
      expect(again.finish.unified).toEqual(first.finish.unified);
      expect(again.usage).toEqual(first.usage);
    }
    // the encoder's own answer too
    // (a synthetic call id goes out without an id and comes back as this answer's own)
    expect(assemble(decodeSse(encode(answerEvents))).parts).toEqual([
      { type: 'reasoning', text: 'Weather and time.', vendor: 'gemini', signature: 'sig-1' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool-call', id: 'call_abc', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'call_gemini_resp1_1', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ]);
  });

  it('ends like Gemini 3 when a signature is left over: an empty signed text part with the finish', () => {
    const frames = encode(decodeSse(fixtureText('gemini-stream-reasoning.1.sse'))).split('\r\n\r\n').filter(Boolean);
    const last = JSON.parse(frames.at(-1)!.slice('data: '.length));
    expect(last.candidates[0]).toEqual({
      content: { role: 'model', parts: [{ text: '', thoughtSignature: 'R2VtaW5pM1NpZ25hdHVyZQ==' }] },
      finishReason: 'STOP',
      index: 0,
    });
  });

  it("shows another vendor's thinking as thoughts and drops its signature", async () => {
    const events = responseToEvents({
      id: 'msg_1',
      model: 'claude',
      content: [
        { type: 'reasoning', text: 'Hmm.', vendor: 'anthropic', signature: 'EqQB' },
        { type: 'text', text: 'Done.' },
      ],
      finish: { unified: 'length', raw: 'max_tokens' },
      usage: { inputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 },
      created: 1,
    });
    const chunks = await sdkStream(encode(events));
    const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
    expect(parts.filter((p) => p.thoughtSignature)).toEqual([]);
    expect(parts.filter((p) => p.thought)).toEqual([{ text: 'Hmm.', thought: true }]);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('Done.');
    expect(chunks.at(-1)!.candidates![0]!.finishReason).toBe(FinishReason.MAX_TOKENS);
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 });
  });

  it('an IR stream that ends without a finish still ends with a finish chunk', async () => {
    const chunks = await sdkStream(
      encode([
        { type: 'response-start', id: 'r', model: 'm', created: 1 },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'cut' },
      ]),
    );
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('cut');
    expect(chunks.at(-1)!.candidates![0]!.finishReason).toBe(FinishReason.OTHER);
  });

  it('a stream error after some text raises ApiError in the SDK', async () => {
    const events: IREvent[] = [
      { type: 'response-start', id: 'r', model: 'm', created: 1 },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'partial' },
      { type: 'error', error: { kind: 'overloaded', message: 'upstream overloaded', status: 529 } },
    ];
    const sse = encode(events);
    expect(sse.endsWith('data: {"error":{"code":503,"message":"upstream overloaded","status":"UNAVAILABLE"}}\r\n\r\n')).toBe(true);
    server = await serve(() => ({ status: 200, contentType: 'text/event-stream', body: sse }));
    const stream = await sdkFor(server.url).models.generateContentStream({ model: 'm', contents: 'hi' });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) seen.push(chunk.text ?? '');
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['partial']);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect((err as ApiError).message).toContain('upstream overloaded');
  });
});
