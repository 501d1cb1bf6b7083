import type { Store } from '../store/store.js';
import type { AliasRecord, KeyRecord, ModelRecord, PromptRecord, UpstreamRecord } from '../store/types.js';
import type { SecretBox } from '../policy/secrets.js';
import { oneAtATime } from './one-at-a-time.js';
import { createKeyFinder } from './key-finder.js';
import { compileRouter, type LiveRouter } from './tier-rules.js';

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
  /** Public names that resolve to several models (routing/aliases.ts). */
  aliases: Map<string, AliasRecord>;
  /** Public names that send each request to a tier (routing/tier-rules.ts). */
  routers: Map<string, LiveRouter>;
  /** Prompt templates at their published versions, by name (`POST /v1/prompts/{name}`, docs/prompts.md). */
  prompts: Map<string, PromptRecord>;
}

export interface Catalog {
  current(): Snapshot;
  /**
   * Rebuilds the snapshot from the Store now. Reloads run one at a time and
   * each starts after it was asked for, so the snapshot installed last was
   * read last: two overlapping reloads never leave the older one in place.
   * Noticing what other processes wrote is app/shared-state.ts's job.
   */
  reload(): Promise<void>;
  /**
   * A key by the hash of its plaintext: from the snapshot, or else from the
   * Store (created elsewhere since the last reload; key-finder.ts), revoked
   * or not; undefined when no such key exists.
   */
  findKey(snapshot: Snapshot, hash: string): KeyRecord | undefined | Promise<KeyRecord | undefined>;
}

export async function createCatalog(store: Store, box: SecretBox, log: (msg: string) => void = () => {}, now: () => number = Date.now): Promise<Catalog> {
  let snapshot = await build(store, box, log);
  const findUnknown = createKeyFinder((hash) => store.keys.byHash(hash), now);
  return {
    current: () => snapshot,
    findKey: (held, hash) => held.keysByHash.get(hash) ?? findUnknown(hash),
    reload: oneAtATime(async () => {
      const next = await build(store, box, log);
      // Round-robin position survives a reload so a busy upstream keeps rotating evenly.
      for (const [id, live] of next.upstreams) live.cursor = snapshot.upstreams.get(id)?.cursor ?? 0;
      snapshot = next;
    }),
  };
}

async function build(store: Store, box: SecretBox, log: (msg: string) => void): Promise<Snapshot> {
  const [keys, upstreams, models, aliases, routers, prompts] = await Promise.all([
    store.keys.list(),
    store.upstreams.list(),
    store.models.list(),
    store.aliases.list(),
    store.routers.list(),
    store.prompts.list(),
  ]);
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
    aliases: new Map(aliases.map((a) => [a.id, a])),
    routers: new Map(routers.map((r) => [r.id, compileRouter(r)])),
    prompts: new Map(prompts.map((p) => [p.name, p])),
  };
}
