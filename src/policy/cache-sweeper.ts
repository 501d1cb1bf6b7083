import type { CacheSettings } from '../config/schema.js';
import type { Store } from '../store/store.js';

/**
 * Keeps the response cache within its settings: every `sweepIntervalSeconds`
 * it deletes expired entries, then the least recently used ones until the
 * rest fit in `maxBytes`. It runs whether or not the cache is on globally,
 * since a request may turn it on for itself. The timer does not keep the
 * process alive; the returned function stops it. The size cap is read at
 * every sweep (the admin API may change it); the interval at start.
 */
export function startCacheSweeper(store: Store, settings: () => CacheSettings, now: () => number, log: (message: string) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store.cache
      .sweep(now(), settings().maxBytes)
      .catch((err: unknown) => log(`response cache: sweep failed: ${String(err)}`))
      .finally(() => (running = false));
  }, settings().sweepIntervalSeconds * 1000);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
