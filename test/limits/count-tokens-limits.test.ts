import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, startFakeGemini, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { anthropicClient, manualClock, testKey } from './helpers.js';

/** Token counting spends nothing, but a flood of it is refused by the key's rate limits like any other request. */
let ant: FakeUpstream;
let gem: FakeUpstream;
let gw: NodeGateway;
const clock = manualClock();
const keys = { anthropic: testKey('count-rpm-a'), gemini: testKey('count-rpm-g'), tight: testKey('count-tpm') };

beforeAll(async () => {
  [ant, gem] = await Promise.all([startFakeAnthropic(), startFakeGemini()]);
  gw = await startTestGateway({
    now: clock.now,
    extra: {
      upstreams: [
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: [{ key: 'fake-gemini-key' }] },
      ],
      models: [
        { id: 'claude-count', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini-count', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
      ],
      keys: [
        { name: 'count-rpm-a', key: keys.anthropic, limits: { rpm: 3 } },
        { name: 'count-rpm-g', key: keys.gemini, limits: { rpm: 2 } },
        // a token budget and tpm far below one count's tokens: counting spends neither
        { name: 'count-tpm', key: keys.tight, limits: { tpm: 1 }, budget: { tokens: 1, period: 'total' } },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([ant?.close(), gem?.close()]);
});

function geminiCount(key: string): Promise<Response> {
  return fetch(`${gw.url}/v1beta/models/gemini-count:countTokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'how many tokens is this' }] }] }),
  });
}

describe('count_tokens requests go through the rate limits', () => {
  it('Anthropic /v1/messages/count_tokens: past rpm, a 429 the SDK raises', async () => {
    const client = anthropicClient(gw, keys.anthropic);
    const count = () => client.messages.countTokens({ model: 'claude-count', messages: [{ role: 'user', content: 'how many tokens is this' }] });
    for (let i = 0; i < 3; i++) expect((await count()).input_tokens).toBe(21);
    const refused = await count().catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 429, error: { type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('3 requests per minute') } } });
    expect(ant.calls.filter((c) => c.path.startsWith('/v1/messages/count_tokens'))).toHaveLength(3);
  });

  it('Gemini countTokens: past rpm, a 429 in Google\'s shape', async () => {
    for (let i = 0; i < 2; i++) expect((await geminiCount(keys.gemini)).status).toBe(200);
    const refused = await geminiCount(keys.gemini);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });

  it('counting spends no tokens: tpm and token budgets are not taken', async () => {
    for (let i = 0; i < 3; i++) expect((await geminiCount(keys.tight)).status).toBe(200);
  });
});
