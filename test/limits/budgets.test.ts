import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, tempDir } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { estimateRequest } from '../../src/policy/reservation.js';
import { admin, anthropicClient, chat, manualClock, openaiClient, outcomes, testKey } from './helpers.js';

/**
 * Every fake answer uses 8 uncached + 3 cached input and 7 output tokens
 * (test/fakes/usage.ts); at $100 per million tokens for each, a request costs
 * 18 × 100 / 1e6 = $0.0018.
 */
const PRICES = { 'gpt-upstream': { input: 100, output: 100 }, 'claude-upstream': { input: 100, output: 100 } };
const COST = 0.0018;
const CHAT_BODY = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 };

let openai: FakeUpstream;
let anthropic: FakeUpstream;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
});

afterAll(async () => {
  await openai?.close();
  await anthropic?.close();
});

beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

const header = (headers: Headers | Record<string, string> | undefined, name: string) =>
  headers instanceof Headers ? headers.get(name) : headers?.[name];

/** Sends one request after another until one is refused; returns how many went through and the refusal. */
async function untilRefused(send: () => Promise<unknown>, max = 50): Promise<{ passed: number; refusal: any }> {
  for (let passed = 0; passed < max; passed++) {
    try {
      await send();
    } catch (refusal) {
      return { passed, refusal };
    }
  }
  throw new Error(`no refusal after ${max} requests`);
}

describe('budgets', () => {
  let gw: NodeGateway;
  const clock = manualClock();
  const keys = {
    monthly: testKey('monthly'),
    anthropic: testKey('anthropic-budget'),
    burst: testKey('burst'),
    daily: testKey('daily'),
    lifetime: testKey('lifetime'),
    late: testKey('late'),
    memberA: testKey('budget-member-a'),
    memberB: testKey('budget-member-b'),
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      openaiUrl: openai.url,
      anthropicUrl: anthropic.url,
      now: clock.now,
      extra: {
        prices: PRICES,
        keys: [
          { name: 'monthly', group: 'g1', key: keys.monthly, budget: { usd: 0.01, period: 'month' } },
          { name: 'anthropic-budget', group: 'g2', key: keys.anthropic, budget: { usd: 0.003 } },
          { name: 'burst', group: 'g3', key: keys.burst, budget: { usd: 0.01, period: 'day' } },
          { name: 'daily', group: 'g4', key: keys.daily, budget: { usd: 0.002, period: 'day' } },
          { name: 'lifetime', group: 'g5', key: keys.lifetime, budget: { tokens: 30, period: 'total' } },
          { name: 'late', group: 'g6', key: keys.late },
          { name: 'budget-member-a', group: 'shared', key: keys.memberA },
          { name: 'budget-member-b', group: 'shared', key: keys.memberB },
        ],
        groups: [{ id: 'shared', budget: { usd: 0.005, period: 'week' } }],
      },
    });
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('stops a key after the request that crosses its budget, with an OpenAI insufficient_quota error that SDKs do not retry', async () => {
    const { passed, refusal } = await untilRefused(() => chat(openaiClient(gw, keys.monthly)));
    // $0.0018 each: after five, $0.009 < $0.01 is spent, so the sixth goes through and crosses.
    expect(passed).toBe(6);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refusal.type).toBe('insufficient_quota');
    expect(refusal.code).toBe('budget_exceeded');
    expect(refusal.error.message).toBe('budget exhausted: $0.01 per month for key monthly; it resets at 2025-02-01T00:00:00.000Z');
    expect(header(refusal.headers, 'x-should-retry')).toBe('false');
    // From 2025-01-15 12:00:30 to 2025-02-01 00:00:00.
    expect(header(refusal.headers, 'retry-after')).toBe(String((Date.UTC(2025, 1, 1) - clock.t) / 1000));

    const rows = (await logRows(gw)).filter((r) => r.error?.includes('key monthly'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 429, outcome: 'error', upstreamId: null });
    const status = await admin(gw, 'GET', `/keys/${rows[0]!.keyId}/limits`);
    expect(status.body.counters).toEqual([
      { dimension: 'budget-usd', limit: 0.01, used: expect.closeTo(6 * COST, 9), remaining: 0, resetAt: Date.UTC(2025, 1, 1) },
    ]);
    expect(status.body.blocks).toEqual({ 'budget-usd': 1 });
  });

  it('answers Anthropic clients with a budget_exceeded_error', async () => {
    const client = anthropicClient(gw, keys.anthropic);
    const send = () => client.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    // Anthropic's usage is 13 input + 9 output + 5 cache write + 4 cache read = 31 tokens: $0.0031 > $0.003.
    const { passed, refusal } = await untilRefused(send);
    expect(passed).toBe(1);
    expect(refusal).toBeInstanceOf(Anthropic.RateLimitError);
    expect(refusal.error).toEqual({ type: 'error', error: { type: 'budget_exceeded_error', message: expect.stringContaining('budget exhausted: $0.003 per month') } });
  });

  it('never overshoots by more than the requests in flight: a burst is cut by the reservations', async () => {
    const client = openaiClient(gw, keys.burst);
    // Slow enough that the whole burst is admitted (or refused) while the first requests are still in flight.
    openai.failNext({ kind: 'slow-first-byte', ms: 1500 }, 30);
    const burst = outcomes(await Promise.allSettled(Array.from({ length: 30 }, () => chat(client))));

    // Each request reserves its estimate until it ends, so no more can start than the estimates fit under the budget.
    const reserved = estimateRequest('chat', { json: CHAT_BODY, model: 'gpt-test', stream: false }, PRICES['gpt-upstream']).usd;
    expect(reserved).toBeGreaterThan(COST);
    expect(burst.ok.length).toBeGreaterThan(0);
    expect(burst.ok.length).toBeLessThanOrEqual(Math.ceil(0.01 / reserved));
    for (const err of burst.errors) expect(err.code).toBe('budget_exceeded');

    // The burst settled at its real cost; the rest of the budget is used one request at a time.
    openai.reset();
    const after = await untilRefused(() => chat(client));
    const admitted = burst.ok.length + after.passed;
    const spent = admitted * COST;
    expect(spent).toBeGreaterThanOrEqual(0.01);
    expect(spent - 0.01).toBeLessThan(COST);

    // Spent: every later request is refused, and none reaches the upstream.
    const late = outcomes(await Promise.allSettled(Array.from({ length: 5 }, () => chat(client))));
    expect(late.ok).toHaveLength(0);
    expect(openai.calls).toHaveLength(after.passed);
    const recorded = (await logRows(gw)).filter((r) => r.keyId === keyIdOf(gw, 'burst') && r.status === 200);
    expect(recorded.reduce((sum, r) => sum + (r.costUsd ?? 0), 0)).toBeCloseTo(spent, 9);
  });

  it('starts again in the next period; a total budget never does', async () => {
    const daily = openaiClient(gw, keys.daily);
    expect((await untilRefused(() => chat(daily))).passed).toBe(2);
    const lifetime = openaiClient(gw, keys.lifetime);
    // 18 tokens each against 30: the second crosses.
    const spent = await untilRefused(() => chat(lifetime));
    expect(spent.passed).toBe(2);
    expect(spent.refusal.error.message).toBe('budget exhausted: 30 tokens in total for key lifetime');
    expect(header(spent.refusal.headers, 'retry-after')).toBeNull();

    clock.advance(12 * 3_600_000); // 2025-01-16 00:00:30
    expect((await untilRefused(() => chat(daily))).passed).toBe(2);
    clock.advance(400 * 86_400_000);
    await expect(chat(lifetime)).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
  });

  it('a group budget covers all of its keys', async () => {
    const a = openaiClient(gw, keys.memberA);
    const b = openaiClient(gw, keys.memberB);
    await chat(a);
    await chat(b);
    await chat(a);
    // $0.0054 > $0.005 after three.
    const err = await chat(b).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'budget_exceeded', message: expect.stringContaining('per week for group shared') });
  });

  it('a budget set through the admin API counts what the key already spent this period', async () => {
    const client = openaiClient(gw, keys.late);
    await chat(client);
    await chat(client);
    const id = keyIdOf(gw, 'late');
    const patched = await admin(gw, 'PATCH', `/keys/${id}`, { budget: { usd: 0.003, period: 'day' } });
    expect(patched.body.budget).toEqual({ usd: 0.003, period: 'day' });
    await expect(chat(client)).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });

    // Removed, more spent meanwhile, then set again: what was spent while it was off counts too.
    expect((await admin(gw, 'PATCH', `/keys/${id}`, { budget: null })).status).toBe(200);
    for (let i = 0; i < 4; i++) await chat(client);
    expect((await admin(gw, 'PATCH', `/keys/${id}`, { budget: { usd: 0.008, period: 'day' } })).status).toBe(200);
    // Six requests of $0.0018 are recorded ($0.0108), over the $0.008 budget set again.
    await expect(chat(client)).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
  });
});

