import type { Store } from '../store/store.js';
import type { CredentialHealthRecord } from '../store/types.js';
import type { RedisPort } from '../store/redis-port.js';
import type { SharedHealth } from './shared-health.js';

/**
 * Sets a credential's record unless an admin disabled it and the change is
 * the gateway's own: a replica that has not yet seen the admin's disable
 * (it refreshes once a second) must not undo it with a cooldown.
 * KEYS: the record, the index of credential ids. ARGV: the record's JSON,
 * who set it, its lifetime in ms (0: none), the credential id. 1 when set.
 */
const PUBLISH = `
local current = redis.call('GET', KEYS[1])
if current and ARGV[2] ~= 'admin' then
  local ok, held = pcall(cjson.decode, current)
  if ok and held.state == 'disabled' and held.setBy == 'admin' then return 0 end
end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('SADD', KEYS[2], ARGV[4])
return 1
`;

const MEMBERS = `return redis.call('SMEMBERS', KEYS[1])`;
const READ_ALL = `return redis.call('MGET', unpack(KEYS))`;

/**
 * Credential health in Redis, one key per credential: a cooldown's key
 * expires when the cooldown ends, so a cooled credential comes back by
 * itself; healthy and disabled records stay until replaced. Keys are
 * `{prefix}:health:…`, the gateway's one hash tag, so the index and the
 * records live in one Cluster slot. Every change is also written to the Store (`durable`), which a
 * restart, the CLI and a Redis that lost its data fall back on.
 */
export function redisSharedHealth(redis: RedisPort, options: { prefix: string; durable: Store['health']; now: () => number }): SharedHealth {
  const index = `{${options.prefix}}:health:ids`;
  const keyOf = (credentialId: string) => `{${options.prefix}}:health:cred:${credentialId}`;

  return {
    async publish(record) {
      const lifetime = record.state === 'cooling' && record.until !== null ? Math.max(1, record.until - options.now()) : 0;
      let set: unknown;
      try {
        set = await redis.eval(PUBLISH, [keyOf(record.credentialId), index], [JSON.stringify(record), record.setBy, lifetime, record.credentialId]);
      } catch (err) {
        // Redis unreachable: the Store still keeps the change, and the others see it once Redis is back or at their restart.
        await options.durable.put(record);
        throw err;
      }
      if (set === 1) await options.durable.put(record);
    },

    async fetch() {
      const ids = (await redis.eval(MEMBERS, [index], [])) as string[];
      if (ids.length === 0) return [];
      const values = (await redis.eval(READ_ALL, ids.map(keyOf), [])) as (string | null)[];
      const records: CredentialHealthRecord[] = [];
      for (const value of values) {
        const record = value === null ? null : parseRecord(value);
        if (record) records.push(record);
      }
      return records;
    },
  };
}

function parseRecord(text: string): CredentialHealthRecord | null {
  try {
    const r = JSON.parse(text) as CredentialHealthRecord;
    return typeof r.credentialId === 'string' && typeof r.state === 'string' ? r : null;
  } catch {
    return null;
  }
}
