import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

let fake: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  gw = await startTestGateway({ openaiUrl: fake.url, openaiSpeaks: ['chat'] });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

describe('the Responses API for a key without stored responses', () => {
  it.each([
    ['previous_response_id', { previous_response_id: 'resp_123' }, /stored responses are not enabled for this key/],
    ['conversation', { conversation: 'conv_1' }, /Conversations API/],
    ['store', { store: true }, /stored responses are not enabled for this key/],
  ])('refuses %s with a 400 naming it, before any upstream call', async (field, extra, message) => {
    fake.reset();
    const err = await openai.responses.create({ model: 'gpt-test', input: 'hi', ...extra } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(field);
    expect((err as Error).message).toMatch(message);
    expect(fake.calls).toHaveLength(0);
  });

  it('serves store: false and translates to a chat-only upstream', async () => {
    const res = await openai.responses.create({ model: 'gpt-test', input: 'hello', store: false });
    expect(res.output_text).toBe('echo: hello');
    expect(fake.calls.at(-1)!.path).toBe('/v1/chat/completions');
    expect((await logRows(gw))[0].translation).toBe('openai-responses -> openai-chat');
  });
});

describe('Gemini routes', () => {
  it('authenticates with x-goog-api-key (SDK) and with ?key=, and lists models in Gemini shape', async () => {
    const ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
    const names: string[] = [];
    for await (const model of await ai.models.list()) names.push(model.name ?? '');
    expect(names).toContain('models/gpt-test');
    const viaQuery = await fetch(`${gw.url}/v1beta/models?key=${TEST_KEY}`);
    expect(viaQuery.status).toBe(200);
    const wrong = await fetch(`${gw.url}/v1beta/models?key=nope`);
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
  });

  it('answers generateContent on the /v1 paths newer SDK releases use', async () => {
    const res = await fetch(`${gw.url}/v1/models/gpt-test:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'ping' }] }] }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.candidates[0].content.parts[0].text).toBe('echo: ping');
  });

  it('answers an unknown Gemini action with a Gemini-shaped 404', async () => {
    const res = await fetch(`${gw.url}/v1beta/models/gpt-test:generateAnswer`, { method: 'POST', headers: { 'x-goog-api-key': TEST_KEY }, body: '{}' });
    expect(res.status).toBe(404);
    expect((await res.json()).error.status).toBe('NOT_FOUND');
  });
});
