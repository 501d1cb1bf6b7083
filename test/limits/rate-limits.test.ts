import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { admin, anthropicClient, chat, manualClock, openaiClient, outcomes, testKey } from './helpers.js';

const RPM_OPENAI = testKey('rpm-openai');
const RPM_ANTHROPIC = testKey('rpm-anthropic');
const TPM = testKey('tpm');
const CONCURRENT = testKey('concurrent');
const MEMBER_1 = testKey('member-1');
const MEMBER_2 = testKey('member-2');
const GEMINI = testKey('gemini');

let openai: FakeUpstream;
let anthropic: FakeUpstream;
let gw: NodeGateway;
const clock = manualClock();

beforeAll(async () => {
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  gw = await startTestGateway({
    openaiUrl: openai.url,
    anthropicUrl: anthropic.url,
    now: clock.now,
    extra: {
      keys: [
        { name: 'rpm-openai', group: 'solo-1', key: RPM_OPENAI, limits: { rpm: 50 } },
        { name: 'rpm-anthropic', group: 'solo-2', key: RPM_ANTHROPIC, limits: { rpm: 50 } },
        { name: 'tpm', group: 'solo-3', key: TPM, limits: { tpm: 100 } },
        { name: 'concurrent', group: 'solo-4', key: CONCURRENT, limits: { concurrent: 2 } },
        { name: 'member-1', group: 'team-x', key: MEMBER_1 },
        { name: 'member-2', group: 'team-x', key: MEMBER_2 },
        { name: 'gemini', group: 'solo-5', key: GEMINI, limits: { rpm: 1 } },
      ],
      groups: [{ id: 'team-x', limits: { rpm: 3 } }],
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await openai?.close();
  await anthropic?.close();
});

beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

const header = (headers: Headers | Record<string, string> | undefined, name: string) =>
  headers instanceof Headers ? headers.get(name) : headers?.[name];

describe('requests per minute', () => {
  it('lets exactly 50 of 200 concurrent OpenAI requests through; the rest get 429 in OpenAI shape with Retry-After and x-ratelimit-*', async () => {
    const client = openaiClient(gw, RPM_OPENAI);
    const { ok, errors } = outcomes(await Promise.allSettled(Array.from({ length: 200 }, () => chat(client))));

    expect(ok).toHaveLength(50);
    expect(errors).toHaveLength(150);
    expect(openai.calls.filter((c) => c.path.startsWith('/v1/chat/completions'))).toHaveLength(50);

    // Each admitted request saw one fewer remaining: 49 down to 0, every figure once.
    const remaining = ok.map(({ response }) => Number(response.headers.get('x-ratelimit-remaining-requests'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(ok[0]!.response.headers.get('x-ratelimit-limit-requests')).toBe('50');

    for (const err of errors) {
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err.status).toBe(429);
      expect(err.code).toBe('rate_limit_exceeded');
      expect(err.type).toBe('rate_limit_error');
      expect(err.message).toContain('50 requests per minute for key rpm-openai');
      // The clock stands 30 s into its minute.
      expect(header(err.headers, 'retry-after')).toBe('30');
      expect(header(err.headers, 'x-ratelimit-limit-requests')).toBe('50');
      expect(header(err.headers, 'x-ratelimit-remaining-requests')).toBe('0');
      expect(header(err.headers, 'x-ratelimit-reset-requests')).toBe('30s');
    }

    const blocked = (await logRows(gw)).filter((r) => r.status === 429 && r.error?.includes('rpm-openai'));
    expect(blocked).toHaveLength(150);
    for (const row of blocked) {
      expect(row.outcome).toBe('error');
      expect(row.upstreamId).toBeNull();
    }
  });

  it('does the same for Anthropic clients, in Anthropic error shape, and opens again in the next minute', async () => {
    const client = anthropicClient(gw, RPM_ANTHROPIC);
    const send = () => client.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const { ok, errors } = outcomes(await Promise.allSettled(Array.from({ length: 200 }, send)));

    expect(ok).toHaveLength(50);
    expect(errors).toHaveLength(150);
    expect(anthropic.calls.filter((c) => c.path.startsWith('/v1/messages'))).toHaveLength(50);
    for (const err of errors) {
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect(err.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('50 requests per minute') } });
      expect(header(err.headers, 'retry-after')).toBe('30');
      expect(header(err.headers, 'x-ratelimit-remaining-requests')).toBe('0');
    }

    clock.advance(60_000);
    await expect(send()).resolves.toMatchObject({ type: 'message' });
  });

  it('answers Gemini clients with RESOURCE_EXHAUSTED', async () => {
    const call = () =>
      fetch(`${gw.url}/v1beta/models/mock-model:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': GEMINI, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      });
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toEqual({ error: { code: 429, message: expect.stringContaining('1 requests per minute'), status: 'RESOURCE_EXHAUSTED' } });
  });
});

describe('tokens per minute', () => {
  it('admits while the minute has tokens left, settles each request to its real usage, and says so in x-ratelimit-*-tokens', async () => {
    const client = openaiClient(gw, TPM);
    clock.advance(60_000);
    const seen: number[] = [];
    let refused: any;
    for (let i = 0; i < 10 && !refused; i++) {
      try {
        const { response } = await chat(client);
        seen.push(Number(response.headers.get('x-ratelimit-remaining-tokens')));
      } catch (err) {
        refused = err;
      }
    }
    // Every answer uses 8 + 3 cached input and 7 output tokens (test/fakes/usage.ts): 18 each.
    // After five, 90 < 100 are used, so a sixth goes through and crosses; the seventh is refused.
    expect(seen).toHaveLength(6);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.message).toContain('100 tokens per minute');
    expect(header(refused.headers, 'x-ratelimit-limit-tokens')).toBe('100');
    expect(header(refused.headers, 'x-ratelimit-remaining-tokens')).toBe('0');
    expect(header(refused.headers, 'x-ratelimit-reset-tokens')).toBe('30s');
    // The remaining figure is after this request's reservation (an estimate of its tokens), so it falls to 0.
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[0]).toBeLessThan(100 - 18);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(0);

    const status = await admin(gw, 'GET', `/keys/${keyId('tpm')}/limits`);
    expect(status.body.counters).toEqual([
      { dimension: 'tpm', limit: 100, used: 108, remaining: 0, resetAt: Date.UTC(2025, 0, 15, 12, 3, 0) },
    ]);
    expect(status.body.blocks).toEqual({ tpm: 1 });

    clock.advance(60_000);
    await expect(chat(client)).resolves.toBeTruthy();
  });
});

describe('concurrent requests', () => {
  it('holds a slot for each request in flight and gives it back when the request ends', async () => {
    const client = openaiClient(gw, CONCURRENT);
    openai.failNext({ kind: 'slow-first-byte', ms: 300 }, 2);
    const { ok, errors } = outcomes(await Promise.allSettled(Array.from({ length: 5 }, () => chat(client))));
    expect(ok).toHaveLength(2);
    expect(errors).toHaveLength(3);
    for (const err of errors) {
      expect(err.status).toBe(429);
      expect(err.message).toContain('2 concurrent requests for key concurrent');
      expect(header(err.headers, 'retry-after')).toBe('1');
    }
    // Both slots are free again.
    const again = outcomes(await Promise.allSettled([chat(client), chat(client)]));
    expect(again.ok).toHaveLength(2);
  });

  it('keeps the slot for a stream until the stream ends', async () => {
    const client = openaiClient(gw, CONCURRENT);
    // Both streams pause after their first event, so they are still in flight when the third request comes.
    openai.failNext({ kind: 'stall-mid-stream', afterEvents: 1, ms: 400 }, 2);
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const second = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(chat(client)).rejects.toMatchObject({ status: 429 });
    for await (const _ of stream) void _;
    for await (const _ of second) void _;
    // The slots are released when the row is finished, right after the last event.
    await expectEventually(async () => (await chat(client)).response.status === 200);
  });
});

describe('group limits', () => {
  it('counts every key of the group together', async () => {
    clock.advance(60_000);
    const first = openaiClient(gw, MEMBER_1);
    const second = openaiClient(gw, MEMBER_2);
    await chat(first);
    await chat(second);
    await chat(first);
    const err = await chat(second).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as Error).message).toContain('3 requests per minute for group team-x');

    const report = await admin(gw, 'GET', '/limits');
    expect(report.body.groups).toEqual([
      expect.objectContaining({ id: 'team-x', limits: { rpm: 3 }, counters: [expect.objectContaining({ dimension: 'rpm', used: 3, remaining: 0 })], blocks: { rpm: 1 } }),
    ]);
    expect(report.body.blocks.byReason['group.rpm']).toBe(1);
    expect(report.body.blocks.byReason['key.rpm']).toBeGreaterThanOrEqual(300);
  });

  it('covers requests narrowed to a sub-group', async () => {
    clock.advance(60_000);
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MEMBER_1, maxRetries: 0, defaultHeaders: { 'x-switchboard-group': 'team-x/docs' } });
    for (let i = 0; i < 3; i++) await chat(client);
    await expect(chat(openaiClient(gw, MEMBER_2))).rejects.toMatchObject({ status: 429 });
  });

  it('is set, changed and removed through the admin API and applies to the next request', async () => {
    clock.advance(60_000);
    const put = await admin(gw, 'PUT', '/limits/groups/team-x', { limits: { rpm: 1 } });
    expect(put.status).toBe(200);
    const client = openaiClient(gw, MEMBER_1);
    await chat(client);
    await expect(chat(client)).rejects.toMatchObject({ status: 429 });

    expect((await admin(gw, 'DELETE', '/limits/groups/team-x')).body).toEqual({ id: 'team-x', deleted: true });
    await expect(chat(client)).resolves.toBeTruthy();
    expect((await admin(gw, 'GET', '/limits/groups/team-x')).status).toBe(404);

    const bad = await admin(gw, 'PUT', '/limits/groups/team-x', { limits: { rpm: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('limits.rpm');
  });
});

describe('key limits through the admin API', () => {
  it('PATCH /keys/:id changes them for the next request, and GET /keys/:id/limits shows the counters', async () => {
    clock.advance(60_000);
    const id = keyId('member-2');
    expect((await admin(gw, 'PATCH', `/keys/${id}`, { limits: { rpm: 2 } })).status).toBe(200);
    const client = openaiClient(gw, MEMBER_2);
    await chat(client);
    const status = await admin(gw, 'GET', `/keys/${id}/limits`);
    expect(status.body).toMatchObject({ id, name: 'member-2', group: 'team-x', limits: { rpm: 2 }, budget: null });
    expect(status.body.counters).toEqual([{ dimension: 'rpm', limit: 2, used: 1, remaining: 1, resetAt: expect.any(Number) }]);
    await chat(client);
    await expect(chat(client)).rejects.toMatchObject({ status: 429 });

    await admin(gw, 'PATCH', `/keys/${id}`, { limits: null });
    await expect(chat(client)).resolves.toBeTruthy();
    expect((await admin(gw, 'GET', '/keys/key_nope/limits')).status).toBe(404);
  });
});

describe('count_tokens', () => {
  it('counts toward rpm like any request: a flood of counts is refused (test/limits/count-tokens-limits.test.ts)', async () => {
    clock.advance(60_000);
    const client = anthropicClient(gw, RPM_ANTHROPIC);
    for (let i = 0; i < 50; i++) await client.messages.countTokens({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] });
    await expect(client.messages.create({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 429 });
  });
});

function keyId(name: string): string {
  for (const key of gw.ctx.catalog.current().keysById.values()) if (key.name === name) return key.id;
  throw new Error(`no key ${name}`);
}

async function expectEventually(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 3000;
  for (;;) {
    const passed = await check().catch(() => false);
    if (passed) return;
    if (Date.now() > until) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 20));
  }
}
