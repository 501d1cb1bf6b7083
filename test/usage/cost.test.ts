import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { FAKE_USAGE, startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { costOf, createPriceLookup, priceFor, SHIPPED_PRICES } from '../../src/usage/cost.js';
import { configSchema } from '../../src/config/schema.js';
import { formatCost } from '../../src/cli/commands/usage.js';
import { ZERO_USAGE, type Usage } from '../../src/translate/ir.js';

const usage = (u: Partial<Usage>): Usage => ({ ...ZERO_USAGE, ...u });

describe('priceFor', () => {
  it('finds exact ids and dated snapshots by the longest known id', () => {
    expect(priceFor('gpt-4o')).toEqual({ input: 2.5, output: 10, cacheRead: 1.25 });
    expect(priceFor('gpt-4o-2024-08-06')).toBe(SHIPPED_PRICES['gpt-4o']);
    expect(priceFor('gpt-4o-mini-2024-07-18')).toBe(SHIPPED_PRICES['gpt-4o-mini']);
    expect(priceFor('gpt-4.1-nano-2025-04-14')).toBe(SHIPPED_PRICES['gpt-4.1-nano']);
    expect(priceFor('claude-sonnet-4-5-20250929')).toBe(SHIPPED_PRICES['claude-sonnet-4-5']);
    expect(priceFor('claude-opus-4-1-20250805')).toBe(SHIPPED_PRICES['claude-opus-4-1']);
    expect(priceFor('claude-sonnet-4-5@20250929')).toBe(SHIPPED_PRICES['claude-sonnet-4-5']);
    expect(priceFor('claude-3-5-haiku-latest')).toBe(SHIPPED_PRICES['claude-3-5-haiku']);
    expect(priceFor('models/gemini-2.5-flash')).toBe(SHIPPED_PRICES['gemini-2.5-flash']);
    expect(priceFor('gemini-2.5-flash-lite')).toBe(SHIPPED_PRICES['gemini-2.5-flash-lite']);
  });

  it('knows nothing of other models, even ones that start like a known id', () => {
    expect(priceFor('fake-model')).toBeNull();
    expect(priceFor('o3-pro')).toBeNull();
    expect(priceFor('gpt-4o-audio-preview')).toBeNull();
    expect(priceFor(null, undefined, '')).toBeNull();
  });

  it('tries the upstream id first, then the public one', () => {
    expect(priceFor('claude-haiku-4-5-20251001', 'gpt-4o')).toBe(SHIPPED_PRICES['claude-haiku-4-5']);
    expect(priceFor('house-model', 'gpt-4o')).toBe(SHIPPED_PRICES['gpt-4o']);
  });

  it('lays config prices over the shipped table', () => {
    const prices = createPriceLookup({ 'my-model': { input: 1, output: 2 }, 'gpt-4o': { input: 3, output: 4 } });
    expect(prices('my-model')).toEqual({ input: 1, output: 2 });
    expect(prices('my-model-20250101')).toEqual({ input: 1, output: 2 });
    expect(prices('gpt-4o-2024-08-06')).toEqual({ input: 3, output: 4 });
    expect(prices('gpt-4o-mini')).toBe(SHIPPED_PRICES['gpt-4o-mini']);
    expect(priceFor('my-model')).toBeNull();
  });

  it('accepts prices in the config file and refuses bad ones', () => {
    const ok = configSchema.parse({ prices: { 'my-model': { input: 1, output: 2, cacheRead: 0.1 } } });
    expect(ok.prices).toEqual({ 'my-model': { input: 1, output: 2, cacheRead: 0.1 } });
    expect(configSchema.parse({}).prices).toEqual({});
    expect(configSchema.safeParse({ prices: { m: { input: -1, output: 2 } } }).success).toBe(false);
    expect(configSchema.safeParse({ prices: { m: { input: 1 } } }).success).toBe(false);
    expect(configSchema.safeParse({ prices: { m: { input: 1, output: 2, cached: 1 } } }).success).toBe(false);
  });
});

describe('costOf', () => {
  it('charges uncached input, cache reads and writes, output and reasoning apart', () => {
    const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, reasoning: 20 };
    // 1000×3 + 2000×0.3 + 400×3.75 + (500−100)×15 + 100×20 = 3000 + 600 + 1500 + 6000 + 2000 = 13100 per million
    expect(
      costOf(usage({ inputTokens: 1000, cacheReadTokens: 2000, cacheWriteTokens: 400, outputTokens: 500, reasoningTokens: 100 }), price),
    ).toBe(0.0131);
  });

  it('bills reasoning as output when no reasoning price is listed', () => {
    expect(costOf(usage({ outputTokens: 1_000_000, reasoningTokens: 400_000 }), { input: 1, output: 8 })).toBe(8);
  });

  it('charges cache reads and writes at the input price when their prices are unknown', () => {
    expect(costOf(usage({ cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 }), { input: 2, output: 8 })).toBe(4);
  });

  it('is unknown (null), not zero, without a price; zero only when no tokens were used', () => {
    expect(costOf(usage({ inputTokens: 10, outputTokens: 5 }), null)).toBeNull();
    expect(costOf(ZERO_USAGE, null)).toBe(0);
    expect(costOf(ZERO_USAGE, { input: 1, output: 1 })).toBe(0);
  });

  it('reads as the decimal it is', () => {
    expect(costOf(usage({ inputTokens: 1, outputTokens: 2 }), { input: 0.1, output: 0.1 })).toBe(0.0000003);
  });
});

