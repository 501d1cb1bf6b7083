import type { AddressInfo } from 'node:net';
import type { Server, ServerOptions } from 'node:http';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Config } from '../../config/schema.js';
import { createSecretBox, noSecretBox, SECRET_HELP } from '../../policy/secrets.js';
import type { RequestObserver } from '../../telemetry/observer.js';
import { countInFlight } from '../../telemetry/in-flight.js';
import { rotatingFile } from './rotating-file.js';
import { createGateway, type GatewayInputs, type GatewayParts } from '../../app/create-gateway.js';
import type { Job } from '../../app/jobs.js';
import { openStore } from './open-store.js';
import { HEARTBEAT_MS, openCounters } from './counters.js';
import { openHealthAndLocks } from './health-and-locks.js';
import { createNodeHttpClient } from './http-client.js';
import { dataDirOf, findSecret, localSecret, missingSecretProblems, type SecretSource } from './local-secrets.js';
import { createNodeRequestIO } from './request-io.js';
import { capConnectionsPerAddress } from './connection-cap.js';
import { createStaticSite } from './static.js';
import { serveResponsesSockets } from './responses-socket.js';
import { createNodeRuntime } from './runtime.js';
import type { Runtime } from '../../runtime/runtime.js';
import { createProcessLog, inRequestScope, requestIdForLogs } from './process-log.js';
import { traceObserver, type UpstreamFacts } from '../../telemetry/traces.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { runJobs } from './run-jobs.js';
import { createLocalChangeFeed } from '../../store/change-feed.js';
import { createNodeMetrics } from './metrics.js';
import { HEARTBEAT_MS as JOURNAL_HEARTBEAT_MS, journalRoot, openUsageJournal } from './usage-journal.js';
import { replayJournals } from './journal-replay.js';

export interface NodeGateway {
  url: string;
  /** The process log, text or JSON lines as `telemetry.logFormat` says (the CLI's own lines about the server go here too). */
  log: Runtime['log'];
  /** The gateway's pieces, for tests that look inside (app/create-gateway.ts). */
  ctx: GatewayParts;
  /** The background jobs the platform runs on timers (a test may run one at once). */
  jobs: Job[];
  /** Where the admin key came from: `config` or the path of the file it is kept in. */
  adminKeySource: string;
  /** Where the encryption secret came from; `none`: credentials cannot be stored. */
  secretSource: SecretSource['kind'];
  createdKeys: { name: string; key: string }[];
  /**
   * Stops accepting connections; with `drainMs`, lets the requests in flight (streams and WebSocket turns
   * included) finish for up to that long; then cuts what is left, stops the jobs, flushes the usage recorder
   * and stored answers, and closes the database. A second call while draining cuts at once.
   */
  close(options?: { drainMs?: number }): Promise<void>;
  /** Requests started and not yet finished. */
  inFlight(): number;
}

export interface NodeGatewayOptions {
  /** Where the process log's lines go (default: stderr), each formatted as `telemetry.logFormat` says. */
  log?: (line: string) => void;
  /** How often to look for changes made by other processes (CLI, other replicas); default 500 ms, so a revoked key is refused everywhere within a second. */
  refreshMs?: number;
  /** How often queued usage rows are written (default 1 s). */
  recorderIntervalMs?: number;
  /** The built dashboard to serve at `/` (default: the package's web/dist); false serves none. */
  webDir?: string | false;
  /** The clock (tests move it to cross rate-limit minutes and budget periods). */
  now?: () => number;
  /** How often stored Responses past their retention are deleted (default hourly). */
  pruneIntervalMs?: number;
  /** How often credential health learned by other processes is taken in. */
  healthRefreshMs?: number;
  /** What watches requests besides the platform's own metrics and traces (telemetry/observer.ts; tests). */
  observers?: RequestObserver[];
  /** Where spans go instead of the OTLP collector when `telemetry.traces` is set (tests: an in-memory exporter). */
  spanExporter?: SpanExporter;
  /** When the token estimate's tokenizer is built (default `at-start`, in the background; app/create-gateway.ts). */
  tokenizerLoad?: GatewayInputs['tokenizerLoad'];
  /** How it is built (tests hold it back). */
  buildTokenizer?: GatewayInputs['buildTokenizer'];
}

/** How long requests whose connections were cut at shutdown are given to record their rows. */
const CUT_SETTLE_MS = 2000;

/** Connections the kernel may hold for the gateway to accept (listen(2) backlog). */
const LISTEN_BACKLOG = 4096;

/**
 * Node's own cuts of a client that sends slowly: headers by `headersTimeoutSeconds`, the whole
 * request by `requestTimeoutSeconds` (never the answer: Node stops timing a request once it has been
 * read, so a long stream is not cut). Node looks for late connections every
 * `connectionsCheckingInterval` (30 s by default); it looks often enough here for short settings to hold.
 */
