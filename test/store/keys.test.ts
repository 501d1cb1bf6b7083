import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { keyRecord, T0 } from './records.js';

describeStores('store keys', ({ store }) => {
  it('stores a key with every field and reads it back alike, by list and by hash', async () => {
    const key = keyRecord();
    await store().keys.put(key);
    expect(await store().keys.list()).toEqual([key]);
    expect(await store().keys.byHash('hash-a')).toEqual(key);
    expect(await store().keys.byHash('hash-nope')).toBeUndefined();
  });

  it('keeps nulls as nulls and lists keys by creation, then name', async () => {
    const bare = keyRecord({ id: 'key-b', name: 'bob', hash: 'hash-b', models: null, limits: null, budget: null, cache: null, ipAllowlist: null, responses: null, prompts: null, createdAt: T0 + 5 });
    await store().keys.put(bare);
    await store().keys.put(keyRecord({ id: 'key-c', name: 'carol', hash: 'hash-c', createdAt: T0 }));
    await store().keys.put(keyRecord({ id: 'key-a', name: 'alice', hash: 'hash-a', createdAt: T0 }));
    const keys = await store().keys.list();
    expect(keys.map((k) => k.name)).toEqual(['alice', 'carol', 'bob']);
    expect(keys[2]).toEqual(bare);
  });

  it('updates a key in place by id, keeping its creation time', async () => {
    await store().keys.put(keyRecord());
    await store().keys.put(keyRecord({ name: 'alice-2', group: 'team-b', limits: { rpm: 5 }, createdAt: T0 + 999 }));
    const [key] = await store().keys.list();
    expect(key).toMatchObject({ id: 'key-a', name: 'alice-2', group: 'team-b', limits: { rpm: 5 }, createdAt: T0 });
  });

  it('refuses a second key with the same name or hash', async () => {
    await store().keys.put(keyRecord());
    await expect(store().keys.put(keyRecord({ id: 'key-x', hash: 'hash-x' }))).rejects.toThrow();
    await expect(store().keys.put(keyRecord({ id: 'key-y', name: 'other' }))).rejects.toThrow();
    expect(await store().keys.list()).toHaveLength(1);
  });

  it('revokes once: the time is kept, a second revoke changes nothing', async () => {
    await store().keys.put(keyRecord());
    expect(await store().keys.revoke('key-a', T0 + 10)).toBe(true);
    expect(await store().keys.revoke('key-a', T0 + 20)).toBe(false);
    expect(await store().keys.revoke('key-nope', T0)).toBe(false);
    expect((await store().keys.byHash('hash-a'))?.revokedAt).toBe(T0 + 10);
  });

  it('bumps the revision on every key write', async () => {
    const before = await store().settings.revision();
    await store().keys.put(keyRecord());
    await store().keys.revoke('key-a', T0);
    expect(await store().settings.revision()).toBe(before + 2);
  });
});
