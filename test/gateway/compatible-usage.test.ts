import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { COMPATIBLE_VENDORS, startFakeCompatible, type CompatibleVendor } from '../fakes/compatible.js';
import type { FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// What each vendor's fixture (test/fixtures/compatible) says, as the row must store it:
// uncached input, cache reads and cache writes apart, all three parts of the vendor's `prompt_tokens`.
const EXPECTED: Record<CompatibleVendor, { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; outputTokens: number }> = {
  // prompt 1200 = 1024 hits (`prompt_cache_hit_tokens`) + 176 misses
  deepseek: { inputTokens: 176, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9 },
  // prompt 1300, 1100 written to the explicit cache (`prompt_tokens_details.cache_creation_input_tokens`)
  qwen: { inputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 1100, outputTokens: 9 },
  // prompt 900, 800 read from the context cache (top-level `cached_tokens`; streamed inside the last choice)
  moonshot: { inputTokens: 100, cacheReadTokens: 800, cacheWriteTokens: 0, outputTokens: 9 },
  // prompt 1500 = 1000 read + 300 written (`prompt_tokens_details.cache_write_tokens`) + 200
  openrouter: { inputTokens: 200, cacheReadTokens: 1000, cacheWriteTokens: 300, outputTokens: 9 },
};

let fake: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  fake = await startFakeCompatible();
  gw = await startTestGateway({
    extra: {
      upstreams: COMPATIBLE_VENDORS.map((vendor) => ({
        id: vendor,
        kind: 'openai',
        baseUrl: `${fake.url}/${vendor}/v1`,
        speaks: ['chat'],
        credentials: [{ key: `sk-${vendor}` }],
      })),
      models: COMPATIBLE_VENDORS.map((vendor) => ({ id: `m-${vendor}`, routes: [{ upstream: vendor, model: `${vendor}-model` }] })),
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
beforeEach(() => fake.reset());

describe.each(COMPATIBLE_VENDORS)("%s's cache figures reach the usage row", (vendor) => {
  it('passed through, whole', async () => {
    const res = await openai.chat.completions.create({ model: `m-${vendor}`, messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0]?.message.content).toBe('Cached hello.');
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ upstreamId: vendor, translation: null, usageEstimated: false, ...EXPECTED[vendor] });
  });

  it('passed through, streamed', async () => {
    const stream = await openai.chat.completions.create({ model: `m-${vendor}`, messages: [{ role: 'user', content: 'hello' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Cached hello.');
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ upstreamId: vendor, stream: true, usageEstimated: false, ...EXPECTED[vendor] });
  });

  it('translated for an Anthropic client, streamed, with the figures in its own meaning', async () => {
    const stream = anthropic.messages.stream({ model: `m-${vendor}`, max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] });
    const final = await stream.finalMessage();
    const expected = EXPECTED[vendor];
    // Anthropic's input_tokens leaves cache reads and writes out, as the row does.
    expect(final.usage).toMatchObject({
      input_tokens: expected.inputTokens,
      cache_read_input_tokens: expected.cacheReadTokens,
      cache_creation_input_tokens: expected.cacheWriteTokens,
      output_tokens: expected.outputTokens,
    });
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ translation: 'anthropic-messages -> openai-chat', ...expected });
  });
});
