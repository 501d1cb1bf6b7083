import { afterAll, beforeAll } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { sharedBackends, type SharedBackends } from './backends.js';
import { startBalancer, type Balancer } from './balancer.js';
import { START_MS, startCluster, type Cluster } from './cluster.js';

/**
 * One set of replicas for the whole replica suite: two gateway processes on
 * one PostgreSQL schema and one Redis prefix (both reached through cuttable
 * TCP proxies), a fake OpenAI upstream, and a round-robin balancer. Starting
 * a gateway process is the slow part of these tests, so the suites share the
 * processes; each brings its own keys (and upstreams, models, prices) and
 * leaves the replicas running and reachable when it is done. The replicas
 * start together on the fresh schema, as compose starts them.
 */
export interface Rig {
  fake: FakeUpstream;
  backends: SharedBackends;
  cluster: Cluster;
  balancer: Balancer;
}

/** What a suite adds to the replicas' config file. */
export interface Part {
  keys?: unknown[];
  /** Upstream credentials the fake must accept. */
  fakeKeys?: string[];
  /** Upstreams on the fake, given its URL. */
  upstreams?: (fakeUrl: string) => unknown[];
  models?: unknown[];
  prices?: Record<string, unknown>;
}

/** The `oai` upstream every suite may use: model `gpt-test` on the fake, key `sk-fake-openai`. */
export const FAKE_OPENAI_KEY = 'sk-fake-openai';

/** How long a concurrency slot outlives a replica that stopped renewing it (the shortest the config allows). */
export const LEASE_MS = 3000;

/** Starts the rig before the file's tests, stops it after; the getter is valid inside tests. */
export function useRig(parts: Part[]): () => Rig {
  let rig: Rig | undefined;
  beforeAll(async () => {
    // A few milliseconds per stream chunk keeps streamed requests in flight long enough to be caught by a kill.
    const fake = await startFakeOpenAI({ apiKeys: [FAKE_OPENAI_KEY, ...parts.flatMap((p) => p.fakeKeys ?? [])], chunkDelayMs: 5 });
    const backends = await sharedBackends({ cuttable: true });
    const cluster = await startCluster({
      replicas: 2,
      config: {
        storage: backends.storage,
        // Without Redis, refuse (503) rather than let each replica spend every limit on its own.
        counters: { ...backends.counters, leaseMs: LEASE_MS, onUnavailable: 'failClosed' },
        // Without Redis, refuse (503) rather than let each replica spend every limit on its own.
        upstreams: [{ id: 'oai', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: [{ key: FAKE_OPENAI_KEY }] }, ...parts.flatMap((p) => p.upstreams?.(fake.url) ?? [])],
        models: [{ id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] }, ...parts.flatMap((p) => p.models ?? [])],
        prices: Object.assign({}, ...parts.map((p) => p.prices ?? {})),
        keys: parts.flatMap((p) => p.keys ?? []),
      },
    }).catch(async (err: unknown) => {
      await backends.close();
      await fake.close();
      throw err;
    });
    const balancer = await startBalancer(() => cluster.urls());
    rig = { fake, backends, cluster, balancer };
  }, START_MS + 10_000);
  afterAll(async () => {
    await rig?.balancer.close();
    await rig?.cluster.close();
    await rig?.backends.close();
    await rig?.fake.close();
  });
  return () => {
    if (!rig) throw new Error('the replicas rig is not running');
    return rig;
  };
}
