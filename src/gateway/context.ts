import type { Store } from '../store/store.js';
import type { Catalog } from '../routing/catalog.js';
import type { PoolHealth } from '../routing/credential-health.js';
import type { EndpointGaps } from '../routing/endpoint-gaps.js';
import type { HealthSettings, RetrySettings } from '../config/schema.js';
import type { Providers } from '../providers/registry.js';
import type { Recorder } from '../usage/recorder.js';
import type { SecretBox } from '../policy/secrets.js';
import type { SettingsHolder } from '../policy/gateway-settings.js';
import type { AuthFailures } from '../policy/auth-failures.js';
import type { RequestIO } from './request-io.js';
import type { PriceBook, PriceLookup } from '../usage/cost.js';
import type { Counters } from '../store/counters.js';
import type { Limits } from '../policy/limits.js';
import type { StructuredOutputMemory } from './structured-output.js';
import type { ResponseKeeper } from '../stored-responses/response-keeper.js';
import type { ChangeFeed } from '../store/change-feed.js';

/**
 * Everything the gateway needs, built once at start by the platform and
 * handed down; no module keeps global state, so a test builds its own
 * gateway in a line.
 */
export interface GatewayContext {
  store: Store;
  catalog: Catalog;
  providers: Providers;
  /** Each credential's health and counters (routing/credential-health.ts). */
  pools: PoolHealth;
  /** Endpoints upstreams turned out not to serve (a 404 on /responses), learned in memory (routing/endpoint-gaps.ts). */
  gaps: EndpointGaps;
  retry: RetrySettings;
  health: HealthSettings;
  recorder: Recorder;
  /** Stored Responses answers of keys that opted in (stored-responses/). */
  responses: ResponseKeeper;
  secrets: SecretBox;
  adminKey: string;
  /** IP allowlist, proxy trust and body logging, compiled; changed by the admin API (policy/gateway-settings.ts). */
  settings: SettingsHolder;
  /** Failed admin and client auth and IP refusals, counted in memory (policy/auth-failures.ts). */
  refusals: AuthFailures;
  maxBodyBytes: number;
  /** Model prices: the shipped table with the config's `prices` over it. */
  prices: PriceLookup;
  /** The same prices in layers (shipped, config, admin API), changeable at run time; `prices` reads through it. */
  priceBook: PriceBook;
  /** Rate limits and budgets per key, group and gateway (policy/limits.ts), counted in `counters`. */
  limits: Limits;
  counters: Counters;
  /** Hints to other replicas that an admin write moved the Store's revision (store/change-feed.ts). */
  changes: ChangeFeed;
  /** Which Anthropic upstream models refused native structured output, learned in memory (structured-output.ts). */
  structuredOutput: StructuredOutputMemory;
  /** Reading client bodies and noticing clients that leave (webRequestIO, or the platform's own). */
  io: RequestIO;
  now: () => number;
  log: (message: string) => void;
}
