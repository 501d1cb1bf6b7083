import type { Store } from '../store/store.js';
import type { UpstreamRecord } from '../store/types.js';
import type { SecretBox } from '../policy/secrets.js';
import { isSealedProxy, openProxy, sealProxy } from '../policy/sealed-proxy.js';

/**
 * The Store as the gateway sees it: an upstream's `settings.proxy` is the
 * plain URL in records (what providers, the admin API and the export read),
 * and sealed in the database (policy/sealed-proxy.ts). One wrapper rather
 * than a seal at each writer and an open at each reader: a writer added
 * later cannot store a password in the clear by forgetting to.
 *
 * A proxy that does not open (the secret changed) is left in its sealed
 * form: a request through it fails as a proxy failure (it is not a URL),
 * never goes around it, and a write of the record keeps it as it is.
 */
export function withSealedProxies(store: Store, box: SecretBox, log: (message: string) => void = () => {}): Store {
  const open = async (u: UpstreamRecord): Promise<UpstreamRecord> => {
    const stored = u.settings?.proxy;
    if (stored === undefined || !isSealedProxy(stored)) return u;
    try {
      return { ...u, settings: { ...u.settings, proxy: await openProxy(box, stored) } };
    } catch (err) {
      log(`upstream ${u.id}: its proxy cannot be opened, so its requests fail until it is set again: ${(err as Error).message}`);
      return u;
    }
  };
  const upstreams: Store['upstreams'] = {
    ...store.upstreams,
    list: async () => Promise.all((await store.upstreams.list()).map(open)),
    put: async (u) => {
      const proxy = u.settings?.proxy;
      if (proxy === undefined) return store.upstreams.put(u);
      return store.upstreams.put({ ...u, settings: { ...u.settings, proxy: await sealProxy(box, proxy) } });
    },
  };
  return { ...store, upstreams };
}

/**
 * Seals the proxies still stored plain (written before they were sealed),
 * so no password stays in the clear past a start: run at every start, it
 * writes only when there is one. Without a secret nothing can be sealed and
 * nothing changes. Returns the ids sealed.
 */
export async function sealPlainProxies(store: Store, box: SecretBox): Promise<string[]> {
  if (!box.canSeal) return [];
  const plain = (await store.upstreams.list()).flatMap((u) => {
    const proxy = u.settings?.proxy;
    return proxy !== undefined && !isSealedProxy(proxy) ? [{ id: u.id, proxy }] : [];
  });
  const updates = await Promise.all(plain.map(async (p) => ({ id: p.id, from: p.proxy, to: await box.encrypt(p.proxy) })));
  if (updates.length > 0) await store.upstreams.resealProxies(updates);
  return updates.map((u) => u.id);
}
