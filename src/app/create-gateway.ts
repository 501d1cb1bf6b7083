import type { Config, HealthSettings } from '../config/schema.js';
import { applyConfig, applyConfigOnce } from '../admin/apply-config.js';
import type { SecretBox } from '../policy/secrets.js';
import { createSettingsHolder, loadSettings, type SettingsHolder } from '../policy/gateway-settings.js';
import { createAuthFailures, type AuthFailures } from '../policy/auth-failures.js';
import { createSignInThrottle } from '../policy/sign-in-throttle.js';
import { createCatalog, type Catalog } from '../routing/catalog.js';
import { EndpointGaps } from '../routing/endpoint-gaps.js';
import { PoolHealth } from '../routing/credential-health.js';
import { createProviders, type Providers } from '../providers/registry.js';
import type { Store } from '../store/store.js';
import type { Counters } from '../store/counters.js';
import { createRecorder, type Recorder } from '../usage/recorder.js';
import { createPriceBook, type PriceBook } from '../usage/cost.js';
import { loadAdminPrices } from '../admin/prices.js';
import { createLimits, type Limits } from '../policy/limits.js';
import { loadRules } from '../policy/limit-rules.js';
import { createResponseKeeper, type ResponseKeeper } from '../stored-responses/response-keeper.js';
import { StructuredOutputMemory } from '../gateway/structured-output.js';
import type { DataPlaneDeps } from '../gateway/deps.js';
import { observeAll } from '../telemetry/observer.js';
import type { AdminDeps } from '../admin/deps.js';
import { createHttpApp, type StaticSite } from './http-app.js';
import { gatewayJobs, type Job, type JobIntervals } from './jobs.js';
import { readCredentialSecret, saveCredentialSecret } from './credential-secret.js';
import { sealPlainProxies, withSealedProxies } from './sealed-proxy-store.js';
import { storeSharedHealth } from '../routing/shared-health.js';
import { createLocalChangeFeed, REVISION_TOPIC } from '../store/change-feed.js';
import { createSharedState } from './shared-state.js';
import { inProcessLocks } from '../store/locks.js';
import type { Ports } from './ports.js';
import type { MetricsSource } from '../telemetry/metrics-source.js';
import { createLiveRequests, type LiveRequests } from '../telemetry/live-requests.js';
import { capturingHttp, PlaygroundRuns } from '../providers/upstream-capture.js';
import { createLogExporter, type LogExporter } from '../log-export/exporter.js';
import { createTokenizerLoader, type Tokenizer, type TokenizerLoader } from '../usage/tokenizer-loader.js';
import { loadDestinations } from '../log-export/destinations.js';

/** What a platform knows besides the ports: the validated config and the secrets it found. */
export interface GatewayInputs {
  config: Config;
  /** Seals credentials and stored answers (policy/secrets.ts; `noSecretBox()` when no secret is set). */
  secrets: SecretBox;
  adminKey: string;
  /** The dashboard, served at `/`. */
  site?: StaticSite;
  /** The platform's metrics, served at `/metrics` when `metrics.enabled` (absent: a 501 there, e.g. on Workers). */
  metrics?: MetricsSource;
  intervals?: JobIntervals;
  /**
   * Set where the gateway starts often (every Workers isolate): the config
   * is applied only when this fingerprint of it differs from the one the
   * database last took, so a cold start writes nothing. Unset: applied at
   * every start (Node).
   */
  configFingerprint?: string;
  /** Serve the live view of requests (`/admin/api/live`, its poller job); default on. Off: a 501 there. */
  liveRequests?: boolean;
  /**
   * When the token estimate's tokenizer is built (usage/tokenizer-loader.ts): `at-start` (default), in the
   * background as the gateway starts, so no request meets its load; `at-first-use`, when a request first needs
   * an estimate (that request and those until it is built get the rough one). Workers use `at-first-use`: an
   * isolate's start has no request to run background work in.
   */
  tokenizerLoad?: 'at-start' | 'at-first-use';
  /** How the tokenizer is built (tests hold it back); default usage/load-tokenizer.ts. */
  buildTokenizer?: (pause: () => Promise<void>) => Promise<Tokenizer>;
  /**
   * The live view's rounds are driven by each watcher's own request while it streams, not by the job
   * (Workers: no timers between requests; the stream's request sleeps and polls D1, through `defer`).
   */
  livePolledByWatchers?: boolean;
  /** Write each request's usage row as soon as it is queued, through `runtime.defer` (Workers), rather than from the recorder's job. */
  flushEachRequest?: boolean;
  /**
   * Seed the budget counters from the database after the start rather than
   * before it: for counters that keep their counts between starts (Durable
   * Objects), where seeding every budget before an isolate's first request
   * would only delay it (one call per budget).
   */
  seedInBackground?: boolean;
}

