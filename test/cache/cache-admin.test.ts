import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { CacheEntry } from '../../src/store/types.js';
import { ZERO_USAGE } from '../../src/translate/ir.js';

// The cache is on for everyone here, shared per group, with small size limits.
const SAME_GROUP_KEY = 'sk-sb-cache-admin-000000000000000000001';
const OTHER_GROUP_KEY = 'sk-sb-cache-admin-000000000000000000002';
const MAX_ENTRY_BYTES = 2000;

let fake: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  gw = await startTestGateway({
    openaiUrl: fake.url,
    extra: {
      cache: { enabled: true, scope: 'group', maxEntryBytes: MAX_ENTRY_BYTES, sweepIntervalSeconds: 1, models: { 'embed-test': false } },
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'same-group', group: 'team-a', key: SAME_GROUP_KEY },
        { name: 'other-group', group: 'team-b', key: OTHER_GROUP_KEY },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
beforeEach(async () => {
  fake.reset();
  // Entries from the previous test's last answers are written just after them: let them land, then clear.
  await new Promise((r) => setTimeout(r, 50));
  await gw.ctx.store.cache.purge({});
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function ask(key: string, model: string, content: string, headers: Record<string, string> = {}) {
  const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: headers });
  const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
  return { id: data.id, cache: response.headers.get('x-switchboard-cache') };
}

const entries = async () => (await gw.ctx.store.cache.stats()).entries;
const waitForEntries = (n: number) => eventually(async () => expect(await entries()).toBe(n));
const keyIdOf = (name: string) => [...gw.ctx.catalog.current().keysById.values()].find((k) => k.name === name)!.id;

describe('response cache settings', () => {
  it('scope group: keys of one group share answers, other groups do not', async () => {
    const first = await ask(TEST_KEY, 'gpt-test', 'shared in the group');
    await waitForEntries(1);
    expect(await ask(SAME_GROUP_KEY, 'gpt-test', 'shared in the group')).toEqual({ id: first.id, cache: 'HIT' });
    expect((await ask(OTHER_GROUP_KEY, 'gpt-test', 'shared in the group')).cache).toBe('MISS');
  });

  it('an answer larger than maxEntryBytes is sent whole but not kept', async () => {
    const long = 'x'.repeat(MAX_ENTRY_BYTES);
    const first = await ask(TEST_KEY, 'gpt-test', long);
    expect(first.cache).toBe('MISS');
    await new Promise((r) => setTimeout(r, 100));
    expect(await entries()).toBe(0);
    expect((await ask(TEST_KEY, 'gpt-test', long)).cache).toBe('MISS');
    expect(fake.calls).toHaveLength(2);
  });

  it('a model set to false is never cached, though the cache is on globally', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const { response } = await client.embeddings.create({ model: 'embed-test', input: 'vector' }).withResponse();
    expect(response.headers.get('x-switchboard-cache')).toBeNull();
  });

  it('a key patched to cache: false stops using the cache at once', async () => {
    const id = keyIdOf('same-group');
    const patched = await admin('PATCH', `/keys/${id}`, { cache: false });
    expect(patched.status).toBe(200);
    expect(patched.json.cache).toBe(false);
    try {
      await ask(SAME_GROUP_KEY, 'gpt-test', 'patched off');
      expect((await ask(SAME_GROUP_KEY, 'gpt-test', 'patched off')).cache).toBeNull();
      expect(fake.calls).toHaveLength(2);
    } finally {
      expect((await admin('PATCH', `/keys/${id}`, { cache: null })).json.cache).toBeNull();
    }
  });

  it('a key created with a cache TTL shows it', async () => {
    const created = await admin('POST', '/keys', { name: 'with-ttl', cache: { ttlSeconds: 30 } });
    expect(created.status).toBe(201);
    expect(created.json.cache).toEqual({ ttlSeconds: 30 });
    const bad = await admin('POST', '/keys', { name: 'bad-ttl', cache: { ttlSeconds: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/cache/);
  });
});

describe('admin API: /cache', () => {
  it('reports the size and purges by model, by client key, by cache key, or all', async () => {
    await ask(TEST_KEY, 'gpt-test', 'one');
    await ask(OTHER_GROUP_KEY, 'gpt-test', 'two');
    await ask(TEST_KEY, 'gpt-test', 'four', { 'x-switchboard-cache-key': 'named' });
    await waitForEntries(3);
    await ask(TEST_KEY, 'gpt-test', 'one');

    const stats = await admin('GET', '/cache');
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({ entries: 3, hits: 1, maxBytes: 100 * 1024 * 1024 });
    expect(stats.json.bytes).toBeGreaterThan(0);

    expect((await admin('DELETE', '/cache?cacheKey=named')).json).toEqual({ deleted: 1 });
    expect((await admin('DELETE', `/cache?keyId=${keyIdOf('other-group')}`)).json).toEqual({ deleted: 1 });
    expect((await admin('DELETE', '/cache?model=no-such-model')).json).toEqual({ deleted: 0 });
    expect((await admin('DELETE', '/cache?model=gpt-test')).json).toEqual({ deleted: 1 });
    expect((await ask(TEST_KEY, 'gpt-test', 'one')).cache).toBe('MISS');

    await waitForEntries(1);
    expect((await admin('DELETE', '/cache')).json).toEqual({ deleted: 1 });
    expect((await admin('GET', '/cache')).json).toMatchObject({ entries: 0, bytes: 0, hits: 0 });
  });

  it('refuses an empty filter and describes both operations in the OpenAPI document', async () => {
    const bad = await admin('DELETE', '/cache?model=');
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('model');
    const doc = (await admin('GET', '/openapi.json')).json;
    expect(Object.keys(doc.paths['/cache'])).toEqual(['get', 'delete']);
    expect(doc.paths['/cache'].delete.parameters.map((p: { name: string }) => p.name)).toEqual(['model', 'keyId', 'cacheKey']);
  });
});

describe('sweep', () => {
  const entry = (keyHash: string, bytes: number, lastUsedAt: number, expiresAt: number): CacheEntry => ({
    keyHash,
    scope: 'key:test',
    keyId: null,
    customKey: null,
    model: 'm',
    protocol: 'openai-chat',
    stream: false,
    status: 200,
    contentType: 'application/json',
    body: 'x'.repeat(bytes),
    usage: { ...ZERO_USAGE },
    bytes,
    createdAt: 0,
    expiresAt,
    lastUsedAt,
    hits: 0,
  });

  it('deletes expired entries, then the least recently used until the rest fit', async () => {
    // A sweep "now" ahead of the clock, so the timer's own sweeps (real time) cannot take the expired entry first.
    const now = Date.now() + 20_000;
    const later = now + 60_000;
    const store = gw.ctx.store.cache;
    await store.put(entry('expired', 10, now, now - 1));
    await store.put(entry('old', 100, now - 3000, later));
    await store.put(entry('middle', 100, now - 2000, later));
    await store.put(entry('recent', 100, now - 1000, later));
    expect(await store.sweep(now, 250)).toEqual({ expired: 1, evicted: 1 });
    expect(await store.hit('old', now)).toBeUndefined();
    expect(await store.hit('middle', now)).toBeDefined();
    // The hit above made `middle` the most recently used: the next squeeze evicts `recent`.
    expect(await store.sweep(now, 150)).toEqual({ expired: 0, evicted: 1 });
    expect(await store.hit('recent', now)).toBeUndefined();
    expect((await gw.ctx.store.cache.stats()).entries).toBe(1);
  });

  it('runs on its timer (sweepIntervalSeconds)', async () => {
    const now = Date.now();
    await gw.ctx.store.cache.put(entry('stale', 10, now, now + 200));
    expect(await entries()).toBe(1);
    await eventually(async () => expect(await entries()).toBe(0), 4000);
  });
});