describe('the CLI cost column', () => {
  it('says unknown, marks partial sums, and shows small costs', () => {
    expect(formatCost(null, 3)).toBe('unknown');
    expect(formatCost(0.000421025, 0)).toBe('0.000421');
    expect(formatCost(0.000421025, 1)).toBe('~0.000421');
    expect(formatCost(12.345, 0)).toBe('12.35');
  });
});

describe('cost through the gateway', () => {
  let oai: FakeUpstream;
  let ant: FakeUpstream;
  let gw: NodeGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  // The fakes' usage (test/fakes/usage.ts): OpenAI chat 11 prompt (3 cached) → 8 uncached input,
  // 3 cache reads, 7 output of which 2 reasoning; Anthropic 13 input, 4 cache reads, 5 cache writes, 9 output.
  // gpt-4o-mini (the upstream id wins over the public `gpt-4o`): 8×0.15 + 3×0.075 + 7×0.6 = 5.625 per million.
  const CHEAP = 0.000005625;
  // gpt-4.1-nano (the public id, the upstream one has no price): 8×0.1 + 3×0.025 + 7×0.4 = 3.675 per million.
  const NANO = 0.000003675;
  // claude-sonnet-4-5: 13×3 + 4×0.3 + 5×3.75 + 9×15 = 193.95 per million.
  const SONNET = 0.00019395;
  // house-model from the config: 8×1 + 3×0.5 + 5×2 + 2×4 = 27.5 per million.
  const HOUSE = 0.0000275;

  beforeAll(async () => {
    expect(FAKE_USAGE.openai.chat).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    expect(FAKE_USAGE.anthropic.messages).toMatchObject({ input_tokens: 13, output_tokens: 9 });
    oai = await startFakeOpenAI();
    ant = await startFakeAnthropic();
    gw = await startTestGateway({
      openaiUrl: oai.url,
      anthropicUrl: ant.url,
      extra: {
        models: [
          { id: 'gpt-4o', routes: [{ upstream: 'oai', model: 'gpt-4o-mini-2024-07-18' }] },
          { id: 'gpt-4.1-nano', routes: [{ upstream: 'oai', model: 'nano-deployment' }] },
          { id: 'sonnet', routes: [{ upstream: 'ant', model: 'claude-sonnet-4-5-20250929' }] },
          { id: 'house', routes: [{ upstream: 'oai', model: 'house-model' }] },
          { id: 'mystery', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        ],
        prices: { 'house-model': { input: 1, output: 2, cacheRead: 0.5, reasoning: 4 } },
      },
    });
    openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await oai?.close();
    await ant?.close();
  });

  it('stores each request cost in its log row and sums it in the usage report', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    for (const model of ['gpt-4o', 'gpt-4.1-nano', 'house', 'mystery']) await openai.chat.completions.create({ model, messages });
    await anthropic.messages.create({ model: 'sonnet', max_tokens: 16, messages });
    const stream = await anthropic.messages.create({ model: 'sonnet', max_tokens: 16, messages, stream: true });
    for await (const event of stream) void event;

    const rows = await logRows(gw);
    const costs = (model: string) => rows.filter((r) => r.model === model).map((r) => r.costUsd);
    expect(costs('gpt-4o')).toEqual([CHEAP]);
    expect(costs('gpt-4.1-nano')).toEqual([NANO]);
    expect(costs('house')).toEqual([HOUSE]);
    expect(costs('mystery')).toEqual([null]);
    expect(costs('sonnet')).toEqual([SONNET, SONNET]);
    expect(rows.find((r) => r.model === 'mystery')!.outputTokens).toBe(7);

    const res = await fetch(`${gw.url}/admin/api/usage?by=model`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      rows: { value: string; costUsd: number | null; unpricedRequests: number }[];
      totals: { costUsd: number | null; unpricedRequests: number; requests: number };
    };
    const byModel = Object.fromEntries(report.rows.map((r) => [r.value, { costUsd: r.costUsd, unpricedRequests: r.unpricedRequests }]));
    expect(byModel).toEqual({
      'gpt-4o': { costUsd: CHEAP, unpricedRequests: 0 },
      'gpt-4.1-nano': { costUsd: NANO, unpricedRequests: 0 },
      house: { costUsd: HOUSE, unpricedRequests: 0 },
      mystery: { costUsd: null, unpricedRequests: 1 },
      sonnet: { costUsd: 0.0003879, unpricedRequests: 0 },
    });
    // A partial total: the priced requests' sum, with the unpriced one counted apart.
    expect(report.totals).toMatchObject({ requests: 6, costUsd: 0.0004247, unpricedRequests: 1 });
  });
});
