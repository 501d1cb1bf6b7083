import type { PlaygroundRuns } from '../providers/upstream-capture.js';
import type { Store } from '../store/store.js';
import type { Catalog } from '../routing/catalog.js';
import type { PoolHealth } from '../routing/credential-health.js';
import type { EndpointGaps } from '../routing/endpoint-gaps.js';
import type { RetrySettings } from '../config/schema.js';
import type { Providers } from '../providers/registry.js';
import type { Recorder } from '../usage/recorder.js';
import type { SettingsHolder } from '../policy/gateway-settings.js';
import type { AuthFailures } from '../policy/auth-failures.js';
import type { RequestIO } from '../runtime/request-io.js';
import type { PriceLookup } from '../usage/cost.js';
import type { Limits } from '../policy/limits.js';
import type { StructuredOutputMemory } from './structured-output.js';
import type { ResponseKeeper } from '../stored-responses/response-keeper.js';
import type { Runtime } from '../runtime/runtime.js';
import type { RequestObserver } from '../telemetry/observer.js';
import type { SecretBox } from '../policy/secrets.js';
import type { TokenizerLoader } from '../usage/tokenizer-loader.js';
import type { SignInThrottle } from '../policy/sign-in-throttle.js';

/**
 * What the data plane (/v1, /v1beta) uses, built once by app/create-gateway.ts.
 * It reads the catalog and settings from memory and never the database
 * itself: rows go through the recorder, stored answers through the keeper,
 * and only the response cache is read on a request's path.
 */
export interface DataPlaneDeps extends Runtime {
  catalog: Catalog;
  providers: Providers;
  /** Each credential's health and counters (routing/credential-health.ts). */
  pools: PoolHealth;
  /** Endpoints upstreams turned out not to serve (a 404 on /responses), learned in memory (routing/endpoint-gaps.ts). */
  gaps: EndpointGaps;
  retry: RetrySettings;
  recorder: Recorder;
  /** Stored Responses answers of keys that opted in (stored-responses/). */
  responses: ResponseKeeper;
  /** The response cache's table (gateway/response-cache.ts); the only database read on a request's path, and only when caching applies. */
  cache: Store['cache'];
  /** IP allowlist, proxy trust, body logging and cache settings, compiled (policy/gateway-settings.ts). */
  settings: SettingsHolder;
  /** Failed client auth and IP refusals, counted in memory (policy/auth-failures.ts). */
  refusals: AuthFailures;
  maxBodyBytes: number;
  /** Model prices: shipped, config and admin API layers (usage/cost.ts). */
  prices: PriceLookup;
  /** Rate limits and budgets per key, group and gateway (policy/limits.ts). */
  limits: Limits;
  /** Which Anthropic upstream models refused native structured output, learned in memory (structured-output.ts). */
  structuredOutput: StructuredOutputMemory;
  /** Reading client bodies and noticing clients that leave (webRequestIO, or the platform's own). */
  io: RequestIO;
  /** Metrics and traces: told of each request's start, tries, first byte and finished row (telemetry/observer.ts). */
  observer: RequestObserver;
  /** Playground runs an admin started (providers/upstream-capture.ts): who they run as, and their upstream capture. */
  playground?: PlaygroundRuns;
  /** One-line agent setup links (gateway/agent-setup/): the table they are taken from, and the secret that opens them. */
  setupTokens: Store['setupTokens'];
  secrets: SecretBox;
  /** The token estimate's tokenizer, built in the background; a request never waits for it (usage/tokenizer-loader.ts). */
  tokenizer: TokenizerLoader;
  /** Wrong setup tokens by source address: past a few, that address waits (policy/sign-in-throttle.ts). */
  setupTries: SignInThrottle;
  /** `server.publicUrl`: the base URL written into setup scripts; absent, the request's own (policy/public-url.ts). */
  publicUrl?: string;
}
