import type { Store } from '../store/store.js';
import type { Catalog } from '../routing/catalog.js';
import { oneAtATime } from '../routing/one-at-a-time.js';
import { loadSettings, type SettingsHolder } from '../policy/gateway-settings.js';
import { loadRules } from '../policy/limit-rules.js';
import type { Limits } from '../policy/limits.js';
import type { PriceBook } from '../usage/cost.js';
import { loadAdminPrices } from '../admin/prices.js';
import { failureLog } from '../runtime/failure-log.js';

/**
 * What every process of one gateway must agree on and keeps in memory: the
 * catalog (keys, upstreams, models), the security / logging / cache
 * settings, the limit rules and the admin's prices (credential health is
 * shared apart, routing/shared-health). Every write of them bumps the Store's revision; `refresh` (a job,
 * every ≤ 1 s, and at once on a change-feed hint) reads the revision and,
 * when it moved, reloads them all.
 *
 * The revision is read before the data: a write that lands while a reload
 * reads is either in what was read or bumps the revision past the one
 * remembered, so the next refresh reloads again; it is never skipped.
 */
export interface SharedState {
  /** Reloads when the revision moved since the last reload. Calls never overlap; a burst costs at most two checks. Never throws. */
  refresh(): Promise<void>;
}

export interface SharedStateDeps {
  store: Store;
  catalog: Pick<Catalog, 'reload'>;
  settings: Pick<SettingsHolder, 'replace' | 'version'>;
  limits: Pick<Limits, 'adoptRules'>;
  priceBook: Pick<PriceBook, 'setAdminPrices'>;
  log: (message: string) => void;
  now: () => number;
}

export function createSharedState(deps: SharedStateDeps): SharedState {
  const { store } = deps;
  // Unknown at first: what the platform loaded at start may predate a write, so the first refresh reloads.
  let seen: number | undefined;
  const failures = failureLog('reloading the shared state', deps.log, deps.now);

  const refresh = oneAtATime(async () => {
    const revision = await store.settings.revision();
    if (revision === seen) return;
    const settingsVersion = deps.settings.version();
    const [settings, rules, prices] = await Promise.all([loadSettings(store, deps.log), loadRules(store), loadAdminPrices(store), deps.catalog.reload()]);
    await deps.limits.adoptRules(rules);
    deps.priceBook.setAdminPrices(prices);
    // Replaced here while this reload read (an admin write in this process): what was read may be older,
    // and that write bumped the revision, so the next refresh reloads instead.
    if (deps.settings.version() !== settingsVersion) return;
    deps.settings.replace(settings);
    seen = revision;
  });

  return {
    // It runs every half second: a database that is down gives a line a minute, not two a second.
    refresh: () => refresh().then(failures.succeeded, failures.failed),
  };
}
