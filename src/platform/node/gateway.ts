import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '../../config/schema.js';
import { applyConfig } from '../../admin/apply-config.js';
import { createSecretBox, noSecretBox, SECRET_HELP } from '../../policy/secrets.js';
import { createSettingsHolder, loadSettings } from '../../policy/gateway-settings.js';
import { createAuthFailures } from '../../policy/auth-failures.js';
import { createCatalog } from '../../routing/catalog.js';
import { EndpointGaps } from '../../routing/endpoint-gaps.js';
import { PoolHealth } from '../../routing/credential-health.js';
import { startProbes } from '../../routing/probe.js';
import { HEALTH_REFRESH_MS, storeSharedHealth } from '../../routing/shared-health.js';
import { healthRefreshJob } from '../../routing/health-refresh.js';
import { inProcessLocks } from '../../store/locks.js';
import { createProviders } from '../../providers/registry.js';
import { scheduleModelSync } from '../../routing/model-sync.js';
import type { Catalog } from '../../routing/catalog.js';
import type { Store } from '../../store/store.js';
import type { SecretBox } from '../../policy/secrets.js';
import { maskSecret } from '../../policy/secrets.js';
import { createRecorder } from '../../usage/recorder.js';
import { createPriceBook } from '../../usage/cost.js';
import { loadAdminPrices } from '../../admin/prices.js';
import { createLimits } from '../../policy/limits.js';
import { loadRules } from '../../policy/limit-rules.js';
import { startCacheSweeper } from '../../policy/cache-sweeper.js';
import { createResponseKeeper } from '../../stored-responses/response-keeper.js';
import { startResponsePruner } from '../../stored-responses/pruner.js';
import { createApp } from '../../gateway/app.js';
import type { GatewayContext } from '../../gateway/context.js';
import { openStore } from './open-store.js';
import { HEARTBEAT_MS, openCounters } from './counters.js';
import { createNodeHttpClient } from './http-client.js';
import { dataDirOf, findSecret, localSecret, missingSecretProblems, type SecretSource } from './local-secrets.js';
import { nodeRequestIO } from './request-io.js';
import { createStaticSite } from './static.js';
import { serveResponsesSockets } from './responses-socket.js';
import { StructuredOutputMemory } from '../../gateway/structured-output.js';
import { createSharedState } from '../../app/shared-state.js';
import { createLocalChangeFeed, REVISION_TOPIC } from '../../store/change-feed.js';
import { openRedisChangeFeed } from './redis-change-feed.js';

export interface NodeGateway {
  url: string;
  ctx: GatewayContext;
  /** Where the admin key came from: `config` or the path of the file it is kept in. */
  adminKeySource: string;
  /** Where the encryption secret came from; `none`: credentials cannot be stored. */
  secretSource: SecretSource['kind'];
  createdKeys: { name: string; key: string }[];
  /** Stops accepting, flushes the usage recorder, closes the database. */
  close(): Promise<void>;
}

export interface NodeGatewayOptions {
  log?: (message: string) => void;
  /** How often to look for changes made by other processes (CLI, other replicas); default 500 ms, so a revoked key is refused everywhere within a second. */
  refreshMs?: number;
  recorderIntervalMs?: number;
  /** The built dashboard to serve at `/` (default: the package's web/dist); false serves none. */
  webDir?: string | false;
  /** The clock (tests move it to cross rate-limit minutes and budget periods). */
  now?: () => number;
  /** How often stored Responses past their retention are deleted (default hourly). */
  pruneIntervalMs?: number;
  /** How often credential health learned by other processes is taken in. */
  healthRefreshMs?: number;
}

