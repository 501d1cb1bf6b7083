import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PoolHealth } from '../../src/routing/credential-health.js';
import { orderCredentials } from '../../src/routing/strategies.js';
import { planRoute } from '../../src/routing/plan.js';
import { parseDuration, retryAfterMs, judgeReply } from '../../src/routing/verdict.js';
import { createProviders } from '../../src/providers/registry.js';
import type { LiveUpstream, Snapshot } from '../../src/routing/catalog.js';
import type { Strategy } from '../../src/config/schema.js';
import type { UpstreamRecord } from '../../src/store/types.js';

const SETTINGS = { failuresBeforeCooling: 2, cooldownMs: 1000, maxCooldownMs: 8000, probeIntervalMs: 0 };
const newHealth = () => new PoolHealth(SETTINGS, { publish: async () => {}, fetch: async () => [] }, () => {});

function upstream(strategy: Strategy, weights: number[], id = 'u'): LiveUpstream {
  const record = {
    id,
    kind: 'openai',
    baseUrl: 'http://127.0.0.1:1/v1',
    strategy,
    speaks: ['chat'],
    models: [],
    headers: {},
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 },
    enabled: true,
    credentials: [],
  } as UpstreamRecord;
  return {
    record,
    cursor: 0,
    credentials: weights.map((weight, i) => ({ id: `${id}-c${i}`, secret: `s${i}`, weight, currentWeight: 0 })),
  };
}

const firstPicks = (u: LiveUpstream, health: PoolHealth, n: number) =>
  Array.from({ length: n }, () => orderCredentials(u, health, 0)[0].id.slice(-2));

describe('strategies', () => {
  it('round-robin rotates and puts the rest of the pool behind the pick', () => {
    const u = upstream('round-robin', [1, 1, 1]);
    const health = newHealth();
    expect(firstPicks(u, health, 4)).toEqual(['c0', 'c1', 'c2', 'c0']);
    expect(orderCredentials(u, health, 0).map((c) => c.id.slice(-2))).toEqual(['c1', 'c2', 'c0']);
  });

  it('weighted spreads a 3:1 pool smoothly by weight', () => {
    const u = upstream('weighted', [3, 1]);
    const picks = firstPicks(u, newHealth(), 8);
    expect(picks.filter((p) => p === 'c0')).toHaveLength(6);
    expect(picks).toEqual(['c0', 'c0', 'c1', 'c0', 'c0', 'c0', 'c1', 'c0']);
  });

  it('least-busy picks the credential with the fewest requests in flight', () => {
    const u = upstream('least-busy', [1, 1, 1]);
    const health = newHealth();
    health.begin('u-c0', 0);
    health.begin('u-c0', 0);
    health.begin('u-c1', 0);
    expect(orderCredentials(u, health, 0)[0].id).toBe('u-c2');
    health.begin('u-c2', 0);
    health.begin('u-c2', 0);
    expect(orderCredentials(u, health, 0)[0].id).toBe('u-c1');
  });

  it('latency picks the lowest average time to first byte, measuring unmeasured ones first', () => {
    const u = upstream('latency', [1, 1, 1]);
    const health = newHealth();
    health.succeeded('u-c0', 300, 0);
    health.succeeded('u-c1', 100, 0);
    expect(orderCredentials(u, health, 0)[0].id).toBe('u-c2');
    health.succeeded('u-c2', 900, 0);
    expect(orderCredentials(u, health, 0)[0].id).toBe('u-c1');
    // The average moves with new figures: c1 turns slow.
    for (let i = 0; i < 10; i++) health.succeeded('u-c1', 2000, 0);
    expect(orderCredentials(u, health, 0)[0].id).toBe('u-c0');
  });

  it('leaves out cooling and disabled credentials, and takes a cooled-off one back', () => {
    const u = upstream('round-robin', [1, 1, 1]);
    const health = newHealth();
    health.failed('u-c0', { kind: 'rate-limited', reason: '429', retryAfterMs: 5000 }, 1000);
    health.failed('u-c1', { kind: 'disable', reason: '401' }, 1000);
    expect(orderCredentials(u, health, 2000).map((c) => c.id)).toEqual(['u-c2']);
    expect(orderCredentials(u, health, 6000).map((c) => c.id).sort()).toEqual(['u-c0', 'u-c2']);
    health.succeeded('u-c0', 10, 6000);
    expect(health.state('u-c0').state).toBe('healthy');
  });

  it('doubles the cooldown for each repeated bout of failures, up to the cap', () => {
    const health = newHealth();
    const fail = (at: number) => health.failed('x', { kind: 'unavailable', reason: '500' }, at);
    fail(0);
    expect(health.state('x').state).toBe('healthy');
    fail(0);
    expect(health.state('x')).toMatchObject({ state: 'cooling', until: 1000 });
    fail(2000);
    fail(2000);
    expect(health.state('x').until).toBe(4000);
    for (let i = 0; i < 10; i++) {
      fail(10_000);
      fail(10_000);
    }
    expect(health.state('x').until).toBe(18_000);
  });
});

