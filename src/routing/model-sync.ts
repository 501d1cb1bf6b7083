import type { Catalog } from './catalog.js';
import type { Providers } from '../providers/registry.js';
import type { Store } from '../store/store.js';

/** What a model sync needs from the gateway context. */
export interface ModelSyncDeps {
  store: Store;
  catalog: Catalog;
  providers: Providers;
}

export class UnknownUpstream extends Error {}

/**
 * Asks an upstream for the models it serves and stores their ids as the
 * upstream's `models`, which routing uses for models not declared under
 * `models:` (routing/plan.ts `routesOf`). The credentials are tried in pool
 * order until one answers; the last failure is thrown when none does.
 * Returns the stored list.
 */
export async function syncModels(deps: ModelSyncDeps, upstreamId: string, signal: AbortSignal = AbortSignal.timeout(60_000)): Promise<string[]> {
  const live = deps.catalog.current().upstreams.get(upstreamId);
  if (!live) throw new UnknownUpstream(`no upstream with id ${upstreamId}`);
  const provider = deps.providers[live.record.kind];
  const candidates: ({ id: string; secret: string } | null)[] = provider.credentialOptional && live.record.credentials.length === 0 ? [null] : live.credentials;
  if (candidates.length === 0) throw new Error(`upstream ${upstreamId} has no usable credential to list its models with`);

  let lastError: unknown;
  for (const credential of candidates) {
    try {
      const listed = await provider.listModels(live.record, credential?.secret ?? null, signal, credential?.id);
      const ids = [...new Set(listed.map((m) => m.id))];
      await storeModels(deps, upstreamId, ids);
      return ids;
    } catch (err) {
      lastError = err;
      if (signal.aborted) break;
    }
  }
  throw lastError;
}

/** Rewrites the upstream's `models` from the Store's current record, so nothing else of it changes. */
async function storeModels(deps: ModelSyncDeps, upstreamId: string, ids: string[]): Promise<void> {
  const record = (await deps.store.upstreams.list()).find((u) => u.id === upstreamId);
  if (!record) throw new UnknownUpstream(`no upstream with id ${upstreamId}`);
  const { credentials: _credentials, ...rest } = record;
  const same = rest.models.length === ids.length && rest.models.every((id, i) => id === ids[i]);
  if (!same) await deps.store.upstreams.put({ ...rest, models: ids });
  await deps.catalog.reload();
}

/**
 * One round of the model-sync job (app/jobs.ts): syncs every upstream with
 * `modelSync: { intervalMinutes }` whose interval has passed since this
 * process last synced it (or that it never synced). `signal` aborts the
 * round when the gateway stops.
 */
export function modelSyncRound(
  deps: ModelSyncDeps,
  options: { log: (message: string) => void; now: () => number; signal: AbortSignal },
): () => Promise<void> {
  const { now, signal } = options;
  const lastRun = new Map<string, number>();
  return async () => {
    for (const [id, live] of deps.catalog.current().upstreams) {
      const interval = live.record.settings?.modelSync?.intervalMinutes;
      if (!interval || !live.record.enabled || signal.aborted) continue;
      const last = lastRun.get(id);
      if (last !== undefined && now() - last < interval * 60_000) continue;
      lastRun.set(id, now());
      try {
        const ids = await syncModels(deps, id, AbortSignal.any([signal, AbortSignal.timeout(60_000)]));
        options.log(`upstream ${id}: model list synced (${ids.length} models)`);
      } catch (err) {
        if (!signal.aborted) options.log(`upstream ${id}: model sync failed: ${(err as Error).message}`);
      }
    }
  };
}
