import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// One fake OpenAI server behind several `openai` upstreams, told apart by their keys.
const KEYS = { both: 'sk-both-1111', missing: 'sk-missing-2222', chatOnly: 'sk-chat-3333', responsesFirst: 'sk-resfirst-4444', modelGone: 'sk-gone-5555' };

let fake: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;

const keyOf = (call: FakeCall) => String(call.headers.authorization ?? '').replace('Bearer ', '');
const pathsOf = (key: string) => fake.calls.filter((c) => keyOf(c) === key).map((c) => c.path);
/** A compatible server without /v1/responses, as FastAPI-based servers answer an unknown path. */
const noResponsesEndpoint = (key: string, times = 100) =>
  fake.failNext({ kind: 'status', status: 404, body: { detail: 'Not Found' } }, times, (c) => keyOf(c) === key && c.path === '/v1/responses');

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKeys: Object.values(KEYS) });
  const upstream = (id: keyof typeof KEYS, speaks?: string[]) => ({
    id,
    kind: 'openai',
    baseUrl: `${fake.url}/v1`,
    ...(speaks ? { speaks } : {}),
    credentials: [{ id: `cred-${id}`, key: KEYS[id] }],
  });
  gw = await startTestGateway({
    extra: {
      upstreams: [upstream('both'), upstream('missing'), upstream('chatOnly', ['chat']), upstream('responsesFirst', ['responses', 'chat']), upstream('modelGone')],
      models: (Object.keys(KEYS) as (keyof typeof KEYS)[]).map((id) => ({ id: `m-${id}`, routes: [{ upstream: id, model: 'gpt-4o' }] })),
      retry: { maxAttempts: 1 },
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
});

describe('openai upstreams speak Chat and Responses by default', () => {
  it('passes Responses and Chat clients through to their own endpoints; other clients go to the first of `speaks`', async () => {
    const res = await openai.responses.create({ model: 'm-both', input: 'hello' });
    expect(res.output_text.length).toBeGreaterThan(0);
    await openai.chat.completions.create({ model: 'm-both', messages: [{ role: 'user', content: 'hello' }] });
    await anthropic.messages.create({ model: 'm-both', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] });
    expect(pathsOf(KEYS.both)).toEqual(['/v1/responses', '/v1/chat/completions', '/v1/chat/completions']);
    const [messages, chat, responses] = await logRows(gw);
    expect(responses).toMatchObject({ protocol: 'openai-responses', translation: null, status: 200 });
    expect(chat).toMatchObject({ protocol: 'openai-chat', translation: null });
    expect(messages).toMatchObject({ translation: 'anthropic-messages -> openai-chat' });

    await anthropic.messages.create({ model: 'm-responsesFirst', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] });
    expect(pathsOf(KEYS.responsesFirst)).toEqual(['/v1/responses']);
    expect((await logRows(gw))[0]).toMatchObject({ translation: 'anthropic-messages -> openai-responses' });
  });

  it('a declared `speaks: [chat]` translates Responses clients without asking /responses', async () => {
    const res = await openai.responses.create({ model: 'm-chatOnly', input: 'hello' });
    expect(res.output_text.length).toBeGreaterThan(0);
    expect(pathsOf(KEYS.chatOnly)).toEqual(['/v1/chat/completions']);
    expect((await logRows(gw))[0]).toMatchObject({ translation: 'openai-responses -> openai-chat' });
  });

  // Each replica learns a missing endpoint on its own (a 404 costs one redone try per replica): not shared.
  it.skipIf(testReplicas() > 1)('learns a server without /responses from its 404: the try is redone through Chat at once, and later ones go straight there', async () => {
    noResponsesEndpoint(KEYS.missing);
    // Streamed, with maxAttempts 1: the learning try does not count, and the client sees a normal answer.
    const stream = await openai.responses.create({ model: 'm-missing', input: 'hello there', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(pathsOf(KEYS.missing)).toEqual(['/v1/responses', '/v1/chat/completions']);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ status: 200, outcome: 'ok', translation: 'openai-responses -> openai-chat', credentialId: 'cred-missing' });
    expect(row.attempts).toEqual([
      expect.objectContaining({ upstream: 'missing', status: 404, error: expect.stringMatching(/no \/responses endpoint/) }),
      expect.objectContaining({ upstream: 'missing', status: 200, error: null }),
    ]);
    expect(gw.ctx.pools.state('cred-missing').state).toBe('healthy');

    const again = await openai.responses.create({ model: 'm-missing', input: 'hello' });
    expect(again.output_text.length).toBeGreaterThan(0);
    expect(pathsOf(KEYS.missing)).toEqual(['/v1/responses', '/v1/chat/completions', '/v1/chat/completions']);
  });

  it('a 404 about the model is the client’s answer, not a missing endpoint', async () => {
    fake.failNext({ kind: 'status', status: 404 }, 2, (c) => keyOf(c) === KEYS.modelGone); // OpenAI's model_not_found
    const gone = await openai.responses.create({ model: 'm-modelGone', input: 'hello' }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect(pathsOf(KEYS.modelGone)).toEqual(['/v1/responses']);
    // Not learned: the next request still asks /responses.
    await openai.responses.create({ model: 'm-modelGone', input: 'hello' }).catch(() => {});
    expect(pathsOf(KEYS.modelGone)).toEqual(['/v1/responses', '/v1/responses']);

    // Nor is a 404 that names a parameter: it came from the endpoint.
    const previous = { error: { message: "Response with id 'resp_gone' not found.", type: 'invalid_request_error', param: 'previous_response_id', code: null } };
    fake.failNext({ kind: 'status', status: 404, body: previous }, 1, (c) => keyOf(c) === KEYS.modelGone);
    const unknown = await openai.responses.create({ model: 'm-modelGone', input: 'hello' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    await openai.responses.create({ model: 'm-modelGone', input: 'hello' });
    expect(pathsOf(KEYS.modelGone)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses', '/v1/responses']);
  });
});
