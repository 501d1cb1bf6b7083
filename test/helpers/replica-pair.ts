import type { Config } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway, type NodeGatewayOptions } from '../../src/platform/node/gateway.js';
import { startBalancer } from '../replicas/balancer.js';
import { createPostgresSchema } from './postgres.js';
import { closeRedis, dropPrefix, testPrefix, testRedis, TEST_REDIS_URL } from '../store/redis-test.js';

/**
 * How many replicas each test gateway is: 1 (default), or the number in
 * SWITCHBOARD_TEST_REPLICAS, which runs the integration suite on gateways
 * that share only PostgreSQL and Redis, with a round-robin balancer in front
 * (`npm run test:replicas`).
 */
export function testReplicas(): number {
  const n = Number(process.env.SWITCHBOARD_TEST_REPLICAS ?? '1');
  return Number.isInteger(n) && n > 1 ? n : 1;
}

/**
 * Starts `count` gateways on one fresh PostgreSQL schema and one Redis key
 * prefix, each with its own memory (snapshot, pools, recorder), behind a
 * round-robin balancer. What a test sees is the first replica with the
 * balancer's URL, so requests spread over all of them; flushing its recorder
 * flushes every replica's, so usage written anywhere can be read back.
 */
export async function startReplicas(config: Config, count: number, options: NodeGatewayOptions): Promise<NodeGateway> {
  const schema = await createPostgresSchema('sbsuite');
  const prefix = testPrefix('suite');
  const shared: Config = { ...config, storage: { ...config.storage, url: schema.url }, counters: { ...config.counters, url: TEST_REDIS_URL, prefix } };
  const replicas: NodeGateway[] = [];
  // One after the other, as the config's keys and upstreams are applied by the first to start.
  for (let i = 0; i < count; i++) replicas.push(await startNodeGateway(shared, options));
  const balancer = await startBalancer(() => replicas.map((r) => r.url));
  const first = replicas[0]!;
  const recorder = first.ctx.recorder;
  const flushAll = async () => {
    await Promise.all(replicas.map((r) => r.ctx.recorder.flush()));
  };
  return {
    ...first,
    url: balancer.url,
    ctx: { ...first.ctx, recorder: { ...recorder, flush: flushAll }, pools: everyReplica(replicas.map((r) => r.ctx.pools)) },
    inFlight: () => replicas.reduce((sum, r) => sum + r.inFlight(), 0),
    async close(options) {
      await balancer.close();
      await Promise.all(replicas.map((r) => r.close(options)));
      const redis = await testRedis();
      await dropPrefix(redis, prefix);
      await closeRedis(redis);
      await schema.drop();
    },
  };
}

/**
 * One object standing for the same part of every replica: a method call
 * (a test resetting or benching credentials) runs on each, and the first
 * replica's answer is returned, as a test of one gateway expects.
 */
function everyReplica<T extends object>(parts: T[]): T {
  return new Proxy(parts[0]!, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        for (const other of parts.slice(1)) (Reflect.get(other, name, other) as (...a: unknown[]) => unknown).apply(other, args);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
