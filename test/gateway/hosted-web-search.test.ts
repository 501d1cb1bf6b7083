import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { fakeResultUrl, SEARCH_KEYS, SEARCH_RESULT_COUNT, startFakeSearchVendors, type FakeSearchVendors, type SearchVendor } from '../fakes/search-vendors.js';
import { ADMIN_KEY, eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Hosted web search (docs/hosted-tools.md): an Anthropic Messages client asks for the
// `web_search_20250305` server tool of a model whose upstream lacks it (an OpenAI-compatible
// Chat-only server, Gemini); the gateway gives the model a function tool, runs the search it
// calls through the configured vendor (each fake vendor speaks its real format), feeds the
// results back and answers in Anthropic's own shape, whole and streamed, the searches counted.

const PROMPT = 'scenario:websearch switchboard gateway news';
/** The query the fake model searches for: the marked text (test/fakes/agent-scenario.ts). */
const QUERY = PROMPT;
const SEARCH_TOOL = { type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 3 };

let openaiFake: FakeUpstream;
let geminiFake: FakeUpstream;
let vendors: FakeSearchVendors;
let gw: NodeGateway;
let client: Anthropic;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${gw.url}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } });

async function useVendor(vendor: SearchVendor): Promise<void> {
  const res = await admin('/hosted-tools', {
    method: 'PUT',
    body: JSON.stringify({ webSearch: { provider: vendor, baseUrl: vendors.urls[vendor], ...(SEARCH_KEYS[vendor] ? { apiKey: SEARCH_KEYS[vendor] } : {}), maxResults: 3, pricePer1000: 10 } }),
  });
  expect(res.status).toBe(200);
}

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
      ],
      prices: { 'gpt-4o': { input: 2.5, output: 10 } },
      hostedTools: { webSearch: { provider: 'tavily', apiKey: SEARCH_KEYS.tavily, baseUrl: vendors.urls.tavily, maxResults: 3, pricePer1000: 10 } },
    },
  });
  client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
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

