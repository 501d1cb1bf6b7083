import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { upstreamRecord } from './records.js';

const credential = (id: string, weight = 1, enabled = true) => ({
  id,
  upstreamId: 'oai',
  secretEnc: `sealed-${id}`,
  hint: `sk-…${id}`,
  label: id === 'c1' ? 'primary' : null,
  weight,
  enabled,
});

describeStores('store upstreams and models', ({ store }) => {
  it('stores an upstream with its options and credentials, booleans as booleans', async () => {
    await store().upstreams.put(upstreamRecord({ settings: { modelSync: { enabled: true } } as never }));
    await store().upstreams.putCredential(credential('c1', 2));
    await store().upstreams.putCredential(credential('c2', 1, false));
    const [u] = await store().upstreams.list();
    expect(u).toEqual({ ...upstreamRecord({ settings: { modelSync: { enabled: true } } as never }), credentials: [credential('c1', 2), credential('c2', 1, false)] });
    expect(typeof u.enabled).toBe('boolean');
  });

  it('updates an upstream by id and disables it', async () => {
    await store().upstreams.put(upstreamRecord());
    await store().upstreams.put(upstreamRecord({ baseUrl: null, enabled: false, strategy: 'round-robin' }));
    const [u] = await store().upstreams.list();
    expect(u).toMatchObject({ baseUrl: null, enabled: false, strategy: 'round-robin' });
  });

  it('orders a pool by position, unplaced credentials after by creation', async () => {
    await store().upstreams.put(upstreamRecord());
    for (const id of ['c1', 'c2', 'c3']) await store().upstreams.putCredential(credential(id));
    await store().upstreams.orderCredentials('oai', ['c3', 'c1']);
    expect((await store().upstreams.list())[0].credentials.map((c) => c.id)).toEqual(['c3', 'c1', 'c2']);
  });

  it('deletes a credential, and an upstream with its pool', async () => {
    await store().upstreams.put(upstreamRecord());
    await store().upstreams.put(upstreamRecord({ id: 'other' }));
    await store().upstreams.putCredential(credential('c1'));
    await store().upstreams.putCredential(credential('c2'));
    expect(await store().upstreams.deleteCredential('oai', 'c1')).toBe(true);
    expect(await store().upstreams.deleteCredential('other', 'c2')).toBe(false);
    expect((await store().upstreams.list()).find((u) => u.id === 'oai')?.credentials.map((c) => c.id)).toEqual(['c2']);
    expect(await store().upstreams.delete('oai')).toBe(true);
    expect(await store().upstreams.delete('oai')).toBe(false);
    expect((await store().upstreams.list()).map((u) => u.id)).toEqual(['other']);
    // The pool went with it: the same id can come back under another upstream.
    await store().upstreams.putCredential({ ...credential('c2'), upstreamId: 'other' });
    expect((await store().upstreams.list())[0].credentials.map((c) => c.id)).toEqual(['c2']);
  });

  it('reseals all credentials or none', async () => {
    await store().upstreams.put(upstreamRecord());
    await store().upstreams.putCredential(credential('c1'));
    await expect(
      store().upstreams.resealCredentials([
        { id: 'c1', secretEnc: 'new-1' },
        { id: 'gone', secretEnc: 'new-2' },
      ]),
    ).rejects.toThrow(/gone/);
    expect((await store().upstreams.list())[0].credentials[0].secretEnc).toBe('sealed-c1');
    await store().upstreams.resealCredentials([{ id: 'c1', secretEnc: 'new-1' }]);
    expect((await store().upstreams.list())[0].credentials[0].secretEnc).toBe('new-1');
  });

  it('stores a model with more routes, and reseals more credentials, than one statement can bind (D1: 100 parameters)', async () => {
    await store().upstreams.put(upstreamRecord());
    const ids = Array.from({ length: 150 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    for (const id of ids) await store().upstreams.putCredential(credential(id));
    await store().upstreams.resealCredentials(ids.map((id) => ({ id, secretEnc: `new-${id}` })));
    expect((await store().upstreams.list())[0].credentials.map((c) => c.secretEnc)).toEqual(ids.map((id) => `new-${id}`));
    const routes = Array.from({ length: 60 }, (_, i) => ({ upstream: 'oai', model: `u${i}`, weight: i + 1 }));
    await store().models.put({ id: 'wide', routes });
    expect(await store().models.list()).toEqual([{ id: 'wide', routes }]);
  });

  it('stores models with ordered, optionally weighted routes, replaced whole', async () => {
    await store().models.put({ id: 'm2', routes: [{ upstream: 'oai', model: 'x' }] });
    await store().models.put({
      id: 'm1',
      routes: [
        { upstream: 'oai', model: 'a', weight: 3 },
        { upstream: 'ant', model: 'b', weight: 1 },
      ],
    });
    expect(await store().models.list()).toEqual([
      { id: 'm1', routes: [{ upstream: 'oai', model: 'a', weight: 3 }, { upstream: 'ant', model: 'b', weight: 1 }] },
      { id: 'm2', routes: [{ upstream: 'oai', model: 'x' }] },
    ]);
    await store().models.put({ id: 'm1', routes: [{ upstream: 'ant', model: 'c' }] });
    expect((await store().models.list())[0]).toEqual({ id: 'm1', routes: [{ upstream: 'ant', model: 'c' }] });
    expect(await store().models.delete('m1')).toBe(true);
    expect(await store().models.delete('m1')).toBe(false);
    expect((await store().models.list()).map((m) => m.id)).toEqual(['m2']);
  });

  it('bumps the revision on catalog writes, but not on a reseal', async () => {
    const start = await store().settings.revision();
    await store().upstreams.put(upstreamRecord());
    await store().upstreams.putCredential(credential('c1'));
    await store().models.put({ id: 'm', routes: [{ upstream: 'oai', model: 'x' }] });
    expect(await store().settings.revision()).toBe(start + 3);
    await store().upstreams.resealCredentials([{ id: 'c1', secretEnc: 'x' }]);
    expect(await store().settings.revision()).toBe(start + 3);
  });
});

describeStores('store settings and health', ({ store }) => {
  it('gets, sets and overwrites settings; an unknown one is undefined', async () => {
    expect(await store().settings.get('security')).toBeUndefined();
    await store().settings.set('security', '{"ipAllowlist":[]}');
    await store().settings.set('security', '{"ipAllowlist":["10.0.0.0/8"]}');
    expect(await store().settings.get('security')).toBe('{"ipAllowlist":["10.0.0.0/8"]}');
  });

  it('starts the revision at 0', async () => {
    expect(await store().settings.revision()).toBe(0);
  });

  it('bumps the revision on every settings write, so other processes reload them', async () => {
    await store().settings.set('limits', '{}');
    await store().settings.set('prices', '{}');
    expect(await store().settings.revision()).toBe(2);
  });

  it('keeps what was learned about credentials, one row each', async () => {
    await store().health.put({ credentialId: 'c1', state: 'cooling', reason: '429', since: 1_000, until: 61_000, setBy: 'gateway' });
    await store().health.put({ credentialId: 'c2', state: 'disabled', reason: 'bad key', since: 2_000, until: null, setBy: 'admin' });
    await store().health.put({ credentialId: 'c1', state: 'healthy', reason: null, since: 70_000, until: null, setBy: 'gateway' });
    const rows = (await store().health.list()).sort((a, b) => a.credentialId.localeCompare(b.credentialId));
    expect(rows).toEqual([
      { credentialId: 'c1', state: 'healthy', reason: null, since: 70_000, until: null, setBy: 'gateway' },
      { credentialId: 'c2', state: 'disabled', reason: 'bad key', since: 2_000, until: null, setBy: 'admin' },
    ]);
  });
});
