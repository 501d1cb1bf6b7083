import type { Store } from '../store/store.js';
import type { Catalog } from '../routing/catalog.js';
import type { PoolHealth } from '../routing/credential-health.js';
import type { HealthSettings, RetrySettings } from '../config/schema.js';
import type { Providers } from '../providers/registry.js';
import type { HttpClient } from '../providers/http.js';
import type { SecretBox } from '../policy/secrets.js';
import type { SettingsHolder } from '../policy/gateway-settings.js';
import type { AuthFailures } from '../policy/auth-failures.js';
import type { SignInThrottle } from '../policy/sign-in-throttle.js';
import type { RequestIO } from '../runtime/request-io.js';
import type { PriceBook } from '../usage/cost.js';
import type { Limits } from '../policy/limits.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { LiveRequests } from '../telemetry/live-requests.js';
import type { PlaygroundRuns } from '../providers/upstream-capture.js';
import type { LogExporter } from '../log-export/exporter.js';
import type { AlertsSettings } from '../config/alerts-schema.js';

/**
 * What the control plane (/admin/api) uses, built once by app/create-gateway.ts.
 * Every write goes to the Store and then to the in-memory piece that holds
 * it (the catalog, settings, prices, limit rules, pools), so the next
 * data-plane request sees it.
 */
export interface AdminDeps extends Runtime {
  store: Store;
  catalog: Catalog;
  /** Seals credentials and stored answers at rest (policy/secrets.ts). */
  secrets: SecretBox;
  /** The Bearer token of the admin API and the dashboard. */
  adminKey: string;
  /** `server.publicUrl`: the base URL of the setup links a new key comes with; absent, the request's own (policy/public-url.ts). */
  publicUrl?: string;
  /** Credential health: read for the pool views, set by an admin's enable/disable. */
  pools: PoolHealth;
  /** Providers, for validity checks and model sync (routing/probe.ts, routing/model-sync.ts). */
  providers: Providers;
  /** The platform's HTTP client, for the sign-in flows (Copilot's device flow, Codex's code exchange). */
  http: HttpClient;
  settings: SettingsHolder;
  /** Failed admin auth is counted here too; `/security` reports it. */
  refusals: AuthFailures;
  /** Wrong admin keys by source address: past a few, that address waits (policy/sign-in-throttle.ts). */
  signIns: SignInThrottle;
  /** The layered prices; the admin layer changes at run time. */
  priceBook: PriceBook;
  limits: Limits;
  /** Exported with the config. */
  retry: RetrySettings;
  health: HealthSettings;
  /** Hints to other replicas that an admin write moved the Store's revision (store/change-feed.ts). */
  changes: ChangeFeed;
  /** The client's address for the admin key's failure count (policy/client-address.ts). */
  io: RequestIO;
  /** Requests as they start and finish, for `/live`; absent where it is not served: a 501. */
  live?: LiveRequests;
  /**
   * Each `/live` watcher's own request drives the live view's rounds while it reads, rather than a job
   * (Workers: an isolate has no timers between requests, but a request that streams may sleep and poll).
   */
  livePolledByWatchers?: boolean;
  /** Playground runs (providers/upstream-capture.ts), shared with the data plane. */
  playground?: PlaygroundRuns;
  /** The gateway's own HTTP entry, for the playground's requests; set once the app is built. */
  dispatch?: (request: Request) => Promise<Response>;
  /** Log export: reconfigured after a destination changes, its figures shown. */
  logExport: LogExporter;
  /** Whether log export `file` destinations can be written here (the Node platform). */
  canWriteFiles: boolean;
  /** The config's `alerts` (the webhooks' retries, for a test message). */
  alerts: AlertsSettings;
}