function expectSearchAnswer(message: Anthropic.Message, vendor: SearchVendor): void {
  expect(message.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
  const [use, result, text] = message.content as [Anthropic.ServerToolUseBlock, Anthropic.WebSearchToolResultBlock, Anthropic.TextBlock];
  expect(use.id).toMatch(/^srvtoolu_/);
  expect(use).toMatchObject({ name: 'web_search', input: { query: QUERY } });
  expect(result.tool_use_id).toBe(use.id);
  const results = result.content as Anthropic.WebSearchResultBlock[];
  expect(results).toHaveLength(SEARCH_RESULT_COUNT);
  expect(results[0]).toMatchObject({ type: 'web_search_result', url: fakeResultUrl(vendor, 1, QUERY), title: `${vendor} result 1` });
  expect(results[0].encrypted_content).toEqual(expect.any(String));
  expect(results[0].page_age).toEqual(expect.any(String));
  // The model read the results (the fake answers citing the first address it was given).
  expect(text.text).toBe(`According to ${fakeResultUrl(vendor, 1, QUERY)}, the answer was found.`);
  expect(text.citations?.[0]).toMatchObject({ type: 'web_search_result_location', url: fakeResultUrl(vendor, 1, QUERY), title: `${vendor} result 1` });
  expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
  expect(message.stop_reason).toBe('end_turn');
}

describe('Anthropic web search on an upstream without it', () => {
  it('runs the search on a Chat-only upstream and answers with server tool blocks, citations and the count', async () => {
    const message = await client.messages.create({ model: 'chat-model', max_tokens: 200, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: PROMPT }] });
    expectSearchAnswer(message, 'tavily');

    // The model saw a function tool, then its own call and the results as a tool message.
    expect(openaiFake.calls).toHaveLength(2);
    const first = openaiFake.calls[0].body as { tools: { type: string; function: { name: string } }[]; stream?: boolean };
    expect(first.tools.map((t) => t.function.name)).toEqual(['web_search']);
    const second = openaiFake.calls[1].body as { messages: { role: string; content: unknown }[] };
    const toolMessage = second.messages.find((m) => m.role === 'tool');
    expect(String(toolMessage?.content)).toContain(fakeResultUrl('tavily', 1, QUERY));

    // Tavily was asked in its own format, with the key the config sealed.
    expect(vendors.calls).toHaveLength(1);
    expect(vendors.calls[0]).toMatchObject({ vendor: 'tavily', method: 'POST', path: '/search', body: { query: QUERY, max_results: 3 } });
    expect(vendors.calls[0].headers.authorization).toBe(`Bearer ${SEARCH_KEYS.tavily}`);

    // One row, the turns' tokens summed, the search a unit priced per 1,000.
    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.model === 'chat-model');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(rows[0].units).toEqual({ webSearches: 1 });
    expect(rows[0].inputTokens).toBe(message.usage.input_tokens);
    const { inputTokens, cacheReadTokens, cacheWriteTokens, outputTokens } = rows[0];
    const tokens = ((inputTokens + cacheReadTokens + cacheWriteTokens) * 2.5 + outputTokens * 10) / 1_000_000;
    expect(rows[0].costUsd).toBeCloseTo(tokens + 0.01, 8);
  });

  it('streams the same answer as Anthropic streams its own search', async () => {
    const stream = client.messages.stream({ model: 'chat-model', max_tokens: 200, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: PROMPT }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type === 'content_block_delta' ? `${event.type}:${event.delta.type}` : event.type));
    expectSearchAnswer(await stream.finalMessage(), 'tavily');
    expect(types).toContain('content_block_delta:citations_delta');
    expect(types).toContain('content_block_delta:input_json_delta');
    expect(types.at(-1)).toBe('message_stop');
  });

  it('works on Gemini too, and a later turn sends the search back as the model saw it', async () => {
    const message = await client.messages.create({ model: 'gemini-model', max_tokens: 200, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: PROMPT }] });
    expectSearchAnswer(message, 'tavily');
    expect(geminiFake.calls).toHaveLength(2);

    // The client continues the conversation with the blocks it was given; the model gets calls and results again.
    geminiFake.reset();
    vendors.calls.length = 0;
    const next = await client.messages.create({
      model: 'gemini-model',
      max_tokens: 200,
      tools: [SEARCH_TOOL],
      messages: [
        { role: 'user', content: PROMPT },
        { role: 'assistant', content: message.content },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(next.content[0].type).toBe('text');
    const contents = JSON.stringify(geminiFake.calls[0].body);
    expect(contents).toContain('functionCall');
    expect(contents).toContain(`Excerpt 1 from tavily about ${QUERY}.`);
  });

  // The vendor changes through the admin API of one replica: run on one process only.
  it.skipIf(testReplicas() > 1).each(['brave', 'searxng', 'jina'] as const)('searches through %s in its own format', async (vendor) => {
    await useVendor(vendor);
    try {
      const message = await client.messages.create({ model: 'chat-model', max_tokens: 200, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: PROMPT }] });
      expectSearchAnswer(message, vendor);
      expect(vendors.calls).toHaveLength(1);
      const call = vendors.calls[0];
      if (vendor === 'brave') {
        expect(call).toMatchObject({ method: 'GET', path: '/res/v1/web/search' });
        expect(call.query.get('q')).toBe(QUERY);
        expect(call.headers['x-subscription-token']).toBe(SEARCH_KEYS.brave);
      } else if (vendor === 'searxng') {
        expect(call).toMatchObject({ method: 'GET', path: '/search' });
        expect(call.query.get('format')).toBe('json');
      } else {
        expect(call).toMatchObject({ method: 'POST', path: '/', body: { q: QUERY, num: 3 } });
        expect(call.headers.accept).toBe('application/json');
      }
    } finally {
      await useVendor('tavily');
    }
  });

  it('tells the model a failed search in Anthropic’s error shape, and the admin API never shows the key', async () => {
    vendors.failNext(429);
    const message = await client.messages.create({ model: 'chat-model', max_tokens: 200, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: PROMPT }] });
    const result = message.content[1] as Anthropic.WebSearchToolResultBlock;
    expect(result.content).toEqual({ type: 'web_search_tool_result_error', error_code: 'too_many_requests' });

    const view = (await (await admin('/hosted-tools')).json()) as { webSearch: { apiKey: string; provider: string } };
    expect(view.webSearch.provider).toBe('tavily');
    expect(view.webSearch.apiKey).not.toContain(SEARCH_KEYS.tavily);
  });
});

describe('hosted tools in the config export', () => {
  it.skipIf(testReplicas() > 1)('exports the section without the search key, and importing it back keeps the stored key', async () => {
    const doc = (await (await admin('/config')).json()) as { hostedTools?: { webSearch?: Record<string, unknown> } };
    expect(doc.hostedTools?.webSearch).toMatchObject({ provider: 'tavily', maxResults: 3, pricePer1000: 10 });
    expect(doc.hostedTools?.webSearch).not.toHaveProperty('apiKey');
    expect(JSON.stringify(doc)).not.toContain(SEARCH_KEYS.tavily);

    const imported = await admin('/config', { method: 'POST', body: JSON.stringify(doc) });
    expect(imported.status).toBe(200);
    vendors.calls.length = 0;
    const message = await client.messages.create({ model: 'chat-model', max_tokens: 200, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: PROMPT }] });
    expectSearchAnswer(message, 'tavily');
    expect(vendors.calls[0].headers.authorization).toBe(`Bearer ${SEARCH_KEYS.tavily}`);
  });
});
