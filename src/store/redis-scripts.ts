/**
 * The Lua scripts behind redis-counters.ts. Each runs atomically in Redis
 * and reads the time from Redis (`TIME`), so the window a request counts in
 * and when a lease expires are the same for every replica whatever their
 * own clocks say.
 *
 * Bucket kinds (one Redis key each):
 * - `w` (fixed window): a hash { w: window start, n: count }; a stored
 *   window older than the current one counts as 0; the key expires when its
 *   window ends. One key per bucket, not per window, so the script knows
 *   every key it touches before it reads the clock (Redis Cluster asks
 *   scripts to declare their keys).
 * - `u` (until): a string count, expiring at the end of the period the
 *   caller named (never, for running totals).
 * - `l` (lease): a sorted set of lease ids scored by when they expire;
 *   those past their time are pruned before counting.
 *
 * Numbers go back to the caller as strings: Redis turns Lua numbers into
 * integers, which would cut USD amounts.
 */

const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function int(x) return string.format('%.0f', x) end
local function num(x) return string.format('%.17g', x) end
`;

/** The lease set lives as long as its longest lease. */
const KEEP_LEASES = `
local function keepLeases(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, int(math.ceil(tonumber(last[2])))) end
end
`;

/**
 * KEYS: one per take. ARGV: five per take: kind, amount, limit, p1, p2
 * (w: p1 = window ms; u: p1 = resetAt, 0 for never; l: p1 = lease ms,
 * p2 = lease id). Counts every bucket, then adds to all of them only when
 * every one is below its limit. Returns per take { allowed, used, resetAt
 * (0: never), window start ('' when not a window) }.
 */
export const TAKE = `${NOW}${KEEP_LEASES}
local used, reset, win = {}, {}, {}
local all = true
for i = 1, #KEYS do
  local a = (i - 1) * 5
  local kind, limit, p1 = ARGV[a + 1], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local key = KEYS[i]
  if kind == 'w' then
    win[i] = now - (now % p1)
    reset[i] = win[i] + p1
    local h = redis.call('HMGET', key, 'w', 'n')
    used[i] = (h[1] == int(win[i])) and tonumber(h[2]) or 0
  elseif kind == 'u' then
    reset[i] = p1
    used[i] = tonumber(redis.call('GET', key) or '0')
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    reset[i] = 0
    used[i] = redis.call('ZCARD', key)
  end
  if used[i] >= limit then all = false end
end
local out = {}
for i = 1, #KEYS do
  local a = (i - 1) * 5
  local kind, amount, limit, p1 = ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local key = KEYS[i]
  local allowed = used[i] < limit
  if all then
    if kind == 'w' then
      if redis.call('HGET', key, 'w') ~= int(win[i]) then redis.call('HSET', key, 'w', int(win[i]), 'n', '0') end
      used[i] = tonumber(redis.call('HINCRBYFLOAT', key, 'n', amount))
      redis.call('PEXPIREAT', key, int(reset[i]))
    elseif kind == 'u' then
      used[i] = tonumber(redis.call('INCRBYFLOAT', key, amount))
      if p1 > 0 then redis.call('PEXPIREAT', key, int(p1)) end
    else
      redis.call('ZADD', key, int(now + p1), ARGV[a + 5])
      used[i] = redis.call('ZCARD', key)
      keepLeases(key)
    end
  end
  out[i] = { allowed and 1 or 0, num(used[i]), int(reset[i]), win[i] and int(win[i]) or '' }
end
return out
`;

/**
 * The ends of requests, batched: KEYS: one bucket per entry. ARGV: three per
 * entry: what (w | u: settle a window's or a period's count; r: release a
 * lease), then for w the window start, for r the lease id, and for w | u
 * the change (real minus reserved). A settle adds the change unless the
 * window or period has ended, never going below zero.
 */
export const FINISH = `
for i = 1, #KEYS do
  local key, what, arg, change = KEYS[i], ARGV[i * 3 - 2], ARGV[i * 3 - 1], ARGV[i * 3]
  if what == 'r' then
    redis.call('ZREM', key, arg)
  elseif what == 'w' then
    if redis.call('HGET', key, 'w') == arg and tonumber(redis.call('HINCRBYFLOAT', key, 'n', change)) < 0 then
      redis.call('HSET', key, 'n', '0')
    end
  elseif redis.call('EXISTS', key) == 1 and tonumber(redis.call('INCRBYFLOAT', key, change)) < 0 then
    redis.call('SET', key, '0', 'KEEPTTL')
  end
end
return #KEYS
`;

/** KEYS[1]: the bucket. ARGV: amount, resetAt (0: never), replace (1 | 0). SET NX unless replacing. */
export const SEED = `${NOW}
local key, resetAt = KEYS[1], tonumber(ARGV[2])
if resetAt > 0 and resetAt <= now then return 0 end
if ARGV[3] == '1' then
  redis.call('SET', key, ARGV[1])
elseif not redis.call('SET', key, ARGV[1], 'NX') then
  return 0
end
if resetAt > 0 then redis.call('PEXPIREAT', key, int(resetAt)) end
return 1
`;

/** KEYS[1]: the bucket. ARGV: kind (w | u | l), window ms (w). The count now, as a string. */
export const PEEK = `${NOW}
local key, kind = KEYS[1], ARGV[1]
if kind == 'w' then
  local ms = tonumber(ARGV[2])
  local h = redis.call('HMGET', key, 'w', 'n')
  if h[1] == int(now - (now % ms)) then return h[2] end
  return '0'
elseif kind == 'u' then
  return redis.call('GET', key) or '0'
end
return tostring(redis.call('ZCOUNT', key, '(' .. int(now), '+inf'))
`;

/** KEYS: lease buckets. ARGV: ms, then one lease id per key. Extends leases still live; an expired one stays gone. */
export const RENEW = `${NOW}${KEEP_LEASES}
local ms = tonumber(ARGV[1])
for i = 1, #KEYS do
  local score = redis.call('ZSCORE', KEYS[i], ARGV[i + 1])
  if score and tonumber(score) > now then
    redis.call('ZADD', KEYS[i], 'XX', int(now + ms), ARGV[i + 1])
    keepLeases(KEYS[i])
  end
end
return 1
`;

/**
 * KEYS[1]: the set of live replicas. ARGV: this replica's id, how long it
 * counts as live. Marks it live and answers how many are (what a replica
 * divides limits by when it has to count alone).
 */
export const HEARTBEAT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], int(now + tonumber(ARGV[2])), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
`;
