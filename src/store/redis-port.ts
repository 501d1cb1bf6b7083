/**
 * The narrow view of a Redis connection the core uses, so the algorithms
 * that run in Redis (redis-counters.ts) stay runtime-neutral: the Node
 * platform implements it on ioredis (platform/node/redis.ts); another
 * runtime can implement it on its own client.
 *
 * Everything the counters do is a Lua script: one round trip, atomic, and
 * every key a script touches is passed in `keys` (Redis Cluster routes a
 * script by its keys, which must all hash to one slot).
 */
export interface RedisPort {
  /**
   * Runs a Lua script (EVALSHA, loading it on NOSCRIPT). Rejects quickly
   * when Redis cannot be reached: implementations keep no unbounded offline
   * queue and set a command timeout.
   */
  eval(lua: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}
