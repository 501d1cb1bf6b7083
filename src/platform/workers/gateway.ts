import { createGateway, type Gateway } from '../../app/create-gateway.js';
import type { Runtime } from '../../runtime/runtime.js';
import { createSecretBox, noSecretBox } from '../../policy/secrets.js';
import { fetchHttp } from '../../providers/http.js';
import type { WorkerEnv } from './bindings.js';
import { readWorkerConfig } from './config.js';
import { createD1Store } from './d1-store.js';
import { createDurableCounters } from './durable-counters.js';
import { counterLocks } from '../../store/counter-locks.js';
import { workerJobs, type WorkerJobs } from './jobs.js';
import { workersRequestIO } from './request-io.js';
import { createWorkersRuntime } from './runtime.js';
import { assetsSite } from './site.js';

export interface WorkerGateway {
  gateway: Gateway;
  jobs: WorkerJobs;
  runtime: Runtime;
  /** The config's body limit (server.maxBodyBytes), which WebSocket frames keep too. */
  maxBodyBytes: number;
}

/**
 * Builds the gateway for one isolate from the Worker's bindings: D1 for the
 * store (its schema applied beforehand by `wrangler d1 migrations apply`),
 * Durable Objects for the counters, `fetch` for upstreams. The core is the
 * same as on Node (app/create-gateway.ts); what is shared between isolates
 * (keys, catalog, settings, credential health) lives in D1 and is taken in
 * by the request-driven refresh jobs.
 */
export async function openWorkerGateway(env: WorkerEnv): Promise<WorkerGateway> {
  const { config, adminKey, secret, fingerprint } = await readWorkerConfig(env);
  const runtime = createWorkersRuntime();
  const counters = createDurableCounters(env.COUNTERS, { onUnavailable: config.counters.onUnavailable, log: runtime.log, defer: runtime.defer });
  const gateway = await createGateway(
    {
      store: createD1Store(env.DB),
      counters,
      countersHealth: counters.health,
      // OAuth refreshes (Codex, Copilot) are held once across every isolate: a lock is a counter lease.
      locks: counterLocks(counters, runtime),
      http: fetchHttp(runtime.sleep),
      io: workersRequestIO,
      runtime,
    },
    {
      config,
      secrets: secret ? await createSecretBox(secret) : noSecretBox(),
      adminKey,
      // The dashboard from the assets binding: the Worker runs first on every path but the build's files
      // (wrangler.jsonc), so the HTTP app decides what is a page, as on Node. No metrics source: /metrics is a 501.
      site: env.ASSETS ? assetsSite(env.ASSETS) : undefined,
      configFingerprint: fingerprint,
      flushEachRequest: true,
      seedInBackground: true,
      // No timers between requests to poll with: each /admin/api/live watcher's own request polls D1 while
      // it streams (docs/workers.md), and sees the requests in flight in the isolate that serves it.
      livePolledByWatchers: true,
      // Built when a request first needs a token estimate (deferred with that request); rough estimates until then.
      tokenizerLoad: 'at-first-use',
    },
  );
  // A key the file names without a value got one generated: shown once, in the Worker's log (`wrangler tail`).
  for (const { name, key } of gateway.createdKeys) runtime.log(`created key ${name}: ${key} (shown once; put it in the config file to keep it there)`);
  return { gateway, jobs: workerJobs(gateway.jobs), runtime, maxBodyBytes: config.server.maxBodyBytes };
}
