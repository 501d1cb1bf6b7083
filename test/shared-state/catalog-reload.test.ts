import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { createCatalog } from '../../src/routing/catalog.js';
import { createSharedState } from '../../src/app/shared-state.js';
import { createSettingsHolder, defaultSettings, saveSettings, type GatewaySettings, type SettingsHolder } from '../../src/policy/gateway-settings.js';
import { noSecretBox } from '../../src/policy/secrets.js';
import type { Store } from '../../src/store/store.js';
import type { KeyRecord } from '../../src/store/types.js';
import { tempDir } from '../helpers/gateway.js';

/**
 * The catalog and the shared state reloading while other processes write:
 * each test opens the database twice, as a gateway and as the CLI (or
 * another replica), and times the other's write into the gateway's reload.
 */

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function twoHandles(): Promise<{ gateway: Store; cli: Store }> {
  const url = `sqlite:${join(tempDir(), 'reload.db')}`;
  const gateway = await openSqliteStore(url);
  const cli = await openSqliteStore(url);
  opened.push(gateway, cli);
  return { gateway, cli };
}

function key(name: string): KeyRecord {
  return {
    id: `key_${name}`,
    name,
    hash: `hash-${name}`,
    prefix: 'sk-sb-…',
    group: 'default',
    models: null,
    limits: null,
    budget: null,
    source: 'admin',
    createdAt: 1,
    revokedAt: null,
  };
}

/** The gateway's Store, whose key listing calls `during` right after it read (once armed). */
function withHook(store: Store, during: { run?: () => Promise<void> }): Store {
  return {
    ...store,
    keys: {
      ...store.keys,
      async list() {
        const keys = await store.keys.list();
        const run = during.run;
        during.run = undefined;
        await run?.();
        return keys;
      },
    },
  };
}

function sharedState(store: Store, catalog: Awaited<ReturnType<typeof createCatalog>>, settings: SettingsHolder = createSettingsHolder(defaultSettings())) {
  return createSharedState({
    store,
    catalog,
    settings,
    limits: { adoptRules: async () => {} },
    priceBook: { setAdminPrices: () => {} },
    log: () => {},
    now: Date.now,
  });
}

describe('catalog reloads and revisions', () => {
  it('a key revoked while a reload reads is refused after the next refresh, not skipped for good', async () => {
    const { gateway, cli } = await twoHandles();
    await cli.keys.put(key('alice'));
    const during: { run?: () => Promise<void> } = {};
    const store = withHook(gateway, during);
    const catalog = await createCatalog(store, noSecretBox());
    const shared = sharedState(store, catalog);
    await shared.refresh();
    expect(catalog.current().keysByHash.get('hash-alice')?.revokedAt).toBeNull();

    // Another change moves the revision; while the reload it causes reads, the CLI revokes alice.
    await cli.keys.put(key('bob'));
    during.run = async () => void (await cli.keys.revoke('key_alice', 1234));
    await shared.refresh();
    expect(catalog.current().keysByHash.get('hash-bob')).toBeDefined();
    // The snapshot was read before the revoke; the next refresh sees the revision the revoke left.
    await shared.refresh();
    expect(catalog.current().keysByHash.get('hash-alice')?.revokedAt).toBe(1234);
  });

  it("a refresh that read the settings before this process's admin write does not put the older ones back", async () => {
    const { gateway, cli } = await twoHandles();
    const listed = (ipAllowlist: string[]): GatewaySettings => ({ ...defaultSettings(), security: { ...defaultSettings().security, ipAllowlist } });
    await saveSettings(gateway, listed(['10.0.0.0/8']));
    const during: { run?: () => Promise<void> } = {};
    const store = withHook(gateway, during);
    const catalog = await createCatalog(store, noSecretBox());
    const settings = createSettingsHolder(listed(['10.0.0.0/8']));
    const shared = sharedState(store, catalog, settings);
    await shared.refresh();

    // Another change moves the revision; while the reload it causes reads, this process's admin API clears the list
    // (stored, then replaced in memory, as PATCH /admin/api/settings does).
    await cli.keys.put(key('bob'));
    during.run = async () => {
      await saveSettings(gateway, listed([]));
      settings.replace(listed([]));
    };
    await shared.refresh();
    expect(settings.current().ipAllowlist).toBeNull();
    await shared.refresh();
    expect(settings.current().ipAllowlist).toBeNull();
  });

  it('two overlapping reloads leave the newer snapshot in place', async () => {
    const { gateway, cli } = await twoHandles();
    await cli.keys.put(key('alice'));
    const during: { run?: () => Promise<void> } = {};
    const catalog = await createCatalog(withHook(gateway, during), noSecretBox());

    // The first reload reads alice unrevoked, then stalls; meanwhile she is revoked and a second reload starts.
    let readFirst!: () => void;
    const firstRead = new Promise<void>((resolve) => (readFirst = resolve));
    during.run = async () => {
      readFirst();
      await new Promise((resolve) => setTimeout(resolve, 150));
    };
    const first = catalog.reload();
    await firstRead;
    await cli.keys.revoke('key_alice', 1234);
    const second = catalog.reload();
    await Promise.all([first, second]);
    expect(catalog.current().keysByHash.get('hash-alice')?.revokedAt).toBe(1234);
  });

  it('a burst of reloads while one runs costs one more, not one each', async () => {
    const { gateway } = await twoHandles();
    let lists = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const list = async () => {
      if (lists++ === 1) await held;
      return gateway.keys.list();
    };
    const counting: Store = { ...gateway, keys: { ...gateway.keys, list } };
    const catalog = await createCatalog(counting, noSecretBox());
    const running = catalog.reload();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const burst = Array.from({ length: 10 }, () => catalog.reload());
    release();
    await Promise.all([running, ...burst]);
    // The start's build, the running reload, and one for the whole burst.
    expect(lists).toBe(3);
  });
});