/** Builds the context from a validated config and serves the app over node:http. */
export async function startNodeGateway(config: Config, options: NodeGatewayOptions = {}): Promise<NodeGateway> {
  const log = options.log ?? ((m: string) => console.error(m));
  const dataDir = dataDirOf(config);
  // No secret is ever generated: without one, credentials in the file are an error and the admin API refuses new ones.
  const secret = findSecret(config, dataDir);
  const secretProblems = missingSecretProblems(config, secret);
  if (secretProblems.length > 0) throw new Error(`the config file has values to encrypt (credentials, stored responses) but no secret is set:\n  ${secretProblems.join('\n  ')}`);

  const store = await openStore(config.storage.url, { log });
  const admin = config.adminKey ? { value: config.adminKey, path: 'config' } : localSecret(dataDir, 'admin-key', 'sb-admin-');
  const secrets = secret.kind === 'none' ? noSecretBox() : await createSecretBox(secret.value);
  if (secret.kind === 'none') log(`note: no secret is set, which is fine while no upstream has credentials (the offline demo); to add one, ${SECRET_HELP}`);
  const { createdKeys } = await applyConfig(config, store, secrets);
  const settings = createSettingsHolder(await loadSettings(store, log));

  const now = options.now ?? Date.now;
  const catalog = await createCatalog(store, secrets, log, now);
  const recorder = createRecorder(store, { intervalMs: options.recorderIntervalMs ?? 1000, log });
  const upstreamHttp = createNodeHttpClient();
  const priceBook = createPriceBook(config.prices, await loadAdminPrices(store));
  // When Redis comes back from an outage (perhaps empty), budgets are seeded from the database again before it counts.
  const counterStore = await openCounters(config.counters, { now, log, reseed: () => limits.seedAll(catalog.current()) });
  const counters = counterStore.counters;
  const limits = createLimits(counters, store, {
    prices: priceBook.lookup,
    rules: await loadRules(store),
    now,
    flush: () => recorder.flush(),
    log,
    leaseMs: config.counters.leaseMs,
    countersHealth: counterStore.health,
  });
  // What was spent earlier this period (before a restart) counts; read once here, never on a request's path.
  await limits.seedAll(catalog.current());
  // Credential health: learned states come back from the database; changes go to it off the request path,
  // and what other processes on the same database learned is taken in by a job.
  const pools = new PoolHealth(config.health, storeSharedHealth(store.health), log);
  await pools.refresh();
  const healthRefresh = healthRefreshJob(pools, options.healthRefreshMs ?? HEALTH_REFRESH_MS.store, log);
  // With Redis, admin writes through any replica are a hint to every replica; without, only to this one (the rest poll).
  const changes =
    config.counters.url && counterStore.redis
      ? await openRedisChangeFeed(config.counters.url, { prefix: config.counters.prefix, publisher: counterStore.redis, log })
      : createLocalChangeFeed();
  // What other processes write (replicas, the CLI) arrives by the revision, polled; a change-feed hint makes it arrive now.
  const shared = createSharedState({ store, catalog, settings, limits, priceBook, log });
  const stopWatching = runEvery({ everyMs: options.refreshMs ?? 500, run: () => shared.refresh() });
  const stopListening = changes.subscribe(REVISION_TOPIC, () => void shared.refresh());
  const ctx: GatewayContext = {
    store,
    catalog,
    pools,
    gaps: new EndpointGaps(log),
    retry: config.retry,
    health: config.health,
    // Codex refreshes rotate its tokens: they are written back to the credential at once.
    // Another replica's refresh is read back from the Store: `readCredentialSecret` after taking the refresh lock.
    providers: createProviders(upstreamHttp.http, {
      saveCredentialSecret: (change) => saveCredentialSecret(store, secrets, catalog, change),
      readCredentialSecret: (upstreamId, credentialId) => readCredentialSecret(store, secrets, upstreamId, credentialId),
      locks: inProcessLocks(),
      log,
    }),
    recorder,
    responses: createResponseKeeper({ store, secrets, now, log }),
    secrets,
    adminKey: admin.value,
    settings,
    refusals: createAuthFailures({ now, log }),
    maxBodyBytes: config.server.maxBodyBytes,
    prices: priceBook.lookup,
    priceBook,
    limits,
    counters,
    changes,
    structuredOutput: new StructuredOutputMemory(),
    io: nodeRequestIO,
    now,
    log,
  };
  const app = createApp(ctx, { site: options.webDir === false ? undefined : createStaticSite(options.webDir) });
  const stopProbes = startProbes(ctx, config.health.probeIntervalMs);
  const stopSweeping = startCacheSweeper(store, () => ctx.settings.current().raw.cache, ctx.now, log);
  const stopModelSync = scheduleModelSync(ctx, { log });
  const stopPruning = startResponsePruner(store, ctx.now, log, options.pruneIntervalMs);
  // Concurrency slots are leases: renewed well within their time while a request (a long stream) is in flight.
  const stopRenewing = runEvery({
    everyMs: config.counters.leaseMs / 3,
    run: () => limits.renewLeases().catch((err: unknown) => log(`limits: renewing leases failed: ${String(err)}`)),
  });
  const stopHealthRefresh = runEvery(healthRefresh);
  // Shared counters: this replica is live (its share of limits in an outage), and an outage ends when Redis answers again.
  const stopHeartbeat = runEvery({ everyMs: HEARTBEAT_MS, run: counterStore.heartbeat });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.server.host, port: config.server.port }, () => resolve(s));
    s.once('error', reject);
  });
  const sockets = serveResponsesSockets(server as Server, (request, env) => app.fetch(request, env), { maxBodyBytes: config.server.maxBodyBytes, now, log });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    ctx,
    adminKeySource: admin.path,
    secretSource: secret.kind,
    createdKeys,
    close() {
      closing ??= (async () => {
        stopWatching();
        stopListening();
        await changes.close();
        stopProbes();
        stopSweeping();
        stopModelSync();
        stopPruning();
        stopRenewing();
        stopHealthRefresh();
        stopHeartbeat();
        sockets.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await recorder.close();
        await ctx.responses.flush();
        await upstreamHttp.close();
        await counterStore.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/**
 * Replaces a credential's secret (sealed, stored, catalog reloaded), keeping
 * its id, label, weight and state. Found by id, or else by its current secret.
 */
export async function saveCredentialSecret(
  store: Store,
  box: SecretBox,
  catalog: Catalog,
  change: { upstreamId: string; credentialId?: string; previous: string; next: string },
): Promise<void> {
  const live = catalog.current().upstreams.get(change.upstreamId);
  const id = change.credentialId ?? live?.credentials.find((c) => c.secret === change.previous)?.id;
  const stored = (await store.upstreams.list()).find((u) => u.id === change.upstreamId)?.credentials.find((c) => c.id === id);
  if (!stored) throw new Error(`no credential ${id ?? '(unknown id)'} in upstream ${change.upstreamId}`);
  // Codex secrets are JSON: the hint shows the end of the access token, as when it was signed in.
  const hint = maskSecret(accessTokenOf(change.next) ?? change.next);
  await store.upstreams.putCredential({ ...stored, secretEnc: await box.encrypt(change.next), hint });
  await catalog.reload();
}

/** A credential's secret as stored now (another replica may have rotated it); undefined when it is gone. */
export async function readCredentialSecret(store: Store, box: SecretBox, upstreamId: string, credentialId: string): Promise<string | undefined> {
  const stored = (await store.upstreams.list()).find((u) => u.id === upstreamId)?.credentials.find((c) => c.id === credentialId);
  return stored ? box.decrypt(stored.secretEnc) : undefined;
}

function accessTokenOf(secret: string): string | undefined {
  try {
    const token = (JSON.parse(secret) as { access_token?: unknown }).access_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a job on a timer, one run at a time; returns the stop function. */
function runEvery(job: { everyMs: number; run(): Promise<void> }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void job.run().finally(() => (running = false));
  }, job.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