function slowClientTimeouts(server: Config['server']): ServerOptions {
  const requestTimeout = server.requestTimeoutSeconds * 1000;
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(server.headersTimeoutSeconds * 1000, requestTimeout);
  return { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)) };
}

/**
 * The Node platform: opens the store, picks the counters, builds the ports,
 * lets the core assemble the gateway (app/create-gateway.ts), runs its jobs
 * on timers and serves it over node:http (with the Responses WebSocket).
 */
export async function startNodeGateway(config: Config, options: NodeGatewayOptions = {}): Promise<NodeGateway> {
  const { logFormat } = config.telemetry;
  const log = createProcessLog(logFormat, options.log ?? ((line: string) => console.error(line)), options.now);
  // JSON lines name the request they were logged in: each request runs in a scope its exchange names.
  const scoped = logFormat === 'json' ? inRequestScope : <T>(handle: () => T) => handle();
  // Traces need an upstream's kind and address, which the gateway built below knows.
  let upstreamFacts: (id: string) => UpstreamFacts | undefined = () => undefined;
  // The OpenTelemetry SDK, ioredis and pg are loaded only when the config uses them: a gateway on SQLite carries none of their memory.
  const traces = config.telemetry.traces
    ? (await import('./traces.js')).startTraceExport(config.telemetry.traces, log, options.now ?? Date.now, options.spanExporter)
    : null;
  const observers = [
    ...(logFormat === 'json' ? [requestIdForLogs] : []),
    ...(traces ? [traceObserver(traces.tracer, (id) => upstreamFacts(id))] : []),
    ...(options.observers ?? []),
  ];
  const dataDir = dataDirOf(config);
  // No secret is ever generated: without one, credentials in the file are an error and the admin API refuses new ones.
  const secret = findSecret(config, dataDir);
  const secretProblems = missingSecretProblems(config, secret);
  if (secretProblems.length > 0) throw new Error(`the config file has values to encrypt (credentials, stored responses) but no secret is set:\n  ${secretProblems.join('\n  ')}`);

  const store = await openStore(config.storage.url, { log, enableAutoVacuum: true });
  // Before serving (and before budgets are seeded from the database): the rows of processes that died unwritten.
  const journalDir = journalRoot(config);
  if (journalDir) await replayJournals(journalDir, store, log);
  const journal = journalDir ? openUsageJournal(journalDir, log) : undefined;
  const admin = config.adminKey ? { value: config.adminKey, path: 'config' } : localSecret(dataDir, 'admin-key', 'sb-admin-');
  const secrets = secret.kind === 'none' ? noSecretBox() : await createSecretBox(secret.value);
  if (secret.kind === 'none') log(`note: no secret is set, which is fine while no upstream has credentials (the offline demo); to add one, ${SECRET_HELP}`);

  const runtime = createNodeRuntime({ now: options.now, log });
  const inFlight = countInFlight();
  const upstreamHttp = createNodeHttpClient();
  // When Redis comes back from an outage (perhaps empty), budgets are seeded from the database again before it
  // counts; the gateway that knows the budgets is built after the counters, so the reseed is looked up late.
  let reseedBudgets = async () => {};
  const counterStore = await openCounters(config.counters, { now: runtime.now, log, reseed: () => reseedBudgets() });
  // With Redis, admin writes through any replica are a hint to every replica; without, only to this one (the rest poll).
  const changes =
    config.counters.url && counterStore.redis
      ? await (await import('./redis-change-feed.js')).openRedisChangeFeed(config.counters.url, { prefix: config.counters.prefix, publisher: counterStore.redis, log })
      : createLocalChangeFeed();
  // With Redis, credential health and OAuth refresh locks are shared there too, under the counters' prefix.
  const healthAndLocks = openHealthAndLocks(counterStore.redis, config.counters.prefix, store, { now: runtime.now, sleep: runtime.sleep, log });
  // Prometheus metrics (metrics.enabled, on by default): counted by an observer of every request, served at /metrics.
  const metrics = config.metrics.enabled ? createNodeMetrics(config.metrics, inFlight.count) : undefined;
  const gateway = await createGateway(
    {
      store,
      counters: counterStore.counters,
      countersHealth: counterStore.health,
      changes,
      sharedHealth: healthAndLocks.health,
      locks: healthAndLocks.locks,
      http: upstreamHttp.http,
      io: createNodeRequestIO({ bodyIdleMs: config.server.bodyIdleSeconds * 1000 }),
      runtime,
      observers: [inFlight.observer, ...(metrics ? [metrics.observer] : []), ...observers],
      journal,
      // Log export's `file` destinations: JSON lines, rotated by size and day.
      openLogFile: (dest) => rotatingFile({ path: dest.path, maxBytes: dest.maxBytes, daily: dest.daily, keep: dest.keep }, runtime.now),
    },
    {
      config,
      secrets,
      adminKey: admin.value,
      site: options.webDir === false ? undefined : createStaticSite(options.webDir),
      metrics: metrics?.source,
      tokenizerLoad: options.tokenizerLoad,
      buildTokenizer: options.buildTokenizer,
      intervals: { refreshMs: options.refreshMs, recorderFlushMs: options.recorderIntervalMs, pruneIntervalMs: options.pruneIntervalMs, healthRefreshMs: options.healthRefreshMs ?? healthAndLocks.healthRefreshMs },
    },
  );
  reseedBudgets = gateway.reseedBudgets;
  upstreamFacts = (id) => gateway.parts.catalog.current().upstreams.get(id)?.record;
  metrics?.attach(gateway.parts);
  // Shared counters: this replica is live (its share of limits in an outage), and an outage ends when Redis answers again.
  const heartbeat: Job = { name: 'counters-heartbeat', everyMs: HEARTBEAT_MS, run: counterStore.heartbeat };
  // The journal's folder is this process's while it touches its lock (another host's process then leaves it alone).
  const journalHeartbeat: Job[] = journal ? [{ name: 'usage-journal-heartbeat', everyMs: JOURNAL_HEARTBEAT_MS, run: async () => journal.heartbeat() }] : [];
  const jobs = runJobs([...gateway.jobs, heartbeat, ...journalHeartbeat], log);

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = createAdaptorServer({ fetch: (request, env) => scoped(() => gateway.fetch(request, env)), serverOptions: slowClientTimeouts(config.server) });
    capConnectionsPerAddress(s as Server, config.server.maxConnectionsPerAddress, (address) =>
      gateway.parts.refusals.count('connectionCapped', address, `more than ${config.server.maxConnectionsPerAddress} connections open`),
    );
    s.once('error', reject);
    // A longer queue of connections waiting to be accepted than Node's 511: thousands of clients
    // connecting within a second (agents starting together) are queued, not reset (the kernel caps it at somaxconn).
    s.listen({ port: config.server.port, host: config.server.host, backlog: LISTEN_BACKLOG }, () => resolve(s));
  });
  const sockets = serveResponsesSockets(server as Server, (request, env) => scoped(() => gateway.fetch(request, env)), {
    maxBodyBytes: config.server.maxBodyBytes,
    now: runtime.now,
    sleep: runtime.sleep,
    log,
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;

  let closing: Promise<void> | undefined;
  const hurry = new AbortController();
  return {
    url: `http://${host}:${port}`,
    inFlight: inFlight.count,
    log,
    ctx: gateway.parts,
    jobs: gateway.jobs,
    adminKeySource: admin.path,
    secretSource: secret.kind,
    createdKeys: gateway.createdKeys,
    close({ drainMs = 0 } = {}) {
      if (closing) {
        hurry.abort();
        return closing;
      }
      // Until the last row is written the process stays up: the waits below are on unref'd timers and an
      // unref'd writer thread, so once the server's last socket closed, Node would otherwise end the process
      // there, with code 0 and the queued rows unwritten.
      const stayUp = setInterval(() => {}, 60_000);
      closing = (async () => {
        // serve() made a node:http server (no HTTP/2 options were given).
        const http = server as Server;
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        if (drainMs > 0 && inFlight.count() > 0) {
          // No new connections; idle keep-alive ones go now, busy ones when their request is answered.
          http.closeIdleConnections();
          log(`stopping: waiting up to ${Math.ceil(drainMs / 1000)} s for ${inFlight.count()} request(s) in flight`);
          await Promise.race([inFlight.idle(), runtime.sleep(drainMs, hurry.signal).catch(() => {})]);
          if (inFlight.count() > 0) log(`stopping: cutting ${inFlight.count()} request(s) still in flight`);
        }
        sockets.close();
        http.closeAllConnections();
        // The requests just cut end as their streams are cancelled (a moment later): their rows, `incomplete`,
        // are recorded before the final write. One that takes longer is recorded `interrupted` from the journal at the next start.
        if (inFlight.count() > 0) await Promise.race([inFlight.idle(), runtime.sleep(CUT_SETTLE_MS)]);
        await closed;
        await gateway.close();
        await traces?.close();
        await changes.close();
        await jobs.stop();
        await runtime.settle();
        await gateway.parts.recorder.flush();
        // Every row written: the journal's folder goes; rows the database did not take stay for the next start.
        journal?.close();
        await upstreamHttp.close();
        await counterStore.close();
        await store.close();
      })().finally(() => clearInterval(stayUp));
      return closing;
    },
  };
}
