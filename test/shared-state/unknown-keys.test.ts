import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { createKeyFinder } from '../../src/routing/key-finder.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { KeyRecord } from '../../src/store/types.js';

/** Keys the snapshot does not hold are looked up in the Store, and a flood of bad ones does not reach it per request. */

let gw: NodeGateway;
const lookups: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway({});
  const byHash = gw.ctx.store.keys.byHash.bind(gw.ctx.store.keys);
  gw.ctx.store.keys.byHash = (hash) => (lookups.push(hash), byHash(hash));
});
afterAll(async () => {
  await gw?.close();
});

const chat = (key: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('unknown keys', () => {
  it('a known key never reaches the database; a flood of one bad key reaches it once', async () => {
    expect((await chat(TEST_KEY)).status).toBe(200);
    expect(lookups).toHaveLength(0);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => chat('sk-sb-flood-0000000000000000000000000000')));
    expect(new Set(statuses.map((r) => r.status))).toEqual(new Set([401]));
    expect(lookups).toHaveLength(1);
  });

  it('distinct bad keys are looked up once each while remembered', async () => {
    lookups.length = 0;
    const keys = Array.from({ length: 10 }, (_, i) => `sk-sb-bad-${String(i).padStart(30, '0')}`);
    for (let round = 0; round < 3; round++) for (const key of keys) expect((await chat(key)).status).toBe(401);
    expect(lookups).toHaveLength(10);
  });
});

describe('createKeyFinder', () => {
  const record = { id: 'key_1', hash: 'h-known' } as KeyRecord;

  it('remembers answers for a while, at most `capacity` of them', async () => {
    let t = 0;
    const asked: string[] = [];
    const find = createKeyFinder(async (hash) => (asked.push(hash), hash === 'h-known' ? record : undefined), () => t, { rememberMs: 1000, capacity: 2 });
    expect(await find('h-known')).toBe(record);
    expect(await find('h-bad-1')).toBeUndefined();
    expect(await find('h-known')).toBe(record);
    expect(asked).toEqual(['h-known', 'h-bad-1']);
    // A third answer pushes the oldest out.
    await find('h-bad-2');
    await find('h-known');
    expect(asked).toEqual(['h-known', 'h-bad-1', 'h-bad-2', 'h-known']);
    // Past rememberMs it asks again.
    t += 1001;
    await find('h-bad-2');
    expect(asked.at(-1)).toBe('h-bad-2');
    expect(asked).toHaveLength(5);
  });

  it('runs a few lookups at once and refuses the rest unseen', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const find = createKeyFinder(
      async () => {
        asked++;
        await held;
        return undefined;
      },
      () => 0,
      { maxPending: 3 },
    );
    const answers = Promise.all(Array.from({ length: 10 }, (_, i) => find(`h-${i}`)));
    release();
    expect(await answers).toEqual(Array.from({ length: 10 }, () => undefined));
    expect(asked).toBe(3);
  });
});
