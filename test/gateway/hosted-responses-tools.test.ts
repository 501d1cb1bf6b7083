import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Response as OpenAIResponse, ResponseOutputMessage, ResponseFunctionWebSearch } from 'openai/resources/responses/responses';
import { startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { fakeResultUrl, SEARCH_KEYS, startFakeSearchVendors, type FakeSearchVendors } from '../fakes/search-vendors.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Hosted tools for Responses clients (docs/hosted-tools.md): the `web_search` tool of a model
// whose upstream lacks it (an OpenAI-compatible Chat-only server, Gemini) is served by the
// gateway, and the client gets `web_search_call` items, `url_citation` annotations and the
// `response.web_search_call.*` events through the official OpenAI SDK, whole and streamed.

const PROMPT = 'scenario:websearch switchboard responses';
const QUERY = PROMPT;
const FIRST_URL = fakeResultUrl('brave', 1, QUERY);

let openaiFake: FakeUpstream;
let geminiFake: FakeUpstream;
let vendors: FakeSearchVendors;
let gw: NodeGateway;
let client: OpenAI;

beforeAll(async () => {
  openaiFake = await startFakeOpenAI();
  geminiFake = await startFakeGemini();
  vendors = await startFakeSearchVendors();
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        { id: 'chat-only', kind: 'openai', baseUrl: `${openaiFake.url}/v1`, speaks: ['chat'], credentials: [{ key: 'sk-fake-openai' }] },
        { id: 'gem', kind: 'gemini', baseUrl: geminiFake.url, credentials: [{ key: 'fake-gemini-key' }] },
      ],
      models: [
        { id: 'chat-model', routes: [{ upstream: 'chat-only', model: 'gpt-4o' }] },
        { id: 'gemini-model', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'image-model', routes: [{ upstream: 'mock', model: 'gpt-image-1' }] },
      ],
      prices: { 'gpt-image-1': { image: 0.04 } },
      hostedTools: {
        webSearch: { provider: 'brave', apiKey: SEARCH_KEYS.brave, baseUrl: vendors.urls.brave, maxResults: 3 },
        imageGeneration: { model: 'image-model' },
      },
    },
  });
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await openaiFake?.close();
  await geminiFake?.close();
  await vendors?.close();
});

beforeEach(() => {
  openaiFake.reset();
  geminiFake.reset();
  vendors.calls.length = 0;
});

function expectSearchResponse(response: OpenAIResponse): void {
  expect(response.output.map((i) => i.type)).toEqual(['web_search_call', 'message']);
  const call = response.output[0] as ResponseFunctionWebSearch;
  expect(call.id).toMatch(/^ws_/);
  expect(call.status).toBe('completed');
  expect(call.action).toMatchObject({ type: 'search', query: QUERY });
  const message = response.output[1] as ResponseOutputMessage;
  const text = message.content[0];
  if (text.type !== 'output_text') throw new Error('expected output_text');
  expect(text.text).toBe(`According to ${FIRST_URL}, the answer was found.`);
  const start = text.text.indexOf(FIRST_URL);
  expect(text.annotations).toEqual([{ type: 'url_citation', start_index: start, end_index: start + FIRST_URL.length, url: FIRST_URL, title: 'brave result 1' }]);
  expect(response.output_text).toBe(text.text);
  expect(response.tools).toEqual([{ type: 'web_search' }]);
}

describe('Responses web search on an upstream without it', () => {
  it('answers with a web_search_call item and url_citation annotations on a Chat-only upstream', async () => {
    const response = await client.responses.create({ model: 'chat-model', input: PROMPT, tools: [{ type: 'web_search' }] });
    expectSearchResponse(response);
    expect(openaiFake.calls).toHaveLength(2);
    expect(vendors.calls).toHaveLength(1);
    expect(vendors.calls[0].query.get('q')).toBe(QUERY);
    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.model === 'chat-model');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(rows[0].units).toEqual({ webSearches: 1 });
    expect(response.usage?.input_tokens).toBe(rows[0].inputTokens + rows[0].cacheReadTokens + rows[0].cacheWriteTokens);
  });

  it('streams the web_search_call events on Gemini, and a later turn sends the call back as the model saw it', async () => {
    const stream = await client.responses.create({ model: 'gemini-model', input: PROMPT, tools: [{ type: 'web_search_preview' }], stream: true });
    const types: string[] = [];
    let completed: OpenAIResponse | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    const search = types.indexOf('response.web_search_call.in_progress');
    expect(types.slice(search, search + 3)).toEqual(['response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed']);
    expect(types).toContain('response.output_text.annotation.added');
    expect(types.at(-1)).toBe('response.completed');
    expect(completed?.output.map((i) => i.type)).toEqual(['web_search_call', 'message']);

    geminiFake.reset();
    const next = await client.responses.create({
      model: 'gemini-model',
      tools: [{ type: 'web_search_preview' }],
      input: [{ role: 'user', content: PROMPT }, ...(completed!.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'thanks' }],
    });
    expect(next.output.at(-1)?.type).toBe('message');
    const contents = JSON.stringify(geminiFake.calls[0].body);
    expect(contents).toContain('functionCall');
    expect(contents).toContain(FIRST_URL);
  });
});

describe('Responses image generation on an upstream without it', () => {
  it('makes the image with the admin’s image model and answers with an image_generation_call item, whole and streamed', async () => {
    const prompt = 'scenario:image a lighthouse at dusk';
    const response = await client.responses.create({ model: 'chat-model', input: prompt, tools: [{ type: 'image_generation', size: '1024x1024' }] });
    expect(response.output.map((i) => i.type)).toEqual(['image_generation_call', 'message']);
    const image = response.output[0] as OpenAI.Responses.ResponseOutputItem.ImageGenerationCall;
    expect(image.id).toMatch(/^ig_/);
    expect(image.status).toBe('completed');
    expect(Buffer.from(image.result!, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(response.output_text).toBe('Here is the image.');
    // The image is a request of its own in the log, under the same key, priced by the image model.
    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.model === 'image-model');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(rows[0]).toMatchObject({ endpoint: 'images', units: { images: 1, imageSize: '1024x1024' }, costUsd: 0.04 });

    const stream = await client.responses.create({ model: 'chat-model', input: prompt, tools: [{ type: 'image_generation' }], stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const at = types.indexOf('response.image_generation_call.in_progress');
    expect(types.slice(at, at + 3)).toEqual(['response.image_generation_call.in_progress', 'response.image_generation_call.generating', 'response.image_generation_call.completed']);
    expect(types.at(-1)).toBe('response.completed');
  });
});
