import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { FAKE_ACCOUNT_ID, startFakeOpenAIAuth, type FakeOpenAIAuth } from '../fakes/openai-auth.js';
import { startFakeCodex } from '../fakes/codex.js';
import type { FakeUpstream } from '../fakes/server.js';
import { closeRedis, dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../store/redis-test.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * Two replicas (two gateways in this process) on one database and one Redis,
 * one Codex credential whose access token is about to expire. The sign-in
 * server rotates refresh tokens and refuses one used twice, as OpenAI's does:
 * if both replicas refreshed, one would fail and the credential would break.
 */
let auth: FakeOpenAIAuth;
let codex: FakeUpstream;
let redis: Redis;
let prefix: string;
const replicas: NodeGateway[] = [];

beforeAll(async () => {
  auth = await startFakeOpenAIAuth();
  codex = await startFakeCodex({ accountId: FAKE_ACCOUNT_ID, isLiveToken: (t) => auth.isLiveAccessToken(t) });
  redis = await testRedis();
  prefix = testPrefix('codex-replicas');
  const dbUrl = `sqlite:${join(tempDir(), 'codex-replicas.db')}`;
  // Within the five-minute refresh margin: the first request on each replica refreshes.
  const expiring = JSON.stringify({ ...auth.mint(60), account_id: FAKE_ACCOUNT_ID });
  for (let i = 0; i < 2; i++) {
    replicas.push(
      await startTestGateway({
        extra: {
          storage: { url: dbUrl },
          counters: { url: TEST_REDIS_URL, prefix },
          upstreams: [{ id: 'cx', kind: 'codex', baseUrl: codex.url, authUrl: auth.url, credentials: [{ id: 'cx-1', key: expiring }] }],
          models: [{ id: 'codex-model', routes: [{ upstream: 'cx', model: 'gpt-5-codex' }] }],
          health: { probeIntervalMs: 0 },
        },
      }),
    );
  }
});
afterAll(async () => {
  for (const gw of replicas) await gw.close();
  await codex?.close();
  await auth?.close();
  await dropPrefix(redis, prefix);
  await closeRedis(redis);
});

const ask = (gw: NodeGateway, n: number) =>
  fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'codex-model', input: `hello ${n}` }),
  });

describe('codex refresh across replicas', () => {
  it('concurrent requests on both replicas with an expiring token: exactly one refresh, every request answered', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, n) => ask(replicas[n % 2]!, n)));
    const statuses = await Promise.all(responses.map(async (r) => [r.status, r.status === 200 ? '' : await r.text()]));
    expect(statuses).toEqual(Array(12).fill([200, '']));
    expect(auth.refreshCount()).toBe(1);

    // Both replicas go on with the stored tokens, no further refresh.
    const later = await Promise.all([ask(replicas[0]!, 100), ask(replicas[1]!, 101)]);
    expect(later.map((r) => r.status)).toEqual([200, 200]);
    expect(auth.refreshCount()).toBe(1);
    const used = new Set(codex.calls.slice(-2).map((c) => c.headers.authorization));
    expect(used.size).toBe(1);
    expect(auth.isLiveAccessToken(String([...used][0]).replace('Bearer ', ''))).toBe(true);
  });
});
