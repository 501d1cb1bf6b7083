import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp, type HttpRequest } from '../../src/providers/http.js';
import { nodeSleep } from '../../src/platform/node/runtime.js';
import { geminiProvider, GEMINI_BASE_URL } from '../../src/providers/gemini.js';
import type { UpstreamCall } from '../../src/providers/provider.js';
import type { UpstreamRecord } from '../../src/store/types.js';
import type { IREvent, IRRequest } from '../../src/translate/ir.js';
import { SseScanner } from '../../src/translate/sse.js';
import { geminiCodec } from '../../src/translate/gemini/index.js';
import { FAKE_GEMINI_USAGE, startFakeGemini, type FakeUpstream } from '../fakes/index.js';
import { GEMINI_FAKE_CALL_IDS } from '../fakes/gemini.js';
import { JSON_ANSWER, LENGTH_TEXT, REASONING, REASONING_ANSWER, REASONING_SIGNATURE, STOP_TEXT, TOOL_CALLS } from '../fakes/scenarios.js';
import { assemble } from '../translate/gemini/helpers.js';

const KEY = 'fake-gemini-key';

function upstream(baseUrl: string | null): UpstreamRecord {
  return {
    id: 'gemini-main',
    kind: 'gemini',
    baseUrl,
    strategy: 'round-robin',
    speaks: ['chat'],
    models: [],
    headers: {},
    timeouts: { connectMs: 5_000, firstByteMs: 5_000, idleMs: 5_000 },
    enabled: true,
    credentials: [],
  };
}

function irRequest(text: string, stream: boolean): IRRequest {
  return {
    model: 'gemini-public',
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    tools: [],
    stream,
    extra: null,
  };
}

async function readAll(body: ReadableStream<Uint8Array> | null): Promise<string> {
  return body ? new Response(body).text() : '';
}

