import type { Store } from '../store/store.js';
import type { SecretBox } from './secrets.js';
import { loadSettings, saveSettings } from './gateway-settings.js';

/**
 * What `secret rotate` re-seals besides credentials and proxy URLs: every
 * other value the gateway keeps sealed with its secret and needs again
 * after a restart: alert webhooks and log export destinations (whole,
 * their URLs and tokens) and the hosted web search's key. Short-lived
 * sealed rows (sign-ins, setup links) and stored responses are not: they
 * expire. Each value is opened first; `write` runs only when all opened.
 */
export interface Resealing {
  /** One line per value that does not open with the current secret. */
  failures: string[];
  /** What will be re-sealed, for the summary line. */
  counts: { webhooks: number; destinations: number; searchKeys: number };
  write(): Promise<void>;
}

export async function planResealing(store: Store, from: SecretBox, to: SecretBox, now: number): Promise<Resealing> {
  const failures: string[] = [];
  const reseal = async (sealed: string, what: string): Promise<string | undefined> => {
    try {
      return await to.encrypt(await from.decrypt(sealed));
    } catch (err) {
      failures.push(`  ${what}: ${(err as Error).message}`);
      return undefined;
    }
  };

  const webhooks: { id: string; sealed: string; updatedAt: number }[] = [];
  for (const w of await store.alerts.webhooks.list()) {
    const sealed = await reseal(w.sealed, `alert webhook ${w.id}`);
    if (sealed) webhooks.push({ id: w.id, sealed, updatedAt: now });
  }
  const destinations: { id: string; sealed: string; updatedAt: number }[] = [];
  for (const d of await store.logExports.list()) {
    const sealed = await reseal(d.sealed, `log export destination ${d.id}`);
    if (sealed) destinations.push({ id: d.id, sealed, updatedAt: now });
  }
  const settings = await loadSettings(store);
  const search = settings.hostedTools.webSearch;
  const searchKey = search?.apiKey === undefined ? undefined : await reseal(search.apiKey, 'the hosted web search key');

  return {
    failures,
    counts: { webhooks: webhooks.length, destinations: destinations.length, searchKeys: searchKey === undefined ? 0 : 1 },
    async write() {
      for (const w of webhooks) await store.alerts.webhooks.put(w);
      for (const d of destinations) await store.logExports.put(d);
      if (search && searchKey !== undefined) await saveSettings(store, { hostedTools: { ...settings.hostedTools, webSearch: { ...search, apiKey: searchKey } } });
    },
  };
}
