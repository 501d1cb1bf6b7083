import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate } from '../src/store/migrations.js';

/**
 * Fills a SQLite store with a synthetic request log for measuring the admin
 * queries: `rows` request_log rows spread over `days` days before `now`, with
 * their hourly rollups, in one transaction through prepared statements (a
 * million rows in seconds, where the recorder would take minutes). The mix is
 * made up but shaped like a real gateway's: a few busy keys and many quiet
 * ones, a handful of models and upstreams, mostly `ok`, some errors with
 * messages, streams, cache statuses, latencies with a long tail. Seeded, so
 * two runs make the same rows.
 */
export interface FillOptions {
  rows: number;
  days?: number;
  now?: number;
  seed?: number;
}

const HOUR_MS = 3_600_000;
const MODELS = [
  ['gpt-4o', 'gpt-4o-2024-08-06', 'openai'],
  ['gpt-4o-mini', 'gpt-4o-mini', 'openai'],
  ['claude-sonnet', 'claude-sonnet-4-5', 'anthropic'],
  ['claude-haiku', 'claude-haiku-4-5', 'anthropic'],
  ['gemini-flash', 'gemini-2.5-flash', 'gemini'],
  ['gemini-pro', 'gemini-2.5-pro', 'gemini'],
  ['o3', 'o3', 'azure'],
  ['local-llama', 'llama-3.1-70b', 'vllm'],
] as const;
const PROTOCOLS = [
  ['openai-chat', '/v1/chat/completions'],
  ['openai-responses', '/v1/responses'],
  ['anthropic', '/v1/messages'],
  ['gemini', '/v1beta/models'],
] as const;
const ERRORS = [
  ['upstream_error', 429, 'upstream said 429: rate limit reached for requests'],
  ['upstream_error', 500, 'upstream said 500: internal server error'],
  ['upstream_error', 529, 'upstream said 529: overloaded'],
  ['error', 400, 'invalid request: messages must not be empty'],
  ['error', 429, 'key rate limit reached (rpm)'],
  ['incomplete', 499, 'client closed the connection'],
  ['incomplete', 502, 'upstream stream broke: terminated'],
] as const;

export async function fillRequestLog(path: string, options: FillOptions): Promise<{ rows: number; rollups: number; ms: number }> {
  const started = Date.now();
  const days = options.days ?? 30;
  const now = options.now ?? Date.now();
  const from = now - days * 24 * HOUR_MS;
  let seed = options.seed ?? 42;
  // mulberry32: small, fast, good enough to spread rows.
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  // Key popularity falls off: key k is picked about 1/(k+1) as often as key 0.
  const keys = Array.from({ length: 200 }, (_, k) => ({ id: `key_${String(k).padStart(4, '0')}`, group: `team-${k % 12}` }));
  const keyWeights = keys.map((_, k) => 1 / (k + 1));
  const keyTotal = keyWeights.reduce((a, b) => a + b, 0);
  const pickKey = () => {
    let r = random() * keyTotal;
    for (let k = 0; k < keys.length; k++) if ((r -= keyWeights[k]) <= 0) return keys[k];
    return keys[0];
  };

  const sqlite = new Database(path);
  // As the gateway makes its files (platform/node/sqlite.ts), so it does not VACUUM this one at start.
  sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db);

  const insert = sqlite.prepare(`insert into request_log (id, ts, key_id, group_name, protocol, endpoint, model, upstream_model,
    upstream_id, credential_id, stream, status, outcome, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    reasoning_tokens, cost_usd, latency_ms, ttfb_ms, cache_status, error, metadata, translation, warnings, usage_estimated,
    saved_tokens, attempts) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const upsert = sqlite.prepare(`insert into usage_rollup (hour, key_id, group_name, model, upstream_id, requests, errors,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, latency_ms_sum, ttfb_ms_sum,
    cost_usd, unpriced_requests) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rollups = new Map<string, (string | number)[]>();

  sqlite.transaction(() => {
    for (let i = 0; i < options.rows; i++) {
      // Evenly spread in time, in order (as the recorder writes them), a little jitter.
      const ts = Math.floor(from + ((i + random()) / options.rows) * (now - from));
      const key = random() < 0.02 ? undefined : pickKey();
      const [model, upstreamModel, upstream] = pick(MODELS);
      const [protocol, endpoint] = pick(PROTOCOLS);
      const failed = random() < 0.06 ? pick(ERRORS) : undefined;
      const stream = random() < 0.55 ? 1 : 0;
      const input = failed?.[0] === 'error' ? 0 : Math.floor(200 + random() * random() * 30_000);
      const output = failed ? 0 : Math.floor(20 + random() * random() * 2_000);
      const cacheRead = random() < 0.3 ? Math.floor(input * random()) : 0;
      const reasoning = model === 'o3' ? Math.floor(output * random()) : 0;
      const priced = upstream !== 'vllm';
      const cost = priced ? (input * 2.5 + output * 10) / 1e6 : null;
      // A long tail: most answers within seconds, a few take a minute.
      const latency = Math.floor(150 + -Math.log(1 - random()) * (stream ? 4_000 : 1_500));
      const cacheStatus = random() < 0.2 ? (random() < 0.3 ? 'HIT' : 'MISS') : null;
      const id = `req_${ts.toString(36)}${i.toString(36).padStart(5, '0')}`;
      insert.run(id, ts, key?.id ?? null, key?.group ?? null, protocol, endpoint, model, upstreamModel, upstream,
        `cred_${upstream}_${i % 3}`, stream, failed?.[1] ?? 200, failed?.[0] ?? 'ok', input, output, cacheRead, 0, reasoning,
        cost, latency, stream ? Math.floor(latency / 5) : null, cacheStatus, failed?.[2] ?? null, null,
        protocol === 'anthropic' && upstream === 'openai' ? 'anthropic->openai-chat' : null, null, 0, 0, null);

      const hour = Math.floor(ts / HOUR_MS) * HOUR_MS;
      const rollupKey = `${hour}\u0000${key?.id ?? ''}\u0000${model}\u0000${upstream}`;
      let r = rollups.get(rollupKey);
      if (!r) rollups.set(rollupKey, (r = [hour, key?.id ?? '', key?.group ?? '', model, upstream, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
      const add = (at: number, n: number) => void (r[at] = (r[at] as number) + n);
      add(5, 1);
      add(6, failed ? 1 : 0);
      add(7, input);
      add(8, output);
      add(9, cacheRead);
      add(11, reasoning);
      add(12, latency);
      add(13, stream ? Math.floor(latency / 5) : 0);
      if (cost === null) add(15, 1);
      else add(14, cost);
    }
    for (const r of rollups.values()) upsert.run(...r);
  })();
  await db.destroy();
  return { rows: options.rows, rollups: rollups.size, ms: Date.now() - started };
}