describe('gemini provider against the fake Gemini API', () => {
  let fake: FakeUpstream;
  const provider = geminiProvider(fetchHttp(nodeSleep));

  beforeAll(async () => {
    fake = await startFakeGemini();
  });
  afterAll(async () => {
    await fake.close();
  });

  function call(partial: Partial<UpstreamCall>): UpstreamCall {
    return { upstream: upstream(fake.url), credential: KEY, endpoint: 'generate', headers: {}, upstreamModel: 'gemini-2.5-flash', ...partial };
  }

  async function generate(text: string) {
    const { body } = geminiCodec.encodeRequest(irRequest(text, false), 'gemini-2.5-flash');
    const reply = await provider.send(call({ body: JSON.stringify(body) }), AbortSignal.timeout(5_000));
    return { status: reply.status, text: await readAll(reply.body) };
  }

  async function stream(text: string): Promise<IREvent[]> {
    const { body } = geminiCodec.encodeRequest(irRequest(text, true), 'gemini-2.5-flash');
    const reply = await provider.send(call({ body: JSON.stringify(body), stream: true }), AbortSignal.timeout(5_000));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/event-stream');
    const scanner = new SseScanner();
    const decoder = geminiCodec.decodeStream();
    const events: IREvent[] = [];
    for (const e of scanner.push(await readAll(reply.body))) events.push(...decoder.push(e));
    events.push(...decoder.end());
    return events;
  }

  it('generate: the URL names the model, the key goes in x-goog-api-key', async () => {
    const reply = await generate('hello there');
    expect(reply.status).toBe(200);
    const last = fake.calls.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(last.headers['x-goog-api-key']).toBe(KEY);
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hello there' }] }], systemInstruction: { parts: [{ text: 'Be brief.' }] } });
    const res = geminiCodec.decodeResponse(JSON.parse(reply.text));
    expect(res.content).toEqual([{ type: 'text', text: 'echo: hello there' }]);
    expect(res.model).toBe('gemini-2.5-flash');
    expect(res.finish).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(res.usage).toEqual({
      inputTokens: FAKE_GEMINI_USAGE.promptTokenCount - FAKE_GEMINI_USAGE.cachedContentTokenCount,
      cacheReadTokens: FAKE_GEMINI_USAGE.cachedContentTokenCount,
      cacheWriteTokens: 0,
      outputTokens: FAKE_GEMINI_USAGE.candidatesTokenCount,
      reasoningTokens: 0,
    });
  });

  it('every scenario, not streamed', async () => {
    const tools = geminiCodec.decodeResponse(JSON.parse((await generate('scenario:tools')).text));
    expect(tools.content).toEqual(
      TOOL_CALLS.map((c, i) => ({ type: 'tool-call', id: GEMINI_FAKE_CALL_IDS[i], name: c.name, arguments: JSON.stringify(c.arguments) })),
    );
    expect(tools.finish.unified).toBe('tool-calls');

    const reasoning = geminiCodec.decodeResponse(JSON.parse((await generate('scenario:reasoning')).text));
    expect(reasoning.content).toEqual([
      { type: 'reasoning', text: REASONING, vendor: 'gemini', signature: REASONING_SIGNATURE },
      { type: 'text', text: REASONING_ANSWER },
    ]);
    expect(reasoning.usage).toMatchObject({
      outputTokens: FAKE_GEMINI_USAGE.candidatesTokenCount + FAKE_GEMINI_USAGE.thoughtsTokenCount,
      reasoningTokens: FAKE_GEMINI_USAGE.thoughtsTokenCount,
    });

    for (const [scenario, text, unified] of [
      ['json', JSON_ANSWER, 'stop'],
      ['stop', STOP_TEXT, 'stop'],
      ['length', LENGTH_TEXT, 'length'],
    ] as const) {
      const res = geminiCodec.decodeResponse(JSON.parse((await generate(`scenario:${scenario}`)).text));
      expect(res.content).toEqual([{ type: 'text', text }]);
      expect(res.finish.unified).toBe(unified);
    }

    const context = await generate('scenario:context');
    expect(context.status).toBe(400);
    expect(geminiCodec.decodeError(context.status, context.text).kind).toBe('context-length');
    const error = await generate('scenario:error');
    expect(error.status).toBe(500);
    expect(geminiCodec.decodeError(error.status, error.text).kind).toBe('server');
  });

  it('stream: :streamGenerateContent?alt=sse, word by word, usage on the last chunk', async () => {
    const events = await stream('one two three');
    expect(fake.calls.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { delta: string }).delta)).toEqual(['echo: ', 'one ', 'two ', 'three']);
    const { parts, finish, usage } = assemble(events);
    expect(parts).toEqual([{ type: 'text', text: 'echo: one two three' }]);
    expect(finish).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(usage).toMatchObject({ inputTokens: 9, cacheReadTokens: 6, outputTokens: 8 });
  });

  it('every scenario, streamed', async () => {
    const tools = assemble(await stream('scenario:tools'));
    expect(tools.parts).toEqual(
      TOOL_CALLS.map((c, i) => ({ type: 'tool-call', id: GEMINI_FAKE_CALL_IDS[i], name: c.name, arguments: JSON.stringify(c.arguments) })),
    );
    expect(tools.finish.unified).toBe('tool-calls');

    const reasoning = assemble(await stream('scenario:reasoning'));
    expect(reasoning.parts).toEqual([
      { type: 'reasoning', text: REASONING, vendor: 'gemini', signature: REASONING_SIGNATURE },
      { type: 'text', text: REASONING_ANSWER },
    ]);
    expect(reasoning.usage).toMatchObject({ reasoningTokens: 4, outputTokens: 12 });

    expect(assemble(await stream('scenario:json')).parts).toEqual([{ type: 'text', text: JSON_ANSWER }]);
    expect(assemble(await stream('scenario:stop')).finish).toEqual({ unified: 'stop', raw: 'STOP' });
    const length = assemble(await stream('scenario:length'));
    expect(length.parts).toEqual([{ type: 'text', text: LENGTH_TEXT }]);
    expect(length.finish).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
  });

  it('count_tokens and models', async () => {
    const count = await provider.send(
      call({ endpoint: 'count_tokens', body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }) }),
      AbortSignal.timeout(5_000),
    );
    expect(fake.calls.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    expect(JSON.parse(await readAll(count.body))).toMatchObject({ totalTokens: FAKE_GEMINI_USAGE.countTokens });

    const models = await provider.send(call({ endpoint: 'models', upstreamModel: undefined }), AbortSignal.timeout(5_000));
    expect(fake.calls.at(-1)!.method).toBe('GET');
    expect(fake.calls.at(-1)!.path).toBe('/v1beta/models');
    const list = JSON.parse(await readAll(models.body));
    expect(list.models.map((m: { name: string }) => m.name)).toEqual(['models/gemini-2.5-flash', 'models/gemini-2.5-pro', 'models/gemini-2.0-flash']);
  });

  it('a wrong key is the 400 Google sends, which decodes as an authentication error', async () => {
    const reply = await provider.send(call({ credential: 'wrong', endpoint: 'models' }), AbortSignal.timeout(5_000));
    expect(reply.status).toBe(400);
    const text = await readAll(reply.body);
    expect(JSON.parse(text).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' });
    expect(geminiCodec.decodeError(reply.status, text).kind).toBe('authentication');
  });

  it('the fake also takes ?key= and streams a JSON array without alt=sse', async () => {
    const res = await fetch(`${fake.url}/v1beta/models/gemini-2.0-flash:streamGenerateContent?key=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'a b' }] }] }),
    });
    expect(res.status).toBe(200);
    const chunks = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join('')).toBe('echo: a b');
    const missing = await fetch(`${fake.url}/v1beta/models`);
    expect(missing.status).toBe(403);
  });

  it('official SDK against the fake: generate, stream, count, list, typed errors', async () => {
    const ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.url } });
    const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'scenario:reasoning', config: { thinkingConfig: { includeThoughts: true } } });
    expect(res.text).toBe(REASONING_ANSWER);
    expect(res.usageMetadata?.thoughtsTokenCount).toBe(FAKE_GEMINI_USAGE.thoughtsTokenCount);
    let streamed = '';
    const calls = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'scenario:tools' })) {
      streamed += chunk.text ?? '';
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(streamed).toBe('');
    expect(calls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    expect((await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'x' })).totalTokens).toBe(FAKE_GEMINI_USAGE.countTokens);
    const names: string[] = [];
    for await (const m of await ai.models.list({ config: { pageSize: 2 } })) names.push(m.name ?? '');
    expect(names).toHaveLength(3);
    const err = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'scenario:context' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toContain('exceeds the maximum number of tokens allowed');
    fake.failNext({ kind: 'status', status: 429 });
    const limited = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e);
    expect((limited as ApiError).status).toBe(429);
  });
});

describe('gemini provider URLs', () => {
  function capture(): { http: (r: HttpRequest) => Promise<never>; seen: HttpRequest[] } {
    const seen: HttpRequest[] = [];
    return {
      seen,
      http: async (r) => {
        seen.push(r);
        throw new Error('stop here');
      },
    };
  }

  it('defaults to Google, keeps a version already in the base URL, and names tuned models', async () => {
    const { http, seen } = capture();
    const provider = geminiProvider(http);
    const base: UpstreamCall = { upstream: upstream(null), credential: 'k', endpoint: 'generate', headers: {}, upstreamModel: 'gemini-2.5-pro', body: '{}' };
    const signal = AbortSignal.timeout(1_000);
    await provider.send(base, signal).catch(() => {});
    await provider.send({ ...base, upstream: upstream('https://proxy.example/v1/'), upstreamModel: 'models/gemini-2.5-pro', stream: true }, signal).catch(() => {});
    await provider.send({ ...base, upstreamModel: 'tunedModels/my-model' }, signal).catch(() => {});
    expect(seen.map((r) => r.url)).toEqual([
      `${GEMINI_BASE_URL}/v1beta/models/gemini-2.5-pro:generateContent`,
      'https://proxy.example/v1/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      `${GEMINI_BASE_URL}/v1beta/tunedModels/my-model:generateContent`,
    ]);
    expect(seen[0]!.headers['x-goog-api-key']).toBe('k');
    expect(() => provider.send({ ...base, endpoint: 'chat' }, signal)).toThrow(/do not serve chat/);
    expect(() => provider.send({ ...base, upstreamModel: undefined }, signal)).toThrow(/needs the upstream model/);
    expect(provider).toMatchObject({ kind: 'gemini', speaks: ['gemini'], endpoints: ['generate', 'count_tokens', 'embeddings', 'images', 'models'] });
  });
});
