import type { CacheChoice, CacheSettings } from '../config/schema.js';
import { GatewayError } from '../protocols/errors.js';
import type { KeyRecord } from '../store/types.js';

/** Switchboard's own request headers for the response cache (docs/cache.md). */
export const CACHE_TTL_HEADER = 'x-switchboard-cache-ttl';
export const SKIP_CACHE_HEADER = 'x-switchboard-skip-cache';
export const CACHE_KEY_HEADER = 'x-switchboard-cache-key';

/** A year: a longer TTL is more likely a mistake (milliseconds, say) than a wish. */
const MAX_TTL_SECONDS = 365 * 24 * 3600;
const MAX_CACHE_KEY_LENGTH = 1024;

/** Whether one request uses the response cache, and how. */
export type CacheDecision =
  /** Not on for this request: nothing touches the database. */
  | { kind: 'off' }
  /** On, but the client sent `x-switchboard-skip-cache: true`: neither read nor written. */
  | { kind: 'skip' }
  | { kind: 'on'; ttlSeconds: number; scope: string; customKey: string | null };

/**
 * Decides from the settings (global, the model's, the key's) and the
 * request's headers, all in memory. An explicit `false` on the key or the
 * model keeps the cache off whatever the request asks, so an operator can
 * keep some answers out of the database; otherwise the cache is on when the
 * key, the model or the global setting turns it on (the most specific one
 * that is set wins), or when the request sends a TTL or its own cache key.
 * Bad header values are a 400 even when the cache would be off.
 */
export function decideCache(settings: CacheSettings, key: KeyRecord, model: string, headers: Headers): CacheDecision {
  const ttlHeader = readTtl(headers.get(CACHE_TTL_HEADER));
  const skip = readSkip(headers.get(SKIP_CACHE_HEADER));
  const customKey = readCustomKey(headers.get(CACHE_KEY_HEADER));

  const keyChoice = key.cache ?? undefined;
  const modelChoice = settings.models[model];
  if (keyChoice === false || modelChoice === false) return { kind: 'off' };
  // Any choice left on the key or the model turns the cache on (`true` or a TTL).
  const configured = keyChoice !== undefined || modelChoice !== undefined || settings.enabled;
  const asked = ttlHeader !== undefined || customKey !== null;
  if (!asked && !configured) return { kind: 'off' };
  if (skip) return { kind: 'skip' };

  const ttlSeconds = ttlHeader ?? ttlOf(keyChoice) ?? ttlOf(modelChoice) ?? settings.ttlSeconds;
  const scope = settings.scope === 'group' ? `group:${key.group}` : `key:${key.id}`;
  return { kind: 'on', ttlSeconds, scope, customKey };
}

function ttlOf(choice: CacheChoice | undefined): number | undefined {
  return typeof choice === 'object' ? choice.ttlSeconds : undefined;
}

function readTtl(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > MAX_TTL_SECONDS)
    throw new GatewayError('SB_ERR_BAD_REQUEST', `${CACHE_TTL_HEADER}: must be whole seconds from 1 to ${MAX_TTL_SECONDS}`, CACHE_TTL_HEADER);
  return seconds;
}

function readSkip(value: string | null): boolean {
  if (value === null) return false;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new GatewayError('SB_ERR_BAD_REQUEST', `${SKIP_CACHE_HEADER}: must be true or false`, SKIP_CACHE_HEADER);
}

function readCustomKey(value: string | null): string | null {
  if (value === null) return null;
  const text = value.trim();
  if (text.length === 0 || text.length > MAX_CACHE_KEY_LENGTH)
    throw new GatewayError('SB_ERR_BAD_REQUEST', `${CACHE_KEY_HEADER}: must be 1 to ${MAX_CACHE_KEY_LENGTH} characters`, CACHE_KEY_HEADER);
  return text;
}
