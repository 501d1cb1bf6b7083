import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { closeRedis, dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../store/redis-test.js';
import { HEALTH_REFRESH_MS } from '../../src/routing/shared-health.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Two replicas (two gateways in this process) on one database, sharing one pool of two credentials:
// through the database alone, and through Redis.
const POOL_KEYS = ['sk-replica-one-1111', 'sk-replica-two-2222'];

let oai: FakeUpstream;
let a: NodeGateway;
let b: NodeGateway;
let redis: Redis;
let prefix: string;

const keyOf = (call: FakeCall) => String(call.headers.authorization ?? '').replace('Bearer ', '');

async function replica(dbUrl: string, counters: object): Promise<NodeGateway> {
  return startTestGateway({
    extra: {
      storage: { url: dbUrl },
      counters,
      upstreams: [{ id: 'pool', kind: 'openai', baseUrl: `${oai.url}/v1`, credentials: POOL_KEYS.map((key, i) => ({ id: `cred-${i + 1}`, key })) }],
      models: [{ id: 'gpt-pooled', routes: [{ upstream: 'pool', model: 'gpt-upstream' }] }],
      retry: { backoffMs: 1, maxAttempts: 3 },
      health: { probeIntervalMs: 0, failuresBeforeCooling: 1, cooldownMs: 60_000 },
    },
  });
}

const chat = (gw: NodeGateway) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-pooled', messages: [{ role: 'user', content: 'hello' }] }),
  });

const admin = (gw: NodeGateway, path: string, method = 'POST') =>
  fetch(`${gw.url}/admin/api${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}` } });

async function stateOn(gw: NodeGateway, credentialId: string): Promise<string> {
  const pool = (await (await admin(gw, '/upstreams/pool/health', 'GET')).json()) as { credentials: { id: string; state: string }[] };
  return pool.credentials.find((c) => c.id === credentialId)!.state;
}

/** Sends `n` requests to `gw` and returns the credentials the upstream saw. */
async function credentialsUsed(gw: NodeGateway, n: number): Promise<string[]> {
  oai.reset();
  for (let i = 0; i < n; i++) expect((await chat(gw)).status).toBe(200);
  return oai.calls.map(keyOf);
}

beforeAll(async () => {
  oai = await startFakeOpenAI({ apiKeys: POOL_KEYS });
  redis = await testRedis();
  prefix = testPrefix('replica-health');
});
afterAll(async () => {
  await oai?.close();
  await dropPrefix(redis, prefix);
  await closeRedis(redis);
});

describe.each([
  ['the database alone', HEALTH_REFRESH_MS.store, () => ({})],
  ['Redis', HEALTH_REFRESH_MS.redis, () => ({ url: TEST_REDIS_URL, prefix })],
] as const)('credential health agrees across replicas on %s', (over, refreshMs, counters) => {
  beforeAll(async () => {
    const dbUrl = `sqlite:${join(tempDir(), 'replicas.db')}`;
    a = await replica(dbUrl, counters());
    b = await replica(dbUrl, counters());
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });
  beforeEach(async () => {
    oai.reset();
    a.ctx.pools.resetAll(Date.now());
    await eventually(async () => expect([await stateOn(b, 'cred-1'), await stateOn(b, 'cred-2')]).toEqual(['healthy', 'healthy']), refreshMs * 2);
  });

  it('a credential benched by A (429) is skipped by B within the refresh interval', async () => {
    expect(new Set(await credentialsUsed(b, 4))).toEqual(new Set(POOL_KEYS));

    oai.reset();
    oai.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '30' } }, 1, (call) => keyOf(call) === POOL_KEYS[0]);
    // A's round-robin tries cred-1 first at some request: two requests make sure it meets the 429.
    for (let i = 0; i < 2; i++) expect((await chat(a)).status).toBe(200);
    expect(await stateOn(a, 'cred-1')).toBe('cooling');
    const benchedAt = Date.now();
    // In Redis, the record lives as long as the cooldown (Retry-After: 30).
    if (over === 'Redis') await eventually(async () => expect(await redis.pttl(`{${prefix}}:health:cred:cred-1`)).toBeGreaterThan(25_000));

    await eventually(async () => expect(await stateOn(b, 'cred-1')).toBe('cooling'), refreshMs * 2);
    expect(Date.now() - benchedAt).toBeLessThanOrEqual(refreshMs + 500);
    expect(await credentialsUsed(b, 4)).toEqual(Array(4).fill(POOL_KEYS[1]));
  });

  it("an admin's disable through A is honoured by B, and the enable too", async () => {
    expect((await admin(a, '/upstreams/pool/credentials/cred-2/disable')).status).toBe(200);
    await eventually(async () => expect(await stateOn(b, 'cred-2')).toBe('disabled'), refreshMs * 2);
    expect(await credentialsUsed(b, 4)).toEqual(Array(4).fill(POOL_KEYS[0]));

    expect((await admin(a, '/upstreams/pool/credentials/cred-2/enable')).status).toBe(200);
    await eventually(async () => expect(await stateOn(b, 'cred-2')).toBe('healthy'), refreshMs * 2);
    expect(new Set(await credentialsUsed(b, 4))).toEqual(new Set(POOL_KEYS));
  });
});
