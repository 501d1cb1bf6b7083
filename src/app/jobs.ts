import type { Store } from '../store/store.js';
import type { Catalog } from '../routing/catalog.js';
import { probeBenched, type ProbeDeps } from '../routing/probe.js';
import { modelSyncRound, type ModelSyncDeps } from '../routing/model-sync.js';
import type { SettingsHolder } from '../policy/gateway-settings.js';
import type { Recorder } from '../usage/recorder.js';
import type { Limits } from '../policy/limits.js';
import { healthRefreshJob } from '../routing/health-refresh.js';
import { HEALTH_REFRESH_MS } from '../routing/shared-health.js';
import { pruneStoredResponses } from '../stored-responses/pruner.js';
import { LOG_RETENTION_INTERVAL_MS, pruneRequestLog, retentionConfigured } from '../usage/log-retention.js';
import type { AuditRetention, LogRetention } from '../config/schema.js';
import { AUDIT_RETENTION_INTERVAL_MS, auditPruneCutoffs, pruneAuditLog } from '../admin/audit-retention.js';
import type { Runtime } from '../runtime/runtime.js';
import type { SharedState } from './shared-state.js';
import type { LiveRequests } from '../telemetry/live-requests.js';
import type { LogExporter } from '../log-export/exporter.js';
import { alertRound } from '../alerts/alerter.js';
import type { AlertsSettings } from '../config/alerts-schema.js';
import { newId } from '../policy/keys.js';
import { loadDestinations } from '../log-export/destinations.js';
import type { SecretBox } from '../policy/secrets.js';
import type { HttpClient } from '../providers/http.js';

/**
 * Background work, driven by the platform: Node runs each job on a timer
 * (platform/node/run-jobs.ts: never two runs of one job at once, errors
 * logged); Workers would run them from cron triggers. A job is one round of
 * its work; it keeps no timer of its own.
 */
export interface Job {
  name: string;
  /** How often the platform runs it. */
  everyMs: number;
  /** Run once as soon as the platform starts, rather than first after `everyMs`. */
  runAtStart?: boolean;
  run(): Promise<void>;
}

export interface JobIntervals {
  /** How often the Store's revision is read for changes made by other processes (CLI, other replicas). Default 500 ms, so a revoked key is refused everywhere within a second. */
  refreshMs?: number;
  /** How often queued usage rows are written. Default 1 s. */
  recorderFlushMs?: number;
  /** How often stored Responses past their retention are deleted. Default hourly. */
  pruneIntervalMs?: number;
  /** How often credential health learned by other processes is taken in. Default 2 s (HEALTH_REFRESH_MS). */
  healthRefreshMs?: number;
}

/** Stored answers live for days: hourly is close enough. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Log export looks for due batches this often (a batch's own `maxWaitSeconds` says when it is due). */
const LOG_EXPORT_TICK_MS = 250;
/** Log export destinations are read again from the Store this often (changes made through other replicas). */
const LOG_EXPORT_RELOAD_MS = 5000;
/** Upstreams with `modelSync` are looked at this often; each syncs when its own interval has passed. */
const MODEL_SYNC_TICK_MS = 30_000;

export interface JobDeps extends ProbeDeps, ModelSyncDeps {
  store: Store;
  catalog: Catalog;
  shared: SharedState;
  settings: SettingsHolder;
  recorder: Recorder;
  limits: Limits;
  /** How long a concurrency slot's lease lasts (counters.leaseMs); renewed every third of it. */
  leaseMs: number;
  /** How long the request log is kept (the config's `logs`). */
  logRetention: LogRetention;
  /** How long the audit log is kept (the config's `audit`). */
  auditRetention: AuditRetention;
  runtime: Runtime;
  logExport: LogExporter;
  /** The config's `alerts`: how often rules are evaluated, how webhooks are retried. */
  alerts: AlertsSettings;
  /** Opens webhooks and log export destinations, stored sealed. */
  secrets: SecretBox;
  /** Where webhooks and log export batches go. */
  http: HttpClient;
  /** Aborted when the gateway stops, so a long round (a model listing) ends early. */
  stopping: AbortSignal;
  /** The live view of requests, when served. */
  live?: LiveRequests;
}

