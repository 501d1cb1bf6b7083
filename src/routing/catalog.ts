import type { Store } from '../store/store.js';
import type { KeyRecord, ModelRecord, UpstreamRecord } from '../store/types.js';
import type { SecretBox } from '../policy/secrets.js';

/** An upstream as the hot path uses it: credentials already decrypted. */
export interface LiveUpstream {
  record: UpstreamRecord;
  credentials: LiveCredential[];
  /** Rotates round-robin picks and the tie-breaks of the other strategies. */
  cursor: number;
}

export interface LiveCredential {
  id: string;
  secret: string;
  weight: number;
  /** Running score of smooth weighted round-robin (routing/strategies.ts). */
  currentWeight: number;
}

/**
 * Everything a request needs to know, held in memory. Built from the Store
 * and rebuilt whole when anything changes, so requests never wait for the
 * database and never see a half-applied change.
 */
export interface Snapshot {
  keysByHash: Map<string, KeyRecord>;
  keysById: Map<string, KeyRecord>;
  upstreams: Map<string, LiveUpstream>;
  models: Map<string, ModelRecord>;
  /** Models served by upstreams under their own ids (`upstreams[].models`), in upstream order. */
  listedModels: Map<string, string[]>;
}

export interface Catalog {
  current(): Snapshot;
  /** Rebuilds the snapshot from the Store now. */
  reload(): Promise<void>;
  /** Polls the Store's revision and reloads when another process changed it. */
  watch(intervalMs: number): () => void;
}

export async function createCatalog(store: Store, box: SecretBox, log: (msg: string) => void = () => {}): Promise<Catalog> {
  let snapshot = await build(store, box, log);
  let revision = await store.settings.revision();

  const catalog: Catalog = {
    current: () => snapshot,
    async reload() {
      const next = await build(store, box, log);
      // Round-robin position survives a reload so a busy upstream keeps rotating evenly.
      for (const [id, live] of next.upstreams) live.cursor = snapshot.upstreams.get(id)?.cursor ?? 0;
      snapshot = next;
      revision = await store.settings.revision();
    },
    watch(intervalMs) {
      const timer = setInterval(() => {
        store.settings
          .revision()
          .then((latest) => (latest !== revision ? catalog.reload() : undefined))
          .catch((err: unknown) => log(`catalog refresh failed: ${String(err)}`));
      }, intervalMs);
      (timer as { unref?: () => void }).unref?.();
      return () => clearInterval(timer);
    },
  };
  return catalog;
}

async function build(store: Store, box: SecretBox, log: (msg: string) => void): Promise<Snapshot> {
  const [keys, upstreams, models] = await Promise.all([store.keys.list(), store.upstreams.list(), store.models.list()]);
  const live = new Map<string, LiveUpstream>();
  const listedModels = new Map<string, string[]>();
  for (const record of upstreams) {
    const credentials: LiveCredential[] = [];
    for (const c of record.credentials) {
      if (!c.enabled) continue;
      try {
        credentials.push({ id: c.id, secret: await box.decrypt(c.secretEnc), weight: c.weight, currentWeight: 0 });
      } catch (err) {
        log(`upstream ${record.id}: credential ${c.id} skipped: ${(err as Error).message}`);
      }
    }
    live.set(record.id, { record, credentials, cursor: 0 });
    if (!record.enabled) continue;
    for (const model of record.models) {
      const list = listedModels.get(model) ?? [];
      list.push(record.id);
      listedModels.set(model, list);
    }
  }
  return {
    keysByHash: new Map(keys.map((k) => [k.hash, k])),
    keysById: new Map(keys.map((k) => [k.id, k])),
    upstreams: live,
    models: new Map(models.map((m) => [m.id, m])),
    listedModels,
  };
}