/**
 * The pieces the gateway is made of, for the platform and for tests that
 * look inside (a credential's health, the catalog, the recorder). Handlers
 * never see this whole: the data plane gets `DataPlaneDeps`, the admin API `AdminDeps`.
 */
export interface GatewayParts {
  store: Store;
  counters: Counters;
  catalog: Catalog;
  pools: PoolHealth;
  /** The config's credential-health settings (cooldowns, probes). */
  health: HealthSettings;
  providers: Providers;
  recorder: Recorder;
  responses: ResponseKeeper;
  secrets: SecretBox;
  adminKey: string;
  settings: SettingsHolder;
  refusals: AuthFailures;
  priceBook: PriceBook;
  limits: Limits;
  /** The live view's watchers and poller; absent when `liveRequests` is off. */
  live?: LiveRequests;
  /** Log export: its queues and figures (log-export/exporter.ts). */
  logExport: LogExporter;
  /** The token estimate's tokenizer (usage/tokenizer-loader.ts). */
  tokenizer: TokenizerLoader;
}

export interface Gateway {
  /** The HTTP entry: every route (data plane, admin API, health, dashboard). */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** Background work for the platform to drive (app/jobs.ts). */
  jobs: Job[];
  parts: GatewayParts;
  /** Seeds every budget from the database again (shared counters that came back empty after an outage). */
  reseedBudgets(): Promise<void>;
  /** Keys the config created with a generated secret, shown once. */
  createdKeys: { name: string; key: string }[];
  /**
   * Stops background work and writes what is queued (usage rows, stored
   * answers). The platform stops its job timers and its server first, and
   * closes the store after.
   */
  close(): Promise<void>;
}

/**
 * Assembles the gateway from the platform's ports: applies the config to
 * the database, loads what requests read from memory (settings, catalog,
 * prices, limit rules, credential health), and builds the HTTP app and the
 * jobs. Runtime-neutral: no timers, no Node, no transactions of its own.
 */
