import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';
import { startProxyProcess, type CuttableProxy } from './tcp-proxy-process.js';

export const REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/**
 * The PostgreSQL schema and Redis key prefix one test file's replicas share,
 * fresh per run and removed afterwards, so tests running at once on the same
 * servers never meet. With `cuttable`, the replicas reach PostgreSQL and Redis
 * through TCP proxies the test can cut.
 */
export interface SharedBackends {
  /** The replicas' `storage` in their config file. */
  storage: { url: string };
  /** The replicas' `counters` in their config file. */
  counters: { url: string; prefix: string };
  postgres: PostgresSchema;
  prefix: string;
  /** In front of PostgreSQL and Redis (only with `cuttable`). */
  proxies?: { postgres: CuttableProxy; redis: CuttableProxy };
  /** Drops the schema, deletes the prefix's keys, closes the proxies. */
  close(): Promise<void>;
}

export async function sharedBackends(options: { cuttable?: boolean } = {}): Promise<SharedBackends> {
  const postgres = await createPostgresSchema('sbreplicas');
  const prefix = `sbreplicas-${randomBytes(6).toString('hex')}`;
  let storageUrl = postgres.url;
  let redisUrl = REDIS_URL;
  let proxies: SharedBackends['proxies'];
  let proxyProcess: { close(): Promise<void> } | undefined;
  if (options.cuttable) {
    const pg = new URL(postgres.url);
    const redis = new URL(REDIS_URL);
    const started = await startProxyProcess({
      postgres: { host: pg.hostname, port: Number(pg.port || 5432) },
      redis: { host: redis.hostname, port: Number(redis.port || 6379) },
    });
    proxyProcess = started;
    proxies = started.proxies;
    storageUrl = through(pg, proxies.postgres);
    redisUrl = through(redis, proxies.redis);
  }
  return {
    storage: { url: storageUrl },
    counters: { url: redisUrl, prefix },
    postgres,
    prefix,
    proxies,
    async close() {
      await proxyProcess?.close();
      await postgres.drop();
      await deleteKeys(prefix);
    },
  };
}

function through(url: URL, proxy: CuttableProxy): string {
  const copy = new URL(url);
  copy.hostname = proxy.host;
  copy.port = String(proxy.port);
  return copy.toString();
}

/** Deletes every Redis key that names `prefix`, wherever it sits in the key (`{prefix}:…` is a Cluster hash tag). */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
