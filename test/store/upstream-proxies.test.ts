import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { upstreamRecord } from './records.js';
import { createSecretBox, noSecretBox } from '../../src/policy/secrets.js';
import { sealPlainProxies, withSealedProxies } from '../../src/app/sealed-proxy-store.js';

/** An upstream's proxy URL is sealed in the database (app/sealed-proxy-store.ts), on every store. */

const PROXY = 'http://alice:pr0xy-s3cret@proxy.example:3128';
const box = createSecretBox('store-test-secret-0123456789');
const withProxy = (proxy: string, id = 'oai') => upstreamRecord({ id, settings: { proxy, modelSync: { enabled: true } } as never });

describeStores('store upstream proxies', ({ store }) => {
  it('seals a proxy on the way in and opens it on the way out; the row holds no password', async () => {
    const sealing = withSealedProxies(store(), await box);
    await sealing.upstreams.put(withProxy(PROXY));
    const [raw] = await store().upstreams.list();
    expect(raw.settings?.proxy).toMatch(/^v2\./);
    expect(JSON.stringify(raw)).not.toContain('pr0xy-s3cret');
    const [seen] = await sealing.upstreams.list();
    expect(seen.settings).toEqual({ proxy: PROXY, modelSync: { enabled: true } });
    // Written back as read (a PATCH, a model sync): sealed again, still the same URL.
    await sealing.upstreams.put(seen);
    expect((await store().upstreams.list())[0].settings?.proxy).toMatch(/^v2\./);
    expect((await sealing.upstreams.list())[0].settings?.proxy).toBe(PROXY);
  });

  it('reads a proxy stored plain by an earlier version, and the sweep seals it without bumping the revision', async () => {
    await store().upstreams.put(withProxy(PROXY));
    await store().upstreams.put(withProxy('http://no-login.example:3128', 'other'));
    await store().upstreams.put(upstreamRecord({ id: 'direct' }));
    const sealing = withSealedProxies(store(), await box);
    expect((await sealing.upstreams.list()).find((u) => u.id === 'oai')?.settings?.proxy).toBe(PROXY);
    const revision = await store().settings.revision();
    expect((await sealPlainProxies(store(), await box)).sort()).toEqual(['oai', 'other']);
    expect(await store().settings.revision()).toBe(revision);
    const raw = await store().upstreams.list();
    expect(raw.find((u) => u.id === 'oai')?.settings).toEqual({ proxy: expect.stringMatching(/^v2\./), modelSync: { enabled: true } });
    expect(raw.find((u) => u.id === 'direct')?.settings).toBeUndefined();
    expect((await sealing.upstreams.list()).map((u) => u.settings?.proxy)).toEqual([undefined, PROXY, 'http://no-login.example:3128']);
    // Nothing plain is left: a second sweep writes nothing.
    expect(await sealPlainProxies(store(), await box)).toEqual([]);
  });

  it('re-seals only the rows still holding the value read (a write meanwhile is not undone)', async () => {
    await store().upstreams.put(withProxy('v2.old.one'));
    await store().upstreams.put(withProxy('v2.old.two', 'other'));
    await store().upstreams.resealProxies([
      { id: 'oai', from: 'v2.old.one', to: 'v2.new.one' },
      { id: 'other', from: 'v2.changed.meanwhile', to: 'v2.new.two' },
      { id: 'gone', from: 'v2.x.y', to: 'v2.z.w' },
    ]);
    const raw = await store().upstreams.list();
    expect(raw.map((u) => [u.id, u.settings?.proxy])).toEqual([
      ['oai', 'v2.new.one'],
      ['other', 'v2.old.two'],
    ]);
    expect(raw[0].settings).toMatchObject({ modelSync: { enabled: true } });
  });

  it('without a secret: a proxy with a user or password is refused, one without is stored as it is', async () => {
    const unsealed = withSealedProxies(store(), noSecretBox());
    await expect(unsealed.upstreams.put(withProxy(PROXY))).rejects.toThrow(/no secret/);
    expect(await store().upstreams.list()).toEqual([]);
    await unsealed.upstreams.put(withProxy('http://no-login.example:3128'));
    expect((await store().upstreams.list())[0].settings?.proxy).toBe('http://no-login.example:3128');
    expect(await sealPlainProxies(store(), noSecretBox())).toEqual([]);
  });

  it('a proxy that does not open under this secret stays sealed (never a direct route), and is written back as it was', async () => {
    await withSealedProxies(store(), await box).upstreams.put(withProxy(PROXY));
    const sealedAs = (await store().upstreams.list())[0].settings?.proxy;
    const logs: string[] = [];
    const other = withSealedProxies(store(), await createSecretBox('another-secret-0123456789'), (line) => logs.push(line));
    const [seen] = await other.upstreams.list();
    expect(seen.settings?.proxy).toBe(sealedAs);
    expect(logs.join('\n')).toMatch(/upstream oai: its proxy cannot be opened/);
    await other.upstreams.put(seen);
    expect((await store().upstreams.list())[0].settings?.proxy).toBe(sealedAs);
  });
});
