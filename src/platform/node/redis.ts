import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisPort } from '../../store/redis-port.js';

export interface ConnectRedisOptions {
  /** Where connection trouble goes: once when Redis goes away, once when it is back. */
  log?: (message: string) => void;
  /** How long to wait for the first connection before going on without it (default 2 s). */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails (default 1 s): a request never hangs on Redis. */
  commandTimeoutMs?: number;
  /** What the connection is for, in its log lines (`counters`, `sync`). */
  purpose?: string;
  /** Anything else for ioredis (a subscriber connection may want its offline queue back). */
  ioredis?: RedisOptions;
}

/** The longest pause between reconnection attempts: Redis coming back is noticed within a second. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Opens an ioredis connection set up for a gateway that must not hang on
 * Redis: commands fail at once while disconnected (no offline queue growing
 * without bound), fail after `commandTimeoutMs` when Redis is slow, and the
 * client keeps reconnecting for ever, so the gateway recovers without a
 * restart. Waits up to `connectTimeoutMs` for the first connection, then
 * returns the client anyway (connected or still trying).
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  const log = options.log ?? ((m: string) => console.error(m));
  const purpose = options.purpose ? ` (${options.purpose})` : '';
  const connectTimeout = options.connectTimeoutMs ?? 2000;
  const client = new Redis(url, {
    connectTimeout,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    ...options.ioredis,
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log(`redis${purpose}: ${redactUrl(url)} unreachable: ${err.message}; retrying in the background`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log(`redis${purpose}: ${redactUrl(url)} reachable again`);
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, connectTimeout);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

/** The core's view of a connection (store/redis-port.ts): scripts by SHA, loaded when Redis does not know them. */
export function redisPortOf(client: Redis): RedisPort {
  const shas = new Map<string, string>();
  return {
    async eval(lua, keys, args) {
      let sha = shas.get(lua);
      if (!sha) {
        sha = createHash('sha1').update(lua).digest('hex');
        shas.set(lua, sha);
      }
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        // A restarted Redis has forgotten its scripts; EVAL loads it again.
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return client.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}

/** Closes a connection without waiting on a Redis that is gone. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await Promise.race([client.quit().catch(() => client.disconnect()), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  client.disconnect();
}

/** A Redis URL as it may appear in logs: the password masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the Redis URL';
  }
}
