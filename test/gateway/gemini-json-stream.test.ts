import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GEMINI_USAGE, FAKE_USAGE, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Gemini's :streamGenerateContent without alt=sse answers one JSON array, streamed element by element
// (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). The official SDK
// always asks with alt=sse, so these are raw HTTP clients.

const DELAY_MS = 120;

let gemini: FakeUpstream;
let openai: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  gemini = await startFakeGemini({ chunkDelayMs: DELAY_MS });
  openai = await startFakeOpenAI({ chunkDelayMs: DELAY_MS });
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'gem', kind: 'gemini', baseUrl: gemini.url, credentials: [{ key: 'fake-gemini-key' }] },
        { id: 'oai', kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }], speaks: ['chat'] },
      ],
      models: [
        { id: 'gem-flash', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'oai-chat', routes: [{ upstream: 'oai', model: 'gpt-4o' }] },
      ],
      keys: [{ name: 'tester', group: 'team-a', key: TEST_KEY }],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await gemini?.close();
  await openai?.close();
});
beforeEach(() => {
  gemini.reset();
  openai.reset();
});

/** Streams a request, noting when each chunk of the answer arrived. */
async function streamed(model: string, query = '', text = 'tell me a long story about rivers') {
  const res = await fetch(`${gw.url}/v1beta/models/${model}:streamGenerateContent${query}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }] }),
  });
  const chunks: { at: number; text: string }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push({ at: Date.now(), text: decoder.decode(value, { stream: true }) });
  }
  return { res, chunks, text: chunks.map((c) => c.text).join('') };
}

/** The elements of a JSON-array stream, checked to be framed `[{…}\r\n,{…}\r\n]`. */
function elementsOf(text: string): Record<string, any>[] {
  expect(text.startsWith('[{')).toBe(true);
  expect(text.endsWith('}\r\n]')).toBe(true);
  const parts = text.slice(1, -3).split('\r\n,');
  const elements = parts.map((part) => JSON.parse(part));
  expect(JSON.parse(text)).toEqual(elements);
  return elements;
}

describe('streamGenerateContent without alt=sse', () => {
  it('passes a Gemini stream through as a JSON array, element by element as it comes', async () => {
    const { res, chunks, text } = await streamed('gem-flash');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // The gateway asks the upstream for its SSE stream and re-frames it.
    expect(gemini.calls.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const elements = elementsOf(text);
    expect(elements.length).toBeGreaterThan(2);
    expect(elements.map((e) => e.candidates[0].content.parts[0].text).join('')).toBe('echo: tell me a long story about rivers');
    expect(elements.at(-1)!.candidates[0].finishReason).toBe('STOP');
    // Piped, not buffered: the elements arrived spread over the upstream's pauses.
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)!.at - chunks[0].at).toBeGreaterThanOrEqual((elements.length - 2) * DELAY_MS * 0.8);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ protocol: 'gemini', stream: true, status: 200, outcome: 'ok', translation: null, outputTokens: FAKE_GEMINI_USAGE.candidatesTokenCount });
  });

  it('serves a stream translated from another upstream the same way', async () => {
    const { res, chunks, text } = await streamed('oai-chat');
    expect(res.status).toBe(200);
    expect(openai.calls.at(-1)!.path).toBe('/v1/chat/completions');
    const elements = elementsOf(text);
    expect(elements.map((e) => e.candidates?.[0]?.content?.parts?.[0]?.text ?? '').join('')).toBe('echo: tell me a long story about rivers');
    expect(elements.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: FAKE_USAGE.openai.chat.prompt_tokens });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)!.at - chunks[0].at).toBeGreaterThanOrEqual(DELAY_MS);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ translation: 'gemini -> openai-chat', outcome: 'ok', outputTokens: FAKE_USAGE.openai.chat.completion_tokens });
  });

  it('keeps an error before the stream as Gemini\'s JSON error', async () => {
    const { res, text } = await streamed('gem-flash', '', 'scenario:context');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(text).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });

  it('ends a stream the upstream broke off with an error element, the array still closed, the row incomplete', async () => {
    gemini.failNext({ kind: 'cut-mid-stream', afterEvents: 2 });
    const { res, text } = await streamed('gem-flash');
    expect(res.status).toBe(200);
    const elements = elementsOf(text);
    expect(elements.at(-1)!.error).toMatchObject({ message: expect.stringMatching(/stream/) });
    expect(elements.slice(0, -1).every((e) => e.candidates)).toBe(true);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ status: 502, outcome: 'incomplete' });
  });

  it('leaves a client asking with alt=sse on Server-Sent Events', async () => {
    const { res, text } = await streamed('gem-flash', '?alt=sse');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(text.startsWith('data: {')).toBe(true);
  });
});