export async function createGateway(ports: Ports, inputs: GatewayInputs): Promise<Gateway> {
  const { counters, http, io, runtime } = ports;
  const { config, secrets, adminKey } = inputs;
  const changes = ports.changes ?? createLocalChangeFeed();
  const { now, log } = runtime;
  // Upstreams' proxy URLs are sealed in the database and plain to everything here (app/sealed-proxy-store.ts).
  const store = withSealedProxies(ports.store, secrets, log);

  const { createdKeys, revokedKeys } =
    inputs.configFingerprint === undefined
      ? await applyConfig(config, store, secrets, STARTING)
      : await applyConfigOnce(config, store, secrets, inputs.configFingerprint, STARTING);
  for (const name of revokedKeys) log(`key "${name}" revoked: an earlier config file made it and this one no longer names it`);
  // Proxies stored before they were sealed are sealed now (a list, and a write only when one is found).
  for (const id of await sealPlainProxies(ports.store, secrets)) log(`upstream ${id}: its proxy URL, stored plain by an earlier version, is now sealed`);
  const settings = createSettingsHolder(await loadSettings(store, log));
  const catalog = await createCatalog(store, secrets, log, now);
  const recorder = createRecorder(store, {
    log,
    sleep: runtime.sleep,
    whenRecorded: inputs.flushEachRequest ? (writeNow) => runtime.defer(writeNow()) : undefined,
    journal: ports.journal,
  });
  const stopping = new AbortController();
  // Rows leave for log platforms after the recorder wrote them, from the `log-export` job; never on a request's path.
  // Its sends stop after the last flush at close, not with the other jobs.
  const exportStopping = new AbortController();
  const logExport = createLogExporter(config.logExport, { http, sleep: runtime.sleep, now, log, openFile: ports.openLogFile, signal: exportStopping.signal });
  logExport.configure(await loadDestinations(store, secrets, log));
  recorder.watchRows((rows, bodies) => logExport.offer(rows, bodies));
  const priceBook = createPriceBook(config.prices, await loadAdminPrices(store));
  const limits = createLimits(counters, store, {
    prices: priceBook.lookup,
    rules: await loadRules(store),
    now,
    flush: () => recorder.flush(),
    log,
    leaseMs: config.counters.leaseMs,
    countersHealth: ports.countersHealth,
  });
  // What was spent earlier this period (before a restart) counts; read once here, never on a request's path.
  // Counters that outlive the process (Durable Objects) hold it already: there it is seeded after the start.
  const seeding = limits.seedAll(catalog.current());
  if (inputs.seedInBackground) runtime.defer(seeding);
  else await seeding;
  // Credential health: learned states come back from where they are shared; changes go there off the request path,
  // and what other processes learned is taken in by a job.
  const pools = new PoolHealth(config.health, ports.sharedHealth ?? storeSharedHealth(store.health), log);
  // The database holds every record (Redis keeps only live ones and may have restarted empty): read it first.
  if (ports.sharedHealth) {
    await pools.refresh(storeSharedHealth(store.health));
    // A shared view that cannot be read yet (Redis away at start) must not stop the start: the refresh job retries.
    await pools.refresh().catch((err: unknown) => log(`credential health: the shared view could not be read at start, the refresh job will retry: ${String(err)}`));
  } else await pools.refresh();
  // Codex and claude-code refreshes rotate their tokens: they are written back to the credential at once.
  // Another replica's refresh is read back from the Store: `readCredentialSecret` after taking the refresh lock.
  // Playground runs capture their upstream calls; every other call goes straight through (one WeakMap lookup).
  const playground = new PlaygroundRuns();
  const providers = createProviders(capturingHttp(http, playground, now), {
    saveCredentialSecret: (change) => saveCredentialSecret(store, secrets, catalog, change),
    readCredentialSecret: (upstreamId, credentialId) => readCredentialSecret(store, secrets, upstreamId, credentialId),
    locks: ports.locks ?? inProcessLocks(),
    // A subscription's answers tell its usage limits: kept with the credential's health for the admin API.
    noteQuota: (credentialId, quota) => pools.noteQuota(credentialId, quota),
    log,
  });
  const responses = createResponseKeeper({ store, secrets, ...runtimeOf(ports) });
  // Off every request's path: its import holds the event loop a few hundred milliseconds, its build seconds in pieces.
  const tokenizer = createTokenizerLoader({ pause: () => runtime.sleep(0), signal: stopping.signal, log, build: inputs.buildTokenizer });
  if (inputs.tokenizerLoad !== 'at-first-use') runtime.defer(tokenizer.load());
  const refusals = createAuthFailures({ now, log });
  const signIns = createSignInThrottle(now);
  // Other replicas' requests in flight come and go over the change feed's messages (Redis pub/sub with many replicas).
  const live =
    inputs.liveRequests === false
      ? undefined
      : createLiveRequests({ logs: store.logs, now, log, changes, defer: runtime.defer, ownerOf: (keyId) => catalog.current().keysById.get(keyId)?.ownerId ?? undefined });

  const dataPlane: DataPlaneDeps = {
    ...runtimeOf(ports),
    catalog,
    providers,
    pools,
    gaps: new EndpointGaps(log),
    retry: config.retry,
    recorder,
    responses,
    cache: store.cache,
    settings,
    refusals,
    tokenizer,
    maxBodyBytes: config.server.maxBodyBytes,
    prices: priceBook.lookup,
    limits,
    structuredOutput: new StructuredOutputMemory(),
    io,
    playground,
    observer: observeAll([...(ports.observers ?? []), ...(live ? [live.observer] : [])], log),
    setupTokens: store.setupTokens,
    secrets,
    setupTries: createSignInThrottle(now),
    publicUrl: config.server.publicUrl,
  };
  const admin: AdminDeps = {
    ...runtimeOf(ports),
    store,
    catalog,
    secrets,
    adminKey,
    publicUrl: config.server.publicUrl,
    pools,
    providers,
    http,
    settings,
    refusals,
    signIns,
    priceBook,
    limits,
    retry: config.retry,
    health: config.health,
    changes,
    io,
    live,
    livePolledByWatchers: inputs.livePolledByWatchers,
    playground,
    logExport,
    canWriteFiles: ports.openLogFile !== undefined,
    alerts: config.alerts,
  };
  // What other processes write (replicas, the CLI) arrives by the revision, polled by a job; a change-feed hint makes it arrive now.
  // The hint's refresh is deferred, not left floating: on Workers the hint comes from this isolate's own admin write, and
  // a refresh still reading D1 when that request ends would never settle, leaving every later catalog reload queued behind it.
  const shared = createSharedState({ store, catalog, settings, limits, priceBook, log, now });
  const stopListening = changes.subscribe(REVISION_TOPIC, () => runtime.defer(shared.refresh()));
  const app = createHttpApp({
    dataPlane,
    admin,
    site: inputs.site,
    log,
    readiness: { store, countersHealth: ports.countersHealth, sleep: runtime.sleep },
    metrics: { settings: config.metrics, source: inputs.metrics },
  });
  // The playground sends its requests through the whole app, as a client's would.
  admin.dispatch = async (request) => app.fetch(request);

  const jobs = gatewayJobs(
    { store, catalog, shared, settings, recorder, limits, logExport, alerts: config.alerts, secrets, http, leaseMs: config.counters.leaseMs, logRetention: config.logs, auditRetention: config.audit, providers, pools, health: config.health, now, runtime, stopping: stopping.signal, live },
    inputs.intervals,
  );

  let closing: Promise<void> | undefined;
  return {
    fetch: (request, env) => app.fetch(request, env),
    jobs,
    parts: { store, counters, catalog, pools, health: config.health, providers, recorder, responses, secrets, adminKey, settings, refusals, priceBook, limits, live, logExport, tokenizer },
    createdKeys,
    reseedBudgets: () => limits.seedAll(catalog.current()),
    close() {
      closing ??= (async () => {
        stopping.abort();
        stopListening();
        live?.close();
        await recorder.flush();
        await responses.flush();
        // What the last flush wrote is sent too, for a few seconds at most: a destination that is away keeps the close waiting no longer.
        await Promise.race([logExport.flush(), runtime.sleep(EXPORT_CLOSE_MS)]);
        exportStopping.abort();
      })();
      return closing;
    },
  };
}

/** How long a close waits for log export to send what is left. */
const EXPORT_CLOSE_MS = 5000;

/** The file a gateway starts with is the whole truth about the keys it makes. */
const STARTING = { revokeUnnamedKeys: true };

/** The runtime's functions as fields of a deps object (so handlers call `ctx.now()`, `ctx.defer(…)`). */
function runtimeOf({ runtime }: Ports) {
  return { now: runtime.now, log: runtime.log, defer: runtime.defer, sleep: runtime.sleep };
}