/** The gateway's background jobs, with the intervals the config and the options give. */
export function gatewayJobs(deps: JobDeps, intervals: JobIntervals = {}): Job[] {
  const { store, runtime } = deps;
  const jobs: Job[] = [
    // Picks up writes made elsewhere (replicas, the CLI): the Store's revision moved, what it covers is reloaded.
    { name: 'shared-state-refresh', everyMs: intervals.refreshMs ?? 500, run: () => deps.shared.refresh() },
    { name: 'recorder-flush', everyMs: intervals.recorderFlushMs ?? 1000, run: () => deps.recorder.flush() },
    // Concurrency slots are leases: renewed well within their time while a request (a long stream) is in flight.
    { name: 'lease-renewal', everyMs: deps.leaseMs / 3, run: () => deps.limits.renewLeases() },
    // What other processes learned of credential health (a benched credential, an admin's disable).
    healthRefreshJob(deps.pools, intervals.healthRefreshMs ?? HEALTH_REFRESH_MS.store, runtime.log, runtime.now),
    {
      name: 'model-sync',
      everyMs: MODEL_SYNC_TICK_MS,
      runAtStart: true,
      run: modelSyncRound(deps, { log: runtime.log, now: runtime.now, signal: deps.stopping }),
    },
    {
      // Keeps the response cache within its settings, whether or not the cache is on globally (a request
      // may turn it on for itself); the size cap is read at every sweep, the interval at start.
      name: 'cache-sweep',
      everyMs: deps.settings.current().raw.cache.sweepIntervalSeconds * 1000,
      run: async () => void (await store.cache.sweep(runtime.now(), deps.settings.current().raw.cache.maxBytes)),
    },
    {
      name: 'stored-responses-retention',
      everyMs: intervals.pruneIntervalMs ?? PRUNE_INTERVAL_MS,
      run: async () => void (await pruneStoredResponses(store, runtime.now(), runtime.log)),
    },
  ];
  jobs.push(logExportJob(deps));
  // Alert rules, evaluated by every replica; the Store decides which one sends each firing (alerts/alerter.ts).
  jobs.push({
    name: 'alerts',
    everyMs: deps.alerts.evaluateEverySeconds * 1000,
    run: () =>
      alertRound({
        store,
        catalog: deps.catalog,
        pools: deps.pools,
        limits: deps.limits,
        secrets: deps.secrets,
        http: deps.http,
        sleep: runtime.sleep,
        now: runtime.now,
        log: runtime.log,
        settings: deps.alerts,
        newId: () => newId('alrt'),
        signal: deps.stopping,
      }),
  });
  // Request-log retention, when the config sets one; every replica runs it (deleting what another deleted is a no-op).
  if (retentionConfigured(deps.logRetention)) {
    jobs.push({
      name: 'request-log-retention',
      everyMs: LOG_RETENTION_INTERVAL_MS,
      runAtStart: true,
      run: () => pruneRequestLog(store, deps.logRetention, runtime.now(), runtime.log),
    });
  }
  // Audit-log retention likewise, when the config sets one.
  if (auditPruneCutoffs(deps.auditRetention, 0)) {
    jobs.push({
      name: 'audit-log-retention',
      everyMs: AUDIT_RETENTION_INTERVAL_MS,
      runAtStart: true,
      run: () => pruneAuditLog(store, deps.auditRetention, runtime.now(), runtime.log),
    });
  }
  // One poller for every watcher of the live view (rows every replica wrote): a round a second, nothing while nobody watches.
  const live = deps.live;
  if (live) jobs.push({ name: 'live-requests', everyMs: 1000, run: () => live.tick() });
  // Validity checks of benched credentials; `probeIntervalMs: 0` turns them off.
  if (deps.health.probeIntervalMs > 0) jobs.push({ name: 'credential-probes', everyMs: deps.health.probeIntervalMs, run: () => probeBenched(deps) });
  return jobs;
}

/**
 * Sends due log export batches (log-export/exporter.ts); the destinations are
 * read from the Store at the first round and every few seconds after, so one
 * an admin added through another replica is exported here too.
 */
function logExportJob(deps: JobDeps): Job {
  const { store, runtime, logExport } = deps;
  let loadedAt = -Infinity;
  return {
    name: 'log-export',
    everyMs: LOG_EXPORT_TICK_MS,
    runAtStart: true,
    async run() {
      if (runtime.now() - loadedAt >= LOG_EXPORT_RELOAD_MS) {
        logExport.configure(await loadDestinations(store, deps.secrets, runtime.log));
        loadedAt = runtime.now();
      }
      await logExport.round();
    },
  };
}
