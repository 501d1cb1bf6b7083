import type { Store } from '../store/store.js';
import type { Catalog } from '../routing/catalog.js';
import type { Providers } from '../providers/registry.js';
import type { Recorder } from '../usage/recorder.js';
import type { SecretBox } from '../policy/secrets.js';
import type { RequestIO } from './request-io.js';
import type { PriceLookup } from '../usage/cost.js';

/**
 * Everything the gateway needs, built once at start by the platform and
 * handed down; no module keeps global state, so a test builds its own
 * gateway in a line.
 */
export interface GatewayContext {
  store: Store;
  catalog: Catalog;
  providers: Providers;
  recorder: Recorder;
  secrets: SecretBox;
  adminKey: string;
  maxBodyBytes: number;
  /** Model prices: the shipped table with the config's `prices` over it. */
  prices: PriceLookup;
  /** Reading client bodies and noticing clients that leave (webRequestIO, or the platform's own). */
  io: RequestIO;
  now: () => number;
  log: (message: string) => void;
}