describe('budgets across a restart', () => {
  it('counts the spend recorded before the restart against the budget after it', async () => {
    const clock = manualClock(Date.UTC(2025, 2, 10, 9, 30));
    const url = `sqlite:${join(tempDir(), 'switchboard.db')}`;
    const key = testKey('restart');
    const member = testKey('restart-member');
    const options = {
      openaiUrl: openai.url,
      now: clock.now,
      extra: {
        storage: { url },
        prices: PRICES,
        keys: [
          { name: 'restart', group: 'r1', key, budget: { usd: 0.004, period: 'month' } },
          { name: 'restart-member', group: 'r2', key: member },
        ],
        groups: [{ id: 'r2', budget: { tokens: 40, period: 'day' } }],
      },
    };

    const first = await startTestGateway(options);
    await chat(openaiClient(first, key));
    await chat(openaiClient(first, key));
    await chat(openaiClient(first, member));
    await chat(openaiClient(first, member));
    await first.close();

    clock.advance(3_600_000);
    const second = await startTestGateway(options);
    try {
      // $0.0036 of $0.004 was spent before: one more goes through and crosses.
      expect((await untilRefused(() => chat(openaiClient(second, key)))).passed).toBe(1);
      // 36 of 40 tokens were spent before by the group.
      expect((await untilRefused(() => chat(openaiClient(second, member)))).passed).toBe(1);
    } finally {
      await second.close();
    }
  });
});

function keyIdOf(gw: NodeGateway, name: string): string {
  for (const key of gw.ctx.catalog.current().keysById.values()) if (key.name === name) return key.id;
  throw new Error(`no key ${name}`);
}
