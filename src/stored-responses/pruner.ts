import type { Store } from '../store/store.js';

/** How often the retention job runs by default: stored answers live for days, so hourly is close enough. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The retention job of stored Responses: every `intervalMs` it deletes the
 * answers past their key's retention (reads already ignore them). Started
 * by the platform; the timer does not keep the process alive; the returned
 * function stops it.
 */
export function startResponsePruner(store: Store, now: () => number, log: (message: string) => void, intervalMs = PRUNE_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store.responses
      .prune(now())
      .then((pruned) => {
        if (pruned > 0) log(`stored responses: ${pruned} past their retention deleted`);
      })
      .catch((err: unknown) => log(`stored responses: pruning failed: ${String(err)}`))
      .finally(() => (running = false));
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
