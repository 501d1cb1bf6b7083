import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { FAKE_USAGE, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { fakeGeminiEmbedding } from '../fakes/gemini.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Embeddings between OpenAI's and Gemini's shapes, through the official SDKs, against the fakes
// (https://ai.google.dev/api/embeddings, https://platform.openai.com/docs/api-reference/embeddings).

let openai: FakeUpstream;
let gemini: FakeUpstream;
let gw: NodeGateway;
let client: OpenAI;
let ai: GoogleGenAI;

async function rowOf(requestId: string | null | undefined) {
  return (await logRows(gw)).find((r) => r.id === requestId)!;
}

/** The gateway's estimate of a text's tokens: about four bytes of UTF-8 a token. */
const rough = (texts: string[]) => texts.reduce((sum, t) => sum + Math.ceil(Buffer.byteLength(t) / 4), 0);

beforeAll(async () => {
  openai = await startFakeOpenAI();
  gemini = await startFakeGemini();
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai', kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
        { id: 'gem', kind: 'gemini', baseUrl: gemini.url, credentials: [{ key: 'fake-gemini-key' }] },
        { id: 'ant', kind: 'anthropic', baseUrl: 'http://127.0.0.1:9', credentials: [{ key: 'sk-ant' }] },
      ],
      models: [
        { id: 'gemini-embed', routes: [{ upstream: 'gem', model: 'gemini-embedding-001' }] },
        { id: 'gemini-chat', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'oai-embed', routes: [{ upstream: 'oai', model: 'text-embedding-3-small' }] },
        { id: 'claude-embed', routes: [{ upstream: 'ant', model: 'claude-x' }] },
      ],
      keys: [{ name: 'tester', group: 'team-a', key: TEST_KEY }],
    },
  });
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
});
afterAll(async () => {
  await gw?.close();
  await openai?.close();
  await gemini?.close();
});
beforeEach(() => {
  openai.reset();
  gemini.reset();
});

describe('an OpenAI client on a Gemini embedding model', () => {
  it('asks batchEmbedContents with outputDimensionality, and answers base64 (the SDK default) that decodes to the vectors', async () => {
    const input = ['the first text', 'a second, longer text to embed'];
    const { data, response } = await client.embeddings.create({ model: 'gemini-embed', input, dimensions: 16 }).withResponse();
    const call = gemini.calls.at(-1)!;
    expect(call.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(call.body).toEqual({
      requests: input.map((text) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, outputDimensionality: 16 })),
    });
    // The SDK asked for base64 and decoded it: the floats are Gemini's.
    expect(data.data.map((d) => d.embedding)).toEqual(input.map((text) => fakeGeminiEmbedding(text, 16)));
    expect(data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(data.model).toBe('gemini-embed');
    expect(data.usage).toEqual({ prompt_tokens: rough(input), total_tokens: rough(input) });
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ endpoint: 'embeddings', translation: 'openai-embeddings -> gemini', status: 200, outcome: 'ok', inputTokens: rough(input), usageEstimated: true });
  });

  it('answers floats when asked, for a string input', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-embed', input: 'just one', encoding_format: 'float' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('list');
    expect(body.data).toEqual([{ object: 'embedding', index: 0, embedding: fakeGeminiEmbedding('just one') }]);
    expect(gemini.calls.at(-1)!.body.requests[0]).not.toHaveProperty('outputDimensionality');
  });

  it('refuses token-id input with a 400 naming input, without calling Gemini', async () => {
    const err = await client.embeddings.create({ model: 'gemini-embed', input: [[1, 2, 3]] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input');
    expect((err as Error).message).toMatch(/token ids/);
    expect(gemini.calls).toHaveLength(0);
  });

  it("tells Gemini's refusal in OpenAI's error shape", async () => {
    const err = await client.embeddings.create({ model: 'gemini-chat', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toMatch(/not supported for batchEmbedContents/);
  });
});

describe('a Gemini client on an OpenAI embedding model', () => {
  it('sends the SDK batch as one /embeddings call with dimensions, and answers embeddings[].values with the upstream tokens', async () => {
    const res = await ai.models.embedContent({ model: 'oai-embed', contents: ['alpha', 'beta'], config: { outputDimensionality: 8, taskType: 'RETRIEVAL_DOCUMENT' } });
    const call = openai.calls.at(-1)!;
    expect(call.path).toBe('/v1/embeddings');
    expect(call.body).toEqual({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float', dimensions: 8 });
    const direct = await (await fetch(`${openai.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-fake-openai', 'content-type': 'application/json' },
      body: JSON.stringify(call.body),
    })).json();
    expect(res.embeddings!.map((e) => e.values)).toEqual(direct.data.map((d: { embedding: number[] }) => d.embedding));
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ protocol: 'gemini', endpoint: 'embeddings', translation: 'gemini -> openai-embeddings', inputTokens: 2 * FAKE_USAGE.openai.embeddingTokensPerInput });
    expect(row.usageEstimated).toBeFalsy();
    expect(row.warnings).toEqual(['taskType has no OpenAI counterpart and was left out']);
  });

  it('answers :embedContent with one embedding', async () => {
    const res = await fetch(`${gw.url}/v1beta/models/oai-embed:embedContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ content: { parts: [{ text: 'one' }] } }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['embedding']);
    expect(body.embedding.values).toHaveLength(FAKE_USAGE.openai.embeddingDimensions);
    expect(openai.calls.at(-1)!.body.input).toEqual(['one']);
  });

  it('refuses a body without the method\'s field, and an upstream that serves no embeddings, in Gemini\'s shape', async () => {
    const missing = await fetch(`${gw.url}/v1beta/models/oai-embed:batchEmbedContents`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ content: { parts: [{ text: 'one' }] } }),
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ status: 'INVALID_ARGUMENT', message: expect.stringMatching(/requests/) });
    const anthropic = await ai.models.embedContent({ model: 'claude-embed', contents: ['x'] }).catch((e: unknown) => e);
    expect((anthropic as Error).message).toMatch(/cannot serve/);
    expect(openai.calls).toHaveLength(0);
  });
});

describe('a Gemini client on a Gemini embedding model', () => {
  it('passes the batch through under the upstream model, the row estimated', async () => {
    const res = await ai.models.embedContent({ model: 'gemini-embed', contents: 'pass me through', config: { outputDimensionality: 4 } });
    expect(res.embeddings![0].values).toEqual(fakeGeminiEmbedding('pass me through', 4));
    const call = gemini.calls.at(-1)!;
    expect(call.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(call.body.requests[0].model).toBe('models/gemini-embedding-001');
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ protocol: 'gemini', endpoint: 'embeddings', translation: null, inputTokens: rough(['pass me through']), usageEstimated: true });
  });
});
