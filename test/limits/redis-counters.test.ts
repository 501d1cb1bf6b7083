import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { Redis } from 'ioredis';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { eventually, startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { startTcpProxy, type TcpProxy } from '../replicas/tcp-proxy.js';
import { closeRedis, dropPrefix, testPrefix, testRedis } from '../store/redis-test.js';
import { admin, anthropicClient, chat, openaiClient, outcomes, testKey } from './helpers.js';

/**
 * Limits counted in Redis through real gateways: two of them on one prefix
 * enforce one limit between them; with Redis cut off (a TCP proxy in front
 * of it, reset), a failOpen gateway counts its share alone and a failClosed
 * one refuses with 503 in the client's shape, and both count in Redis again
 * once it is back, without a restart.
 */
const RPM = testKey('redis-rpm');
const OPEN = testKey('redis-open');
const CLOSED = testKey('redis-closed');
const FREE = testKey('redis-free');

let openai: FakeUpstream;
let redis: Redis;
let proxy: TcpProxy;
const prefix = testPrefix('gateway');
const gateways: NodeGateway[] = [];
const logs: string[] = [];

const keys = [
  { name: 'redis-rpm', group: 'r-1', key: RPM },
  { name: 'redis-open', group: 'r-2', key: OPEN, limits: { rpm: 10 } },
  { name: 'redis-closed', group: 'r-3', key: CLOSED, limits: { rpm: 1000 } },
  { name: 'redis-free', group: 'r-4', key: FREE },
];

async function gateway(counters: Record<string, unknown>): Promise<NodeGateway> {
  // Each gateway has a database of its own here, so the shared limit is a group's (a key's id differs per database).
  const groups = [{ id: 'r-1', limits: { rpm: 50, concurrent: 500 } }];
  const gw = await startTestGateway({ openaiUrl: openai.url, extra: { keys, groups, counters: { prefix, ...counters } }, log: (m) => logs.push(m) });
  gateways.push(gw);
  return gw;
}

/**
 * Rate limits count clock minutes (Redis's, which a test cannot move): a
 * burst is started early in one, so it does not straddle two. This waits up
 * to 20 s, which the tests that call it add to their time limit (MINUTE_WAIT).
 */
async function earlyInAMinute() {
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - into + 100));
}
const MINUTE_WAIT = 20_000 + 25_000;

async function until(what: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const healthOf = async (gw: NodeGateway) => (await admin(gw, 'GET', '/limits')).body.countersHealth;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  redis = await testRedis();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
});

afterAll(async () => {
  for (const gw of gateways) await gw.close();
  await proxy?.close();
  await openai?.close();
  await dropPrefix(redis, prefix);
  await closeRedis(redis);
});

