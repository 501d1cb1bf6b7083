import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, TEST_KEY, tempDir } from '../helpers/gateway.js';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';

// No `cache:` in the config: the admin API's choice is the one in force, and it outlives a restart.
let fake: FakeUpstream;
const db = join(tempDir(), 'cache-settings.db');

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake?.close();
});

const start = (withCacheSection?: unknown): Promise<NodeGateway> =>
  startNodeGateway(
    configSchema.parse({
      server: { port: 0 },
      adminKey: ADMIN_KEY,
      secret: 'cache-settings-secret-000000000',
      storage: { url: `sqlite:${db}` },
      upstreams: [{ id: 'oai', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] }],
      models: [{ id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] }],
      keys: [{ name: 'tester', key: TEST_KEY }],
      ...(withCacheSection ? { cache: withCacheSection } : {}),
    }),
    { log: () => {}, recorderIntervalMs: 50 },
  );

async function patchSettings(gw: NodeGateway, body: unknown) {
  const res = await fetch(`${gw.url}/admin/api/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function ask(gw: NodeGateway, content: string) {
  const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content }] }).withResponse();
  return response.headers.get('x-switchboard-cache');
}

describe('cache settings through the admin API', () => {
  it('turns the cache on and off at run time, keeps the choice across a restart, and lets a config section win again', async () => {
    let gw = await start();
    try {
      expect(await ask(gw, 'one')).toBeNull(); // off by default
      const bad = await patchSettings(gw, { cache: { ttlSeconds: -5 } });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toMatch(/cache\.ttlSeconds/);

      const on = await patchSettings(gw, { cache: { enabled: true, ttlSeconds: 120 } });
      expect(on.status).toBe(200);
      expect(on.json.cache).toMatchObject({ enabled: true, ttlSeconds: 120, scope: 'key' });
      expect(await ask(gw, 'two')).toBe('MISS');
      await eventually(async () => expect(await ask(gw, 'two')).toBe('HIT'));
    } finally {
      await gw.close();
    }

    gw = await start();
    try {
      expect(await ask(gw, 'two')).toBe('HIT'); // still on after the restart, the entry kept
      await patchSettings(gw, { cache: { enabled: false } });
      expect(await ask(gw, 'three')).toBeNull();
      await patchSettings(gw, { cache: { enabled: true } });
    } finally {
      await gw.close();
    }

    // A `cache:` section in the file is applied at start, over what the admin API set.
    gw = await start({ enabled: false });
    try {
      expect(await ask(gw, 'two')).toBeNull();
    } finally {
      await gw.close();
    }
  });
});
