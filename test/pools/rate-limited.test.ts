import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// A pool of two OpenAI credentials and one Anthropic credential, each model on one pool.
const POOL_KEYS = ['sk-limited-one-1111', 'sk-limited-two-2222'];

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;

const keyOf = (call: FakeCall) => String(call.headers.authorization ?? '').replace('Bearer ', '');
const withKey = (key: string) => (call: FakeCall) => keyOf(call) === key;
const hello = [{ role: 'user' as const, content: 'hello' }];

beforeAll(async () => {
  oai = await startFakeOpenAI({ apiKeys: POOL_KEYS });
  ant = await startFakeAnthropic();
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'pool', kind: 'openai', baseUrl: `${oai.url}/v1`, credentials: POOL_KEYS.map((key, i) => ({ id: `cred-${i + 1}`, key })) },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ id: 'cred-ant', key: 'sk-ant-fake' }] },
      ],
      models: [
        { id: 'gpt-pooled', routes: [{ upstream: 'pool', model: 'gpt-upstream' }] },
        { id: 'claude-pooled', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
      ],
      retry: { backoffMs: 1, maxAttempts: 4 },
      health: { probeIntervalMs: 0, failuresBeforeCooling: 1, cooldownMs: 60_000 },
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
beforeEach(() => {
  oai.reset();
  ant.reset();
  gw.ctx.pools.resetAll(Date.now());
});

describe('a pool waiting out its upstream 429s answers 429, not 503', () => {
  it('OpenAI shape: every try 429 gives the earliest reset; the next request gets 429 without reaching the upstream', async () => {
    // The first credential resets sooner than the second (the one tried last).
    oai.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '5' } }, 1, withKey(POOL_KEYS[0]));
    oai.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '40' } }, 1, withKey(POOL_KEYS[1]));
    const first = await openai.chat.completions.create({ model: 'gpt-pooled', messages: hello }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((first as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBe(5);
    expect(oai.calls).toHaveLength(2);

    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-pooled', messages: hello }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(4);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    expect(oai.calls).toHaveLength(2);
    expect((await logRows(gw))[0]).toMatchObject({ status: 429, outcome: 'error', model: 'gpt-pooled' });
  });

  it('Anthropic shape, pass-through and translated: rate_limit_error with Retry-After', async () => {
    ant.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '20' } });
    const first = await anthropic.messages.create({ model: 'claude-pooled', max_tokens: 5, messages: hello }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Anthropic.RateLimitError);

    const again = await anthropic.messages.create({ model: 'claude-pooled', max_tokens: 5, messages: hello }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Anthropic.RateLimitError);
    const error = again as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(19);
    expect(ant.calls).toHaveLength(1);

    // An Anthropic client on the rate-limited OpenAI pool (translated) hears it in its own shape too.
    oai.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '30' } }, 2);
    await openai.chat.completions.create({ model: 'gpt-pooled', messages: hello }).catch(() => {});
    const translated = await anthropic.messages.create({ model: 'gpt-pooled', max_tokens: 5, messages: hello }).catch((e: unknown) => e);
    expect(translated).toBeInstanceOf(Anthropic.RateLimitError);
    expect((translated as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(Number((translated as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThanOrEqual(29);
  });

  it('503 stays for pools that are broken or disabled, in both shapes', async () => {
    // One credential refused (disabled), the other cooling after 5xx: broken, not rate limited.
    oai.failNext({ kind: 'status', status: 401 }, 1, withKey(POOL_KEYS[0]));
    oai.failNext({ kind: 'status', status: 500 }, 1, withKey(POOL_KEYS[1]));
    await openai.chat.completions.create({ model: 'gpt-pooled', messages: hello }).catch(() => {});
    const err = await openai.chat.completions.create({ model: 'gpt-pooled', messages: hello }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).code).toBe('upstreams_unavailable');

    ant.failNext({ kind: 'status', status: 401 });
    await anthropic.messages.create({ model: 'claude-pooled', max_tokens: 5, messages: hello }).catch(() => {});
    const aerr = await anthropic.messages.create({ model: 'claude-pooled', max_tokens: 5, messages: hello }).catch((e: unknown) => e);
    expect((aerr as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect((aerr as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('a disabled credential beside a rate-limited one: waiting helps, so 429', async () => {
    oai.failNext({ kind: 'status', status: 401 }, 1, withKey(POOL_KEYS[0]));
    oai.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '12' } }, 1, withKey(POOL_KEYS[1]));
    await openai.chat.completions.create({ model: 'gpt-pooled', messages: hello }).catch(() => {});
    const err = await openai.chat.completions.create({ model: 'gpt-pooled', messages: hello }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThanOrEqual(11);
  });
});
