import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { parseSse, startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import type { JsonStyle } from '../fakes/server.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Each protocol passed through to an upstream that speaks it: usage read from the events whatever
// the server's JSON spacing, and a stream that breaks ends with that protocol's own error event.
let oai: FakeUpstream;
let ant: FakeUpstream;
let gem: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;

beforeAll(async () => {
  [oai, ant, gem] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai', kind: 'openai', speaks: ['chat', 'responses'], baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: [{ key: 'fake-gemini-key' }] },
      ],
      models: [
        { id: 'gpt-pass', routes: [{ upstream: 'oai', model: 'gpt-4o' }] },
        { id: 'claude-pass', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini-pass', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
      ],
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
  gemini = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close(), gem?.close()]);
});
beforeEach(() => {
  for (const fake of [oai, ant, gem]) fake.reset();
  gw.ctx.pools.resetAll(Date.now());
});

const say = 'alpha beta gamma delta';
const lastRow = async () => (await logRows(gw))[0];

async function streamRaw(path: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, 'x-goog-api-key': TEST_KEY, ...headers },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe.each<JsonStyle>(['spaced', 'pretty'])('usage of pass-through streams read from %s JSON', (style) => {
  beforeEach(() => {
    for (const fake of [oai, ant, gem]) fake.writeJsonAs(style);
  });

  it('OpenAI Chat', async () => {
    const stream = await openai.chat.completions.create({ model: 'gpt-pass', messages: [{ role: 'user', content: say }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(await lastRow()).toMatchObject({ outcome: 'ok', translation: null, inputTokens: 8, cacheReadTokens: 3, outputTokens: 7, reasoningTokens: 2 });
  });

  it('OpenAI Responses', async () => {
    const stream = await openai.responses.create({ model: 'gpt-pass', input: say, stream: true });
    for await (const _ of stream) {
      /* drain */
    }
    expect(await lastRow()).toMatchObject({ outcome: 'ok', translation: null, inputTokens: 12, cacheReadTokens: 5, outputTokens: 10, reasoningTokens: 3 });
  });

  it('Anthropic Messages', async () => {
    const message = await anthropic.messages.stream({ model: 'claude-pass', max_tokens: 50, messages: [{ role: 'user', content: say }] }).finalMessage();
    expect(message.content.length).toBeGreaterThan(0);
    expect(await lastRow()).toMatchObject({ outcome: 'ok', translation: null, inputTokens: 13, cacheReadTokens: 4, cacheWriteTokens: 5, outputTokens: 9 });
  });

  it('Gemini', async () => {
    // Read raw: the Gemini SDK itself reads one `data:` line per event (Google's servers write one).
    const raw = await streamRaw('/v1beta/models/gemini-pass:streamGenerateContent?alt=sse', { contents: [{ role: 'user', parts: [{ text: say }] }] });
    expect(parseSse(raw).length).toBeGreaterThan(1);
    expect(await lastRow()).toMatchObject({ outcome: 'ok', translation: null, inputTokens: 9, cacheReadTokens: 6, outputTokens: 8 });
  });
});

describe('a pass-through stream that breaks ends with its own protocol error event', () => {
  it('OpenAI Responses: the `error` event (type, code, message, param, sequence_number), which the SDK raises', async () => {
    oai.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    const raw = await streamRaw('/v1/responses', { model: 'gpt-pass', input: say, stream: true });
    const frames = parseSse(raw);
    const last = frames.at(-1)!;
    expect(last.event).toBe('error');
    const data = JSON.parse(last.data);
    expect(data).toMatchObject({ type: 'error', message: expect.stringMatching(/upstream stream broke/), param: null });
    expect(typeof data.code).toBe('string');
    expect(typeof data.sequence_number).toBe('number');
    expect(raw).not.toMatch(/^data: \{"error"/m);
    expect(await lastRow()).toMatchObject({ outcome: 'incomplete', status: 502, protocol: 'openai-responses' });

    oai.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    const stream = await openai.responses.create({ model: 'gpt-pass', input: say, stream: true });
    const err = await (async () => {
      for await (const _ of stream) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
  });

  it('OpenAI Chat: a `data: {"error":…}` chunk', async () => {
    oai.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    const raw = await streamRaw('/v1/chat/completions', { model: 'gpt-pass', messages: [{ role: 'user', content: say }], stream: true });
    const last = parseSse(raw).at(-1)!;
    expect(last.event).toBeUndefined();
    expect(JSON.parse(last.data)).toMatchObject({ error: { type: 'server_error', message: expect.stringMatching(/upstream stream broke/) } });
  });

  it('Anthropic: `event: error` with an error object', async () => {
    ant.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    const raw = await streamRaw('/v1/messages', { model: 'claude-pass', max_tokens: 50, messages: [{ role: 'user', content: say }], stream: true });
    const last = parseSse(raw).at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringMatching(/upstream stream broke/) } });
  });

  it('Gemini: a chunk carrying Google’s error object, which the SDK raises', async () => {
    gem.failNext({ kind: 'cut-mid-stream', afterEvents: 1 });
    const raw = await streamRaw('/v1beta/models/gemini-pass:streamGenerateContent?alt=sse', { contents: [{ role: 'user', parts: [{ text: say }] }] });
    const last = parseSse(raw).at(-1)!;
    expect(JSON.parse(last.data)).toMatchObject({ error: { code: 500, status: 'INTERNAL', message: expect.stringMatching(/upstream stream broke/) } });

    gem.failNext({ kind: 'cut-mid-stream', afterEvents: 1 });
    const err = await (async () => {
      for await (const _ of await gemini.models.generateContentStream({ model: 'gemini-pass', contents: say })) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
  });
});
