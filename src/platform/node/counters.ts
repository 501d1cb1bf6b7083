import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { Counters } from '../../store/counters.js';
import type { RedisPort } from '../../store/redis-port.js';
import { createMemoryCounters } from '../../store/memory-counters.js';
import { createRedisCounters } from '../../store/redis-counters.js';
import { createOutageCounters, memoryCountersHealth, type CountersHealth } from '../../store/outage-counters.js';

/** How often a replica says it is live and, during an outage, looks for Redis again. */
export const HEARTBEAT_MS = 2000;
/** A replica that has not said so for this long no longer counts toward the share of limits. */
const LIVE_MS = 10_000;

export interface NodeCounters {
  counters: Counters;
  /** The counters' Redis connection, for other shared state (credential health, locks) to use too; absent in memory. */
  redis?: RedisPort;
  health(): CountersHealth;
  /** Run every HEARTBEAT_MS: replica liveness, and the end of an outage. */
  heartbeat(): Promise<void>;
  close(): Promise<void>;
}

export interface CountersDeps {
  now: () => number;
  log: (message: string) => void;
  /** Seeds every budget from the database (when Redis comes back, perhaps empty). */
  reseed: () => Promise<void>;
}

/** The counters `counters.url` asks for: this process's memory without one, Redis (shared by every replica) with one. */
export async function openCounters(config: Config['counters'], deps: CountersDeps): Promise<NodeCounters> {
  if (!config.url)
    return { counters: createMemoryCounters(deps.now), health: memoryCountersHealth, heartbeat: async () => {}, close: async () => {} };

  // ioredis is loaded only for a config that names Redis.
  const { closeRedis, connectRedis, redisPortOf } = await import('./redis.js');
  const client = await connectRedis(config.url, { log: deps.log, purpose: 'counters' });
  const redis = redisPortOf(client);
  const counters = createOutageCounters(createRedisCounters(redis, config.prefix), {
    onUnavailable: config.onUnavailable,
    replicas: config.replicas,
    replicaId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    liveMs: LIVE_MS,
    reseed: deps.reseed,
    now: deps.now,
    log: deps.log,
  });
  // Learn the replicas (and whether Redis is there) before the first request.
  await counters.heartbeat();
  return { counters, redis, health: counters.health, heartbeat: counters.heartbeat, close: () => closeRedis(client) };
}
