import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { SEARCH_KEYS, startFakeSearchVendors, type FakeSearchVendors } from '../fakes/search-vendors.js';
import { eventually, startTestGateway } from '../helpers/gateway.js';
import { anthropicClient, openaiClient, testKey } from '../limits/helpers.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Hosted tools and budgets (docs/hosted-tools.md, docs/limits.md): the searches a request may run
// and the image it may make are reserved against its key's and group's USD budget before it runs,
// as its tokens are, and settled with what was really spent (its searches, its images' own rows).

const SEARCH_PROMPT = 'scenario:websearch budget news';
const SEARCH_TOOL = { type: 'web_search_20250305' as const, name: 'web_search' as const };
const keys = { searcher: testKey('hosted-searcher'), other: testKey('hosted-other'), teammate: testKey('hosted-teammate'), painter: testKey('hosted-painter') };

let slow: FakeUpstream;
let vendors: FakeSearchVendors;
let gw: NodeGateway;

beforeAll(async () => {
  // Slow chunks keep the first request in flight while the others are asked.
  slow = await startFakeOpenAI({ chunkDelayMs: 120 });
  vendors = await startFakeSearchVendors();
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        { id: 'chat-only', kind: 'openai', baseUrl: `${slow.url}/v1`, speaks: ['chat'], credentials: [{ key: 'sk-fake-openai' }] },
      ],
      models: [
        { id: 'chat-model', routes: [{ upstream: 'chat-only', model: 'gpt-4o' }] },
        { id: 'image-model', routes: [{ upstream: 'mock', model: 'gpt-image-1' }] },
      ],
      prices: { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-image-1': { image: 0.04 } },
      // Five searches at $10 per 1,000: $0.05 reserved for a request that may search.
      hostedTools: {
        webSearch: { provider: 'tavily', apiKey: SEARCH_KEYS.tavily, baseUrl: vendors.urls.tavily, maxResults: 3, maxUses: 5, pricePer1000: 10 },
        imageGeneration: { model: 'image-model' },
      },
      keys: [
        { name: 'hosted-searcher', group: 'searchers', key: keys.searcher, budget: { usd: 0.04, period: 'month' } },
        { name: 'hosted-other', group: 'team', key: keys.other },
        { name: 'hosted-teammate', group: 'team', key: keys.teammate },
        { name: 'hosted-painter', group: 'painters', key: keys.painter, budget: { usd: 0.05, period: 'month' } },
      ],
      groups: [{ id: 'team', budget: { usd: 0.04, period: 'month' } }],
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await slow?.close();
  await vendors?.close();
});

function search(client: Anthropic) {
  return client.messages.create({ model: 'chat-model', max_tokens: 100, tools: [SEARCH_TOOL], messages: [{ role: 'user', content: SEARCH_PROMPT }] });
}

/** Waits until the slow upstream has been asked `n` times in all (the request is admitted and running). */
async function untilAsked(n: number): Promise<void> {
  await eventually(() => expect(slow.calls.length).toBeGreaterThanOrEqual(n), 5000);
}

describe('hosted tools against budgets', () => {
  it('reserves the searches before the request runs: while it is in flight the key is refused in each protocol’s shape, and after it only what was spent stays', async () => {
    const asked = slow.calls.length;
    // The first turn's stream stops after its first event for two seconds: the request is surely in flight meanwhile.
    slow.failNext({ kind: 'stall-mid-stream', afterEvents: 1, ms: 2000 });
    const first = search(anthropicClient(gw, keys.searcher));
    await untilAsked(asked + 1);

    // $0.05 of searches reserved against $0.04: the key's next request is refused while the first runs.
    const refusal = await search(anthropicClient(gw, keys.searcher)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Anthropic.RateLimitError);
    expect((refusal as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'budget_exceeded_error' } });
    const openaiRefusal = await openaiClient(gw, keys.searcher)
      .responses.create({ model: 'chat-model', input: 'hi' })
      .catch((e: unknown) => e);
    expect(openaiRefusal).toMatchObject({ status: 429, code: 'budget_exceeded' });

    const message = await first;
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
    // Settled with one search ($0.01) and the tokens: the key may search again.
    await eventually(async () => expect((await search(anthropicClient(gw, keys.searcher))).content[0].type).toBe('server_tool_use'), 5000);
  });

  it('reserves against the group’s budget too', async () => {
    const asked = slow.calls.length;
    slow.failNext({ kind: 'stall-mid-stream', afterEvents: 1, ms: 2000 });
    const first = search(anthropicClient(gw, keys.other));
    await untilAsked(asked + 1);
    await expect(search(anthropicClient(gw, keys.teammate))).rejects.toMatchObject({ status: 429, error: { error: { type: 'budget_exceeded_error', message: expect.stringContaining('group team') } } });
    await first;
  });

  it('settles the images a request made against its budget', async () => {
    const painter = openaiClient(gw, keys.painter);
    const paint = () => painter.responses.create({ model: 'chat-model', input: 'scenario:image a red boat', tools: [{ type: 'image_generation' }] });
    // $0.04 an image against $0.05: the first ends below the budget, the second crosses it, the third is refused.
    expect((await paint()).output[0].type).toBe('image_generation_call');
    expect((await paint()).output[0].type).toBe('image_generation_call');
    await eventually(async () => expect(await paint().catch((e: unknown) => e)).toMatchObject({ status: 429, code: 'budget_exceeded' }), 3000);
  });
});
