import type { Store } from '../store/store.js';
import type { Counters } from '../store/counters.js';
import type { HttpClient } from '../providers/http.js';
import type { RequestIO } from '../runtime/request-io.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Locks } from '../store/locks.js';
import type { CountersHealth } from '../store/outage-counters.js';
import type { SharedHealth } from '../routing/shared-health.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { RequestObserver } from '../telemetry/observer.js';
import type { UsageJournal } from '../usage/journal.js';
import type { OpenLineSink } from '../log-export/exporter.js';

/**
 * What a platform hands the core (app/create-gateway.ts). Everything that
 * differs between Node and Workers, or between one process and many
 * replicas, comes through here; the core assumes nothing else.
 */
export interface Ports {
  /** The database, opened (and migrated) by the platform; the platform closes it. */
  store: Store;
  /** Rate-limit and budget counters: in memory for one process, shared (Redis) for many. */
  counters: Counters;
  /** Upstream HTTP (Node: undici pools; elsewhere `fetchHttp`). */
  http: HttpClient;
  /** Reading client bodies and noticing clients that leave (gateway/request-io.ts). */
  io: RequestIO;
  /** The clock, the log, timers for in-request waits, and work after the response. */
  runtime: Runtime;
  /** Where credential health is shared between processes (default: the Store's `credential_health`). */
  sharedHealth?: SharedHealth;
  /** Locks held across processes, for OAuth refreshes (default: this process's own). */
  locks?: Locks;
  /** Hints that the Store's revision moved, between processes (default: this process's own); the platform closes it. */
  changes?: ChangeFeed;
  /** Whether shared counters are reachable, for the admin API's report (default: in memory, always). */
  countersHealth?: () => CountersHealth;
  /** What watches requests for metrics and traces (telemetry/observer.ts; default: nothing). */
  observers?: RequestObserver[];
  /** Where usage rows are noted outside the process before they are written (usage/journal.ts; Node with a file store; default: none). */
  journal?: UsageJournal;
  /** Opens a log export `file` destination (Node: platform/node/rotating-file.ts; default: none, such destinations are refused). */
  openLogFile?: OpenLineSink;
}
