import {
  cacheSchema,
  hostedToolsSchema,
  loggingSchema,
  securitySchema,
  type CacheSettings,
  type HostedToolsSettings,
  type LoggingSettings,
  type SecuritySettings,
} from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { KeyRecord } from '../store/types.js';
import type { BodyLogPolicy } from './body-log.js';
import type { ProxyTrust } from './client-address.js';
import type { Cidr } from '../config/ip-address.js';
import { parseCidrList } from './ip-allowlist.js';
import { createRedactor } from './redact.js';

/**
 * The security, logging, cache and hosted tools settings the data plane reads on every
 * request, compiled once (CIDRs parsed, regexes built) and held in memory.
 * They live in the `settings` table (`security`, `logging`, `cache`, `hostedTools`, JSON): the config file's
 * sections are written there at start when present, and the admin API
 * (/admin/api/settings) changes them at run time.
 */
export interface GatewaySettings {
  security: SecuritySettings;
  logging: LoggingSettings;
  cache: CacheSettings;
  /** Web search and image generation served by the gateway; a search vendor's `apiKey` is held sealed (policy/secrets.ts). */
  hostedTools: HostedToolsSettings;
}

export interface LiveSettings {
  readonly raw: GatewaySettings;
  /** Null: no list, every address is allowed. */
  readonly ipAllowlist: readonly Cidr[] | null;
  readonly proxyTrust: ProxyTrust;
  readonly bodies: BodyLogPolicy;
}

export interface SettingsHolder {
  current(): LiveSettings;
  replace(next: GatewaySettings): void;
  /**
   * Counts replaces. A reload that read the store before a local write (an admin PATCH) must not
   * put the older settings back after it: it compares this before and after reading.
   */
  version(): number;
}

const STORE_KEYS = { security: 'security', logging: 'logging', cache: 'cache', hostedTools: 'hostedTools' } as const;

export function defaultSettings(): GatewaySettings {
  return { security: securitySchema.parse({}), logging: loggingSchema.parse({}), cache: cacheSchema.parse({}), hostedTools: {} };
}

export function compileSettings(raw: GatewaySettings): LiveSettings {
  const trust = raw.security.trustProxy;
  const proxyTrust: ProxyTrust =
    trust === false
      ? { kind: 'off' }
      : trust === true
        ? { kind: 'hops', hops: 1 }
        : typeof trust === 'number'
          ? { kind: 'hops', hops: trust }
          : { kind: 'cidrs', cidrs: parseCidrList(trust).ok };
  return {
    raw,
    // A list whose entries all failed to parse still refuses everyone: failing open is not an option.
    ipAllowlist: raw.security.ipAllowlist.length > 0 ? parseCidrList(raw.security.ipAllowlist).ok : null,
    proxyTrust,
    bodies: { mode: raw.logging.bodies, redact: createRedactor(raw.logging.redact) },
  };
}

export function createSettingsHolder(initial: GatewaySettings): SettingsHolder {
  let live = compileSettings(initial);
  let version = 0;
  return {
    current: () => live,
    replace(next) {
      live = compileSettings(next);
      version += 1;
    },
    version: () => version,
  };
}

/** The stored settings; a section never saved (or no longer valid) falls back to its defaults. */
export async function loadSettings(store: Store, log: (message: string) => void = () => {}): Promise<GatewaySettings> {
  const read = async <S extends typeof securitySchema | typeof loggingSchema | typeof cacheSchema | typeof hostedToolsSchema>(key: string, schema: S) => {
    const text = await store.settings.get(key);
    const parsed = schema.safeParse(text === undefined ? {} : JSON.parse(text));
    if (parsed.success) return parsed.data;
    log(`settings: stored ${key} settings are not valid (${parsed.error.message}); using the defaults`);
    return schema.parse({});
  };
  return {
    security: (await read(STORE_KEYS.security, securitySchema)) as SecuritySettings,
    logging: (await read(STORE_KEYS.logging, loggingSchema)) as LoggingSettings,
    cache: (await read(STORE_KEYS.cache, cacheSchema)) as CacheSettings,
    hostedTools: (await read(STORE_KEYS.hostedTools, hostedToolsSchema)) as HostedToolsSettings,
  };
}

export async function saveSettings(store: Store, next: Partial<GatewaySettings>): Promise<void> {
  if (next.security) await store.settings.set(STORE_KEYS.security, JSON.stringify(next.security));
  if (next.logging) await store.settings.set(STORE_KEYS.logging, JSON.stringify(next.logging));
  if (next.cache) await store.settings.set(STORE_KEYS.cache, JSON.stringify(next.cache));
  if (next.hostedTools) await store.settings.set(STORE_KEYS.hostedTools, JSON.stringify(next.hostedTools));
}

const keyLists = new WeakMap<KeyRecord, readonly Cidr[] | null>();

/** A key's own allowlist, parsed once per snapshot record; null when the key has none. */
export function keyAllowlist(key: KeyRecord): readonly Cidr[] | null {
  let list = keyLists.get(key);
  if (list === undefined) {
    list = key.ipAllowlist && key.ipAllowlist.length > 0 ? parseCidrList(key.ipAllowlist).ok : null;
    keyLists.set(key, list);
  }
  return list;
}
