import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { openRedisChangeFeed } from '../../src/platform/node/redis-change-feed.js';
import { redisPortOf } from '../../src/platform/node/redis.js';
import type { ChangeFeed } from '../../src/store/change-feed.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { eventually, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { closeRedis, dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../store/redis-test.js';
import { admin, chat } from './calls.js';

/** The Redis change feed: a hint published by one replica reaches the others at once. */

let redis: Redis;
const prefixes: string[] = [];
const feeds: ChangeFeed[] = [];

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  for (const prefix of prefixes) await dropPrefix(redis, prefix);
  await closeRedis(redis);
});

async function feed(prefix: string): Promise<ChangeFeed> {
  const opened = await openRedisChangeFeed(TEST_REDIS_URL, { prefix, publisher: redisPortOf(redis), log: () => {} });
  feeds.push(opened);
  return opened;
}

describe('Redis change feed', () => {
  it("tells every subscriber of a topic under the same prefix, and no one else's", async () => {
    const prefix = testPrefix('feed');
    const [one, two, stranger] = await Promise.all([feed(prefix), feed(prefix), feed(testPrefix('other'))]);
    const heard: string[] = [];
    one.subscribe('revision', () => heard.push('one'));
    two.subscribe('revision', () => heard.push('two'));
    two.subscribe('other-topic', () => heard.push('two:other'));
    stranger.subscribe('revision', () => heard.push('stranger'));
    // Subscribing is asynchronous: publish until both have heard one hint.
    await eventually(async () => {
      await one.publish('revision');
      expect(heard).toContain('one');
      expect(heard).toContain('two');
    });
    expect(heard).not.toContain('stranger');
    expect(heard).not.toContain('two:other');
  });

  it('stops telling a subscriber that unsubscribed', async () => {
    const prefix = testPrefix('unsub');
    const one = await feed(prefix);
    let heard = 0;
    const stop = one.subscribe('revision', () => heard++);
    await eventually(async () => {
      await one.publish('revision');
      expect(heard).toBeGreaterThan(0);
    });
    stop();
    const before = heard;
    await one.publish('revision');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toBe(before);
  });
});

describe('Redis change feed messages', () => {
  it('carries a message to every listener of the topic, itself included, apart from the hints', async () => {
    const prefix = testPrefix('messages');
    const [one, two] = await Promise.all([feed(prefix), feed(prefix)]);
    const heard: string[] = [];
    let hints = 0;
    one.listen('live', (m) => heard.push(`one:${m}`));
    two.listen('live', (m) => heard.push(`two:${m}`));
    two.subscribe('live', () => hints++);
    await eventually(async () => {
      await one.send('live', '{"n":1}');
      expect(heard).toContain('one:{"n":1}');
      expect(heard).toContain('two:{"n":1}');
    });
    // A message is not a hint, nor a hint a message.
    expect(hints).toBe(0);
    await one.publish('live');
    await eventually(() => expect(hints).toBeGreaterThan(0));
    expect(heard.every((h) => h.endsWith(':{"n":1}'))).toBe(true);
  });
});

describe('replicas that poll only once a minute hear admin writes through the feed', () => {
  let a: NodeGateway;
  let b: NodeGateway;
  const prefix = testPrefix('replicas');
  prefixes.push(prefix);

  beforeAll(async () => {
    const extra = { storage: { url: `sqlite:${join(tempDir(), 'feed.db')}` }, counters: { url: TEST_REDIS_URL, prefix } };
    a = await startTestGateway({ extra, refreshMs: 60_000 });
    b = await startTestGateway({ extra, refreshMs: 60_000 });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a key revoked through A is refused by B well within a second', async () => {
    const created = await admin(a, 'POST', '/keys', { name: 'hinted', group: 'team-a' });
    expect((await chat(b, created.body.key)).status).toBe(200);
    expect((await admin(a, 'POST', `/keys/${created.body.id}/revoke`)).status).toBe(200);
    const since = Date.now();
    await eventually(async () => expect((await chat(b, created.body.key)).status).toBe(401), 2000);
    expect(Date.now() - since).toBeLessThan(1000);
  });

  it('the IP allowlist set through A holds on B at once', async () => {
    expect((await admin(a, 'PATCH', '/settings', { security: { ipAllowlist: ['10.0.0.0/8'] } })).status).toBe(200);
    try {
      const since = Date.now();
      await eventually(async () => expect((await chat(b, TEST_KEY)).status).toBe(403), 2000);
      expect(Date.now() - since).toBeLessThan(1000);
    } finally {
      await admin(a, 'PATCH', '/settings', { security: { ipAllowlist: [] } });
    }
  });
});