describe('counters in Redis', () => {
  it('let exactly 50 of 200 concurrent requests through two gateways sharing a group rpm: 50', { timeout: MINUTE_WAIT }, async () => {
    const [a, b] = [await gateway({ url: 'redis://127.0.0.1:6379' }), await gateway({ url: 'redis://127.0.0.1:6379' })];
    await earlyInAMinute();
    const clients = [openaiClient(a, RPM), openaiClient(b, RPM)];
    const { ok, errors } = outcomes(await Promise.allSettled(Array.from({ length: 200 }, (_, i) => chat(clients[i % 2]!))));
    expect(ok).toHaveLength(50);
    expect(errors).toHaveLength(150);
    for (const err of errors) expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    // Both answer with the shared count, and the slots of finished requests were given back.
    const status = (await admin(b, 'GET', '/limits/groups/r-1')).body;
    expect(status.counters).toEqual([
      expect.objectContaining({ dimension: 'concurrent', used: 0 }),
      expect.objectContaining({ dimension: 'rpm', used: 50, remaining: 0 }),
    ]);
    expect(await healthOf(a)).toMatchObject({ store: 'redis', state: 'up', outages: 0 });
    // Each replica learns how many are live on its heartbeat (every 2 s): A, started first, may not have seen B yet.
    await eventually(async () => expect((await healthOf(a)).replicas).toBe(2), 5000);
  });

  it('failOpen: with Redis gone each gateway counts its share alone, then counts in Redis again when it is back', { timeout: MINUTE_WAIT }, async () => {
    const gw = await gateway({ url: `redis://127.0.0.1:${proxy.port}`, onUnavailable: 'failOpen', replicas: 2 });
    await earlyInAMinute();
    const client = openaiClient(gw, OPEN);
    await chat(client);
    proxy.cut();
    logs.length = 0;

    // Its share of rpm: 10 over 2 replicas is 5 (the one taken in Redis is not known here).
    const started = Date.now();
    const { ok, errors } = outcomes(await Promise.allSettled(Array.from({ length: 12 }, () => chat(client))));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ok).toHaveLength(5);
    expect(errors.map((e) => e.status)).toEqual(Array(7).fill(429));
    expect((await chat(openaiClient(gw, FREE))).response.status).toBe(200);
    const down = await healthOf(gw);
    expect(down).toMatchObject({ store: 'redis', state: 'down', onUnavailable: 'failOpen', outages: 1, replicas: 2 });
    expect(down.countedAlone).toBeGreaterThanOrEqual(12);
    // Logged once for the outage, not once per request.
    expect(logs.filter((m) => m.startsWith('counters: Redis cannot be reached'))).toHaveLength(1);

    proxy.restore();
    await until(async () => (await healthOf(gw)).state === 'up');
    expect(logs.some((m) => m.startsWith('counters: Redis is back'))).toBe(true);
    // Counted in Redis again: the one request taken there before the outage, and this one.
    await chat(client);
    const key = await keyId(gw, 'redis-open');
    expect((await admin(gw, 'GET', `/keys/${key}/limits`)).body.counters).toEqual([expect.objectContaining({ dimension: 'rpm', used: 2 })]);
  });

  it('failClosed: with Redis gone limited requests get 503 in the client shape at once, unlimited ones are served, and it recovers', async () => {
    const closedProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    try {
      const gw = await gateway({ url: `redis://127.0.0.1:${closedProxy.port}`, onUnavailable: 'failClosed' });
      expect((await chat(openaiClient(gw, CLOSED))).response.status).toBe(200);
      closedProxy.cut();

      const started = Date.now();
      const err = await chat(openaiClient(gw, CLOSED)).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err).toMatchObject({ status: 503, code: 'limits_unavailable' });
      expect((err as Error).message).toContain('limit counters (Redis) cannot be reached');

      const claude = anthropicClient(gw, CLOSED);
      const refused = await claude.messages.create({ model: 'gpt-test', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Anthropic.APIError);
      expect(refused).toMatchObject({ status: 503, error: { type: 'error', error: { type: 'overloaded_error' } } });

      expect((await chat(openaiClient(gw, FREE))).response.status).toBe(200);
      expect(await healthOf(gw)).toMatchObject({ state: 'down', onUnavailable: 'failClosed', refused: 2 });

      closedProxy.restore();
      await until(async () => (await healthOf(gw)).state === 'up');
      expect((await chat(openaiClient(gw, CLOSED))).response.status).toBe(200);
    } finally {
      await closedProxy.close();
    }
  });
});

describe('a gateway started while Redis is away', () => {
  it('starts, counts alone, and moves to Redis when it comes', { timeout: MINUTE_WAIT }, async () => {
    const late = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    try {
      late.cut();
      const gw = await gateway({ url: `redis://127.0.0.1:${late.port}`, onUnavailable: 'failOpen', replicas: 1 });
      expect(await healthOf(gw)).toMatchObject({ state: 'down', outages: 1 });
      await earlyInAMinute();
      const client = openaiClient(gw, OPEN);
      const { ok } = outcomes(await Promise.allSettled(Array.from({ length: 12 }, () => chat(client))));
      expect(ok).toHaveLength(10);

      late.restore();
      await until(async () => (await healthOf(gw)).state === 'up');
      const key = await keyId(gw, 'redis-open');
      await chat(client);
      // In Redis the minute starts with this request: what was counted alone stays with the process.
      expect((await admin(gw, 'GET', `/keys/${key}/limits`)).body.counters).toEqual([expect.objectContaining({ dimension: 'rpm', used: 1 })]);
    } finally {
      await late.close();
    }
  });
});

async function keyId(gw: NodeGateway, name: string): Promise<string> {
  const list = (await admin(gw, 'GET', '/keys')).body as { id: string; name: string }[] | { data: { id: string; name: string }[] };
  const rows = Array.isArray(list) ? list : list.data;
  return rows.find((k) => k.name === name)!.id;
}
