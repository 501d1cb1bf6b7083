import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeRedis, connectRedis } from '../../src/platform/node/redis.js';

/** The Redis the tests run against (a service on these machines). */
export const TEST_REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of this run's own, so tests running at once on one Redis never meet. */
export function testPrefix(name: string): string {
  return `sbtest-${name}-${randomBytes(4).toString('hex')}`;
}

export async function testRedis(): Promise<Redis> {
  const client = await connectRedis(TEST_REDIS_URL, { purpose: 'test' });
  if (client.status !== 'ready') throw new Error(`the tests need Redis at ${TEST_REDIS_URL}`);
  return client;
}

/** Deletes every key under `{prefix}:` (all of a gateway's counters share that hash tag). */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export { closeRedis };
