import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Store } from '../../src/store/store.js';
import type { CredentialHealthRecord } from '../../src/store/types.js';
import { storeSharedHealth, type SharedHealth } from '../../src/routing/shared-health.js';
import { redisSharedHealth } from '../../src/routing/redis-shared-health.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { redisPortOf } from '../../src/platform/node/redis.js';
import { tempDir } from '../helpers/gateway.js';
import { closeRedis, dropPrefix, testPrefix, testRedis } from './redis-test.js';

/** The same cases against every SharedHealth, and what only Redis promises (expiry, atomic admin guard). */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const record = (credentialId: string, fields: Partial<CredentialHealthRecord>): CredentialHealthRecord => ({
  credentialId,
  state: 'healthy',
  reason: null,
  since: Date.now(),
  until: null,
  setBy: 'gateway',
  ...fields,
});

let redis: Redis;
let prefix: string;
let store: Store;
let run = 0;

beforeAll(async () => {
  redis = await testRedis();
  prefix = testPrefix('health');
  store = await openSqliteStore(`sqlite:${join(tempDir(), 'health.db')}`);
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await closeRedis(redis);
  await store.close();
});

const implementations: [string, () => SharedHealth][] = [
  ['store', () => storeSharedHealth(store.health)],
  ['redis', () => redisSharedHealth(redisPortOf(redis), { prefix, durable: store.health, now: Date.now })],
];

describe.each(implementations)('%s shared health', (_, make) => {
  const id = (name: string) => `${name}-${++run}`;

  it('gives back what was published, the latest record per credential', async () => {
    const [a, b] = [make(), make()];
    const k = id('k');
    await a.publish(record(k, { state: 'cooling', reason: 'rate limited (429): x', until: Date.now() + 60_000 }));
    await a.publish(record(k, { state: 'disabled', reason: 'refused the credential (401)' }));
    const seen = (await b.fetch()).find((r) => r.credentialId === k);
    expect(seen).toMatchObject({ state: 'disabled', reason: 'refused the credential (401)', setBy: 'gateway' });
  });

  it("keeps an admin's disable over the gateway's later states; an admin's enable replaces it", async () => {
    const [a, b] = [make(), make()];
    const k = id('adm');
    await a.publish(record(k, { state: 'disabled', reason: 'by hand', setBy: 'admin' }));
    await b.publish(record(k, { state: 'cooling', reason: 'rate limited (429): x', until: Date.now() + 60_000 }));
    expect((await a.fetch()).find((r) => r.credentialId === k)).toMatchObject({ state: 'disabled', setBy: 'admin' });
    expect((await store.health.list()).find((r) => r.credentialId === k)).toMatchObject({ state: 'disabled', setBy: 'admin' });
    await b.publish(record(k, { state: 'healthy', reason: 'enabled by an admin', setBy: 'admin' }));
    expect((await a.fetch()).find((r) => r.credentialId === k)).toMatchObject({ state: 'healthy', setBy: 'admin' });
  });
});

describe('redis shared health only', () => {
  const shared = () => redisSharedHealth(redisPortOf(redis), { prefix, durable: store.health, now: Date.now });

  it('lets a cooldown expire with its end, writing every change to the Store too', async () => {
    const k = `expiring-${++run}`;
    await shared().publish(record(k, { state: 'cooling', reason: 'answered 503', until: Date.now() + 150 }));
    expect((await shared().fetch()).find((r) => r.credentialId === k)?.state).toBe('cooling');
    expect(await redis.pttl(`{${prefix}}:health:cred:${k}`)).toBeGreaterThan(0);
    await sleep(250);
    expect((await shared().fetch()).find((r) => r.credentialId === k)).toBeUndefined();
    // The Store keeps the last record (what a restart and the CLI read): a cooldown in the past is usable.
    expect((await store.health.list()).find((r) => r.credentialId === k)?.state).toBe('cooling');
  });

  it('still writes the Store while Redis cannot be reached, and says the publish failed', async () => {
    const down = redisSharedHealth({ eval: () => Promise.reject(new Error('connect ECONNREFUSED')) }, { prefix, durable: store.health, now: Date.now });
    const k = `offline-${++run}`;
    await expect(down.publish(record(k, { state: 'disabled', reason: 'refused the credential (401)' }))).rejects.toThrow('ECONNREFUSED');
    expect((await store.health.list()).find((r) => r.credentialId === k)?.state).toBe('disabled');
    await expect(down.fetch()).rejects.toThrow('ECONNREFUSED');
  });
});
