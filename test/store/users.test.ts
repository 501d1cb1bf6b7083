import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { keyRecord, logRow, T0 } from './records.js';
import type { KeyRequestRecord, UserRecord } from '../../src/store/types.js';

const CAPS = { models: ['gpt-test'], upstreams: null, group: 'team-a', rpm: 60, tpm: null, budget: { usd: 5, period: 'month' as const }, maxKeys: 3 };

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return { id: 'user-a', name: 'amy', role: 'member', passwordHash: 'pbkdf2-sha256$100000$c2FsdA$aGFzaA', disabled: false, caps: CAPS, createdAt: T0, updatedAt: T0, ...overrides };
}

function request(overrides: Partial<KeyRequestRecord> = {}): KeyRequestRecord {
  return {
    id: 'kreq-1',
    userId: 'user-a',
    spec: { name: 'bigger', models: ['gpt-test'], limits: { rpm: 600 } },
    reason: 'batch job',
    state: 'pending',
    note: null,
    decidedBy: null,
    decidedAt: null,
    keyId: null,
    claimedAt: null,
    createdAt: T0,
    ...overrides,
  };
}

describeStores('store users, sessions and key requests', ({ store }) => {
  it('keeps users by id and unique name, with their caps', async () => {
    await store().users.put(user());
    await store().users.put(user({ id: 'user-b', name: 'bob', role: 'admin', disabled: true }));
    expect(await store().users.get('user-a')).toEqual(user());
    expect((await store().users.byName('bob'))?.role).toBe('admin');
    expect((await store().users.byName('bob'))?.disabled).toBe(true);
    expect((await store().users.list()).map((u) => u.name)).toEqual(['amy', 'bob']);
    await expect(store().users.put(user({ id: 'user-c' }))).rejects.toThrow(/unique/i);
    await store().users.put(user({ caps: { ...CAPS, maxKeys: 9 }, updatedAt: T0 + 1 }));
    expect((await store().users.get('user-a'))?.caps.maxKeys).toBe(9);
    expect(await store().users.delete('user-a')).toBe(true);
    expect(await store().users.get('user-a')).toBeUndefined();
  });

  it('finds a live session by its hash, ends one or all of a user\'s, and clears expired ones on sign-in', async () => {
    const session = (id: string, userId: string, expiresAt: number) => ({ id, userId, createdAt: T0, expiresAt });
    await store().sessions.put(session('s1', 'user-a', T0 + 100), T0);
    await store().sessions.put(session('s2', 'user-a', T0 + 100_000), T0);
    await store().sessions.put(session('s3', 'user-b', T0 + 100_000), T0);
    expect(await store().sessions.get('s1', T0 + 1)).toEqual(session('s1', 'user-a', T0 + 100));
    expect(await store().sessions.get('s1', T0 + 100)).toBeUndefined();
    await store().sessions.put(session('s4', 'user-b', T0 + 100_000), T0 + 200);
    expect(await store().sessions.delete('s1')).toBe(false);
    expect(await store().sessions.delete('s4')).toBe(true);
    expect(await store().sessions.deleteForUser('user-a')).toBe(1);
    expect(await store().sessions.get('s2', T0)).toBeUndefined();
    expect(await store().sessions.get('s3', T0)).toBeDefined();
  });

  it('decides a key request once, and lets its key be claimed once', async () => {
    await store().keyRequests.put(request());
    await store().keyRequests.put(request({ id: 'kreq-2', userId: 'user-b', createdAt: T0 + 1 }));
    expect((await store().keyRequests.list({})).map((r) => r.id)).toEqual(['kreq-2', 'kreq-1']);
    expect((await store().keyRequests.list({ userId: 'user-a' })).map((r) => r.id)).toEqual(['kreq-1']);
    const decision = { state: 'approved' as const, note: 'ok', decidedBy: 'admin-key', decidedAt: T0 + 5, keyId: 'key-x' };
    expect(await store().keyRequests.claim('kreq-1', T0 + 6)).toBe(false);
    expect(await store().keyRequests.decide('kreq-1', decision)).toBe(true);
    expect(await store().keyRequests.decide('kreq-1', { ...decision, state: 'rejected' })).toBe(false);
    expect(await store().keyRequests.get('kreq-1')).toEqual(request({ ...decision }));
    expect((await store().keyRequests.list({ state: 'pending' })).map((r) => r.id)).toEqual(['kreq-2']);
    expect(await store().keyRequests.claim('kreq-1', T0 + 6)).toBe(true);
    expect(await store().keyRequests.claim('kreq-1', T0 + 7)).toBe(false);
    expect((await store().keyRequests.get('kreq-1'))?.claimedAt).toBe(T0 + 6);
  });

  it("keeps a key's owner, and narrows logs and usage to one owner's keys", async () => {
    await store().keys.put(keyRecord({ id: 'key-a', name: 'a', hash: 'ha', ownerId: 'user-a' }));
    await store().keys.put(keyRecord({ id: 'key-b', name: 'b', hash: 'hb', ownerId: 'user-b' }));
    await store().keys.put(keyRecord({ id: 'key-c', name: 'c', hash: 'hc' }));
    expect((await store().keys.list()).map((k) => [k.id, k.ownerId])).toEqual([['key-a', 'user-a'], ['key-b', 'user-b'], ['key-c', null]]);
    await store().logs.write([logRow({ id: 'r-a', keyId: 'key-a' }), logRow({ id: 'r-b', keyId: 'key-b' }), logRow({ id: 'r-c', keyId: 'key-c' })]);
    expect((await store().logs.query({ ownerId: 'user-a', limit: 10, offset: 0 })).data.map((r) => r.id)).toEqual(['r-a']);
    expect((await store().logs.query({ ownerId: 'nobody', limit: 10, offset: 0 })).data).toEqual([]);
    expect((await store().logs.query({ limit: 10, offset: 0 })).data).toHaveLength(3);
    const usage = await store().usage.query({ by: 'key', from: T0, to: T0 + 3_600_000, ownerId: 'user-b' });
    expect(usage.map((r) => r.value)).toEqual(['key-b']);
    expect((await store().usage.query({ by: 'model', from: T0, to: T0 + 3_600_000, ownerId: 'user-b' }))[0].requests).toBe(1);
  });
});
