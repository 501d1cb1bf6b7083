import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { cacheEntry, HOUR, T0 } from './records.js';

describeStores('store response cache', ({ store }) => {
  it('serves a live entry as written, counting hits and last use; an expired or absent one is a miss', async () => {
    await store().cache.put(cacheEntry());
    expect(await store().cache.hit('ch-1', T0 + 10)).toEqual(cacheEntry());
    const again = await store().cache.hit('ch-1', T0 + 20);
    expect(again).toMatchObject({ hits: 1, lastUsedAt: T0 + 10 });
    expect(await store().cache.hit('ch-1', T0 + HOUR)).toBeUndefined();
    expect(await store().cache.hit('ch-none', T0)).toBeUndefined();
    expect(await store().cache.stats()).toEqual({ entries: 1, bytes: 100, hits: 2 });
  });

  it('replaces an entry under the same key hash', async () => {
    await store().cache.put(cacheEntry());
    await store().cache.put(cacheEntry({ body: 'second', bytes: 6, stream: true }));
    expect(await store().cache.hit('ch-1', T0)).toMatchObject({ body: 'second', bytes: 6, stream: true });
    expect((await store().cache.stats()).entries).toBe(1);
  });

  it('purges by every given filter, or everything', async () => {
    await store().cache.put(cacheEntry({ keyHash: 'a', model: 'm1', keyId: 'k1' }));
    await store().cache.put(cacheEntry({ keyHash: 'b', model: 'm1', keyId: 'k2', customKey: 'mine' }));
    await store().cache.put(cacheEntry({ keyHash: 'c', model: 'm2', keyId: 'k1' }));
    expect(await store().cache.purge({ model: 'm1', keyId: 'k1' })).toBe(1);
    expect(await store().cache.purge({ customKey: 'mine' })).toBe(1);
    expect(await store().cache.purge({})).toBe(1);
    expect(await store().cache.stats()).toEqual({ entries: 0, bytes: 0, hits: 0 });
  });

  it('sweeps expired entries, then the least recently used past the size cap', async () => {
    await store().cache.put(cacheEntry({ keyHash: 'expired', expiresAt: T0 + 5 }));
    await store().cache.put(cacheEntry({ keyHash: 'old', lastUsedAt: T0 + 1, bytes: 400 }));
    await store().cache.put(cacheEntry({ keyHash: 'mid', lastUsedAt: T0 + 2, bytes: 400 }));
    await store().cache.put(cacheEntry({ keyHash: 'new', lastUsedAt: T0 + 3, bytes: 400 }));
    expect(await store().cache.sweep(T0 + 10, 1000)).toEqual({ expired: 1, evicted: 1 });
    expect(await store().cache.hit('old', T0 + 10)).toBeUndefined();
    expect(await store().cache.hit('mid', T0 + 10)).toBeDefined();
    expect((await store().cache.stats()).bytes).toBe(800);
  });
});

describeStores('store stored responses', ({ store }) => {
  const record = (overrides: object = {}) => ({ keyId: 'k1', id: 'resp_1', model: 'gpt-test', createdAt: T0, expiresAt: T0 + HOUR, sealed: 'sealed-data', ...overrides });

  it("serves a key's own live answer, never another key's", async () => {
    await store().responses.put(record());
    expect(await store().responses.get('k1', 'resp_1', T0 + 1)).toEqual(record());
    expect(await store().responses.get('k2', 'resp_1', T0 + 1)).toBeUndefined();
    expect(await store().responses.get('k1', 'resp_1', T0 + HOUR)).toBeUndefined();
  });

  it('keeps ids apart per key, replaces by key and id, deletes only the own', async () => {
    await store().responses.put(record());
    await store().responses.put(record({ keyId: 'k2', sealed: 'other' }));
    await store().responses.put(record({ sealed: 'replaced' }));
    expect((await store().responses.get('k1', 'resp_1', T0))?.sealed).toBe('replaced');
    expect(await store().responses.delete('k2', 'resp_1')).toBe(true);
    expect(await store().responses.delete('k2', 'resp_1')).toBe(false);
    expect(await store().responses.get('k1', 'resp_1', T0)).toBeDefined();
  });

  it('prunes answers past their retention', async () => {
    await store().responses.put(record({ id: 'a', expiresAt: T0 + 1 }));
    await store().responses.put(record({ id: 'b', expiresAt: T0 + 2 }));
    await store().responses.put(record({ id: 'c', expiresAt: T0 + HOUR }));
    expect(await store().responses.prune(T0 + 2)).toBe(2);
    expect(await store().responses.get('k1', 'c', T0)).toBeDefined();
  });

  it('prunes a backlog longer than one slice, all of it', { timeout: 60_000 }, async () => {
    // Put side by side, a hundred at a time (one by one takes D1 longer than a test may).
    for (let from = 0; from < 505; from += 100) {
      const ids = Array.from({ length: Math.min(100, 505 - from) }, (_, j) => from + j);
      await Promise.all(ids.map((i) => store().responses.put(record({ id: `old_${i}`, expiresAt: T0 + 1 + (i % 7) }))));
    }
    await store().responses.put(record({ id: 'live', expiresAt: T0 + HOUR }));
    expect(await store().responses.prune(T0 + 10)).toBe(505);
    expect(await store().responses.prune(T0 + 10)).toBe(0);
    expect(await store().responses.get('k1', 'live', T0)).toBeDefined();
  });
});
