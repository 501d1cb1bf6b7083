import type { Store } from '../store/store.js';
import type { CountersHealth } from '../store/outage-counters.js';
import type { Sleep } from '../runtime/runtime.js';

/** How long one readiness check may take before it counts as failed: a probe must answer quickly. */
export const READINESS_TIMEOUT_MS = 2000;

export interface ReadinessDeps {
  store: Store;
  /** The counters' health (memory counters are always up). */
  countersHealth?: () => CountersHealth;
  sleep: Sleep;
  timeoutMs?: number;
}

export interface ReadinessCheck {
  ok: boolean;
  ms: number;
  /** What failed, when it did. */
  error?: string;
  /** The counters' kind and state. */
  store?: CountersHealth['store'];
  state?: CountersHealth['state'];
}

export interface Readiness {
  ok: boolean;
  checks: { store: ReadinessCheck; counters: ReadinessCheck };
}

/**
 * Whether this process can serve requests: the database answers a trivial
 * read (the shared revision, one indexed row) and the limit counters are
 * reachable. Each check has a short deadline, so a hung database makes the
 * probe fail instead of hang.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? READINESS_TIMEOUT_MS;
  const [store, counters] = await Promise.all([
    timed(deps, timeoutMs, async () => {
      await deps.store.settings.revision();
      return {};
    }),
    timed(deps, timeoutMs, async () => {
      const health = deps.countersHealth?.() ?? { store: 'memory' as const, state: 'up' as const, lastError: null };
      const seen = { store: health.store, state: health.state };
      if (health.state === 'down') throw Object.assign(new Error(health.lastError ?? 'the counters cannot be reached'), { seen });
      return seen;
    }),
  ]);
  return { ok: store.ok && counters.ok, checks: { store, counters } };
}

async function timed(deps: ReadinessDeps, timeoutMs: number, check: () => Promise<Partial<ReadinessCheck>>): Promise<ReadinessCheck> {
  const started = performance.now();
  const stop = new AbortController();
  const deadline = deps.sleep(timeoutMs, stop.signal).then(
    () => Promise.reject(new Error(`no answer within ${timeoutMs} ms`)),
    () => new Promise<never>(() => {}),
  );
  try {
    const seen = await Promise.race([check(), deadline]);
    return { ok: true, ms: elapsed(started), ...seen };
  } catch (err) {
    const seen = (err as { seen?: Partial<ReadinessCheck> }).seen ?? {};
    return { ok: false, ms: elapsed(started), ...seen, error: err instanceof Error ? err.message : String(err) };
  } finally {
    stop.abort();
  }
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 10) / 10;