describe('weighted routes', () => {
  const providers = createProviders(async () => {
    throw new Error('no network in this test');
  });
  const a = upstream('round-robin', [1], 'a');
  const b = upstream('round-robin', [1], 'b');
  const snapshot = (routes: { upstream: string; model: string; weight?: number }[]): Snapshot => ({
    keysByHash: new Map(),
    keysById: new Map(),
    upstreams: new Map([
      ['a', a],
      ['b', b],
    ]),
    models: new Map([['m', { id: 'm', routes }]]),
    listedModels: new Map(),
    aliases: new Map(),
    routers: new Map(),
    prompts: new Map(),
  });
  const order = (routes: { upstream: string; model: string; weight?: number }[], draw: number) => {
    const plan = planRoute(snapshot(routes), providers, newHealth(), { model: 'm', protocol: 'openai-chat', endpoint: 'chat' }, 0, () => draw);
    if (plan.kind !== 'ok') throw new Error(plan.kind);
    return plan.candidates.map((c) => c.upstream.record.id);
  };

  it('keeps strict order without weights', () => {
    expect(order([{ upstream: 'a', model: 'x' }, { upstream: 'b', model: 'y' }], 0.99)).toEqual(['a', 'b']);
  });

  it('draws the first route by weight (90 / 10) and keeps the other as fallback', () => {
    const routes = [
      { upstream: 'a', model: 'x', weight: 90 },
      { upstream: 'b', model: 'y', weight: 10 },
    ];
    expect(order(routes, 0.5)).toEqual(['a', 'b']);
    expect(order(routes, 0.89)).toEqual(['a', 'b']);
    expect(order(routes, 0.91)).toEqual(['b', 'a']);
    let toB = 0;
    for (let i = 0; i < 1000; i++) if (order(routes, i / 1000)[0] === 'b') toB++;
    expect(toB).toBe(100);
  });
});

describe('reading an upstream failure', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it('parses the duration formats OpenAI sends', () => {
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
    expect(parseDuration('soon')).toBeNull();
  });

  it('prefers retry-after, else the latest reset of OpenAI or Anthropic headers', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7' }), 0)).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '7' }), 0)).toBe(250);
    expect(retryAfterMs(headers({ 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-reset-tokens': '6m0s' }), 0)).toBe(360_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:30Z' }), now)).toBe(30_000);
    expect(retryAfterMs(headers({}), 0)).toBeNull();
  });

  it('tells client errors, refusals, quota, rate limits and outages apart', () => {
    const h = headers({});
    expect(judgeReply(200, h, '', 0).kind).toBe('ok');
    expect(judgeReply(400, h, '{"error":{"code":"context_length_exceeded"}}', 0).kind).toBe('client-error');
    expect(judgeReply(404, h, '', 0).kind).toBe('client-error');
    expect(judgeReply(401, h, '', 0).kind).toBe('disable');
    expect(judgeReply(403, h, '', 0).kind).toBe('disable');
    expect(judgeReply(429, h, '{"error":{"type":"insufficient_quota"}}', 0).kind).toBe('disable');
    expect(judgeReply(400, h, '{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}', 0).kind).toBe('disable');
    expect(judgeReply(429, h, '', 0).kind).toBe('rate-limited');
    const geminiBadKey = readFileSync(new URL('../fixtures/gemini/gemini-error-api-key.1.json', import.meta.url), 'utf8');
    expect(judgeReply(400, h, geminiBadKey, 0)).toMatchObject({ kind: 'disable', reason: expect.stringMatching(/refused the credential \(400\)/) });
    // Read from the fields that carry them, never from an echo of the client's input.
    expect(judgeReply(400, h, '{"error":{"message":"bad value: insufficient_quota","type":"invalid_request_error","code":null}}', 0).kind).toBe('client-error');
    expect(judgeReply(400, h, '{"type":"error","error":{"type":"invalid_request_error","message":"text: Your credit balance is too low"}}', 0).kind).toBe('client-error');
    expect(judgeReply(429, h, '{"error":{"message":"insufficient_quota","type":"requests","code":"rate_limit_exceeded"}}', 0).kind).toBe('rate-limited');
    expect(judgeReply(429, h, '{"error":{"message":"x","type":"insufficient_quota","code":"project_spend_limit_exceeded"}}', 0).kind).toBe('disable');
    expect(judgeReply(402, h, '', 0).kind).toBe('disable');
    // A subscription token the API takes from Claude Code only: the credential's fault, not the request's.
    const claudeCodeOnly = '{"type":"error","error":{"type":"invalid_request_error","message":"This credential is only authorized for use with Claude Code and cannot be used for other API requests."}}';
    expect(judgeReply(400, h, claudeCodeOnly, 0)).toMatchObject({ kind: 'disable', reason: expect.stringMatching(/refused the credential \(400\)/) });
    expect(judgeReply(400, h, '{"type":"error","error":{"type":"invalid_request_error","message":"messages.0: This credential is only authorized for use with Claude Code"}}', 0).kind).toBe('client-error');
    expect(judgeReply(403, h, '{"error":{"message":"does not have access to model `gpt-5`","type":"invalid_request_error","code":"model_not_found"}}', 0).kind).toBe('client-error');
    expect(judgeReply(429, h, '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"retryDelay":"36s"}]}}', 0)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 36_000 });
    expect(judgeReply(529, h, '', 0).kind).toBe('unavailable');
    expect(judgeReply(503, h, '', 0).kind).toBe('unavailable');
  });
});
