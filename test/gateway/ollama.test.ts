import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { FakeUpstream } from '../fakes/index.js';
import { OLLAMA_FAKE_MODELS, OLLAMA_FAKE_REPLY, startFakeOllama } from '../fakes/ollama.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

const CLOUD_KEY = 'ollama-cloud-key-1234';

let local: FakeUpstream; // a recent local server: everything, no credential
let old: FakeUpstream; // an older local server: no /v1/responses, no /v1/messages
let cloud: FakeUpstream; // Ollama's cloud: Bearer on every endpoint
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;

const paths = (fake: FakeUpstream) => fake.calls.map((c) => `${c.method} ${c.path}`);

beforeAll(async () => {
  [local, old, cloud] = await Promise.all([startFakeOllama(), startFakeOllama({ messages: false, responses: false }), startFakeOllama({ apiKey: CLOUD_KEY })]);
  gw = await startTestGateway({
    extra: {
      upstreams: [
        // No credentials at all: a local server needs none.
        { id: 'local', kind: 'ollama', baseUrl: local.url },
        { id: 'old', kind: 'ollama', baseUrl: old.url },
        { id: 'old-declared', kind: 'ollama', baseUrl: old.url, speaks: ['chat'], anthropicMessages: false },
        { id: 'cloud', kind: 'ollama', baseUrl: cloud.url, credentials: [{ id: 'cloud-key', key: CLOUD_KEY }] },
      ],
      models: [
        { id: 'llama', routes: [{ upstream: 'local', model: 'llama3.2:latest' }] },
        { id: 'embed', routes: [{ upstream: 'local', model: 'nomic-embed-text:latest' }] },
        { id: 'old-llama', routes: [{ upstream: 'old', model: 'llama3.2:latest' }] },
        { id: 'declared-llama', routes: [{ upstream: 'old-declared', model: 'llama3.2:latest' }] },
        { id: 'cloud-coder', routes: [{ upstream: 'cloud', model: 'qwen3-coder:30b' }] },
      ],
      retry: { maxAttempts: 1 },
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([local?.close(), old?.close(), cloud?.close()]);
});
beforeEach(() => {
  for (const fake of [local, old, cloud]) fake.reset();
});

describe('a local Ollama server, without credentials', () => {
  it('passes Chat through to /v1/chat/completions, whole and streamed, sending no credential', async () => {
    const res = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0]?.message.content).toBe(OLLAMA_FAKE_REPLY.text);
    const stream = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(OLLAMA_FAKE_REPLY.text);

    expect(paths(local)).toEqual(['POST /v1/chat/completions', 'POST /v1/chat/completions']);
    expect(local.calls.every((c) => c.headers.authorization === undefined && c.headers['x-api-key'] === undefined)).toBe(true);
    expect(local.calls[1]?.body.model).toBe('llama3.2:latest');
    const rows = await logRows(gw);
    for (const row of rows.slice(0, 2))
      expect(row).toMatchObject({ upstreamId: 'local', credentialId: null, status: 200, translation: null, inputTokens: 26, outputTokens: 5, usageEstimated: false });
  });

  it('passes Responses, Anthropic Messages and embeddings through to their own endpoints', async () => {
    const res = await openai.responses.create({ model: 'llama', input: 'hi' });
    expect(res.output_text.length).toBeGreaterThan(0);
    const message = await anthropic.messages.create({ model: 'llama', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]?.type).toBe('text');
    const streamed = await anthropic.messages.stream({ model: 'llama', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(streamed.stop_reason).toBe('end_turn');
    const vectors = await openai.embeddings.create({ model: 'embed', input: 'hi' });
    expect(vectors.data).toHaveLength(1);

    expect(paths(local)).toEqual(['POST /v1/responses', 'POST /v1/messages', 'POST /v1/messages', 'POST /v1/embeddings']);
    // Messages go with an anthropic-version (the client's, else the default) and still no credential.
    expect(local.calls[1]?.headers['anthropic-version']).toBe('2023-06-01');
    expect(local.calls[1]?.headers.authorization).toBeUndefined();
    const rows = (await logRows(gw)).slice(0, 4);
    expect(rows.map((r) => [r.protocol, r.translation, r.credentialId])).toEqual([
      ['openai-embeddings', null, null],
      ['anthropic-messages', null, null],
      ['anthropic-messages', null, null],
      ['openai-responses', null, null],
    ]);
  });

  it('lists its models from /api/tags', async () => {
    const res = await fetch(`${gw.url}/admin/api/upstreams/local/sync-models`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { models: string[] }).models).toEqual([...OLLAMA_FAKE_MODELS]);
    expect(paths(local)).toEqual(['GET /api/tags']);
  });
});

// Each replica learns a missing endpoint on its own: not shared.
describe.skipIf(testReplicas() > 1)('an older server without /v1/messages or /v1/responses', () => {
  it('learns each from its 404: the try is redone through Chat at once, later ones go straight there', async () => {
    const first = await anthropic.messages.create({ model: 'old-llama', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(first.content[0]).toMatchObject({ type: 'text', text: OLLAMA_FAKE_REPLY.text });
    const again = await anthropic.messages.stream({ model: 'old-llama', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(again.content[0]).toMatchObject({ type: 'text', text: OLLAMA_FAKE_REPLY.text });
    const responses = await openai.responses.create({ model: 'old-llama', input: 'hi' });
    expect(responses.output_text).toBe(OLLAMA_FAKE_REPLY.text);
    await openai.responses.create({ model: 'old-llama', input: 'hi' });

    expect(paths(old)).toEqual([
      'POST /v1/messages',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'POST /v1/responses',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
    ]);
    const [r4, r3, m2, m1] = await logRows(gw);
    expect(m1).toMatchObject({ status: 200, translation: 'anthropic-messages -> openai-chat', inputTokens: 26, outputTokens: 5 });
    expect(m1?.attempts?.[0]).toMatchObject({ upstream: 'old', status: 404, error: expect.stringContaining('no /v1/messages endpoint') });
    expect(m2).toMatchObject({ translation: 'anthropic-messages -> openai-chat', attempts: null });
    expect(r3?.attempts?.[0]).toMatchObject({ status: 404, error: expect.stringContaining('no /responses endpoint') });
    expect(r4).toMatchObject({ translation: 'openai-responses -> openai-chat', attempts: null });
  });

  it('`anthropicMessages: false` and `speaks: [chat]` declare it: nothing is asked of the missing endpoints', async () => {
    await anthropic.messages.create({ model: 'declared-llama', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    await openai.responses.create({ model: 'declared-llama', input: 'hi' });
    expect(paths(old)).toEqual(['POST /v1/chat/completions', 'POST /v1/chat/completions']);
  });
});

describe("Ollama's cloud", () => {
  it('gets its key as Bearer on every endpoint, Anthropic Messages included', async () => {
    await openai.chat.completions.create({ model: 'cloud-coder', messages: [{ role: 'user', content: 'hi' }] });
    await anthropic.messages.create({ model: 'cloud-coder', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(paths(cloud)).toEqual(['POST /v1/chat/completions', 'POST /v1/messages']);
    expect(cloud.calls.map((c) => [c.headers.authorization, c.headers['x-api-key']])).toEqual([
      [`Bearer ${CLOUD_KEY}`, undefined],
      [`Bearer ${CLOUD_KEY}`, undefined],
    ]);
    const [messages] = await logRows(gw);
    expect(messages).toMatchObject({ upstreamId: 'cloud', credentialId: 'cloud-key', status: 200 });
  });
});
