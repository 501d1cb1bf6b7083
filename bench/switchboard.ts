import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type * as Schema from '../src/config/schema.js';
import type * as Gateway from '../src/platform/node/gateway.js';
import { runAsChild } from './child.js';

/**
 * Switchboard as the bench runs it: an OpenAI-kind and an Anthropic-kind
 * upstream (both the fake), a model on each, one client key with a rate limit
 * and a concurrency cap (so every request goes through the counters), usage
 * recording on (the default). On a
 * fresh SQLite file in a temp folder with in-memory counters, or, given a
 * storage URL and counters as JSON, on PostgreSQL and Redis as a replica
 * would run. Usage: forked by bench/run.ts with the fake's origin, a data
 * folder and the client key [, a postgres:// URL and the counters' JSON].
 */
const [fake, dir, key, storageUrl, countersJson] = process.argv.slice(2);
if (!fake || !dir || !key) throw new Error('usage: switchboard.ts <fake upstream origin> <data dir> <client key> [<storage url> <counters json>]');

/**
 * The compiled gateway (dist/, as `switchboard start` runs it), built by `npm run build` before the
 * bench; BENCH_SOURCE=1 runs src/ through tsx instead, to compare.
 */
const from = process.env.BENCH_SOURCE === '1' ? '../src' : '../dist';
/** Credentials per upstream (BENCH_CREDENTIALS, default 1): the fault soak gives each several, so a try that fails has another to go to. */
const credentialCount = Math.max(1, Number(process.env.BENCH_CREDENTIALS ?? 1));
const credentials = (prefix: string) => Array.from({ length: credentialCount }, (_, i) => ({ key: i === 0 ? prefix : `${prefix}-${i + 1}` }));

runAsChild(async () => {
  const { configSchema } = (await import(`${from}/config/schema.js`)) as typeof Schema;
  const { startNodeGateway } = (await import(`${from}/platform/node/gateway.js`)) as typeof Gateway;
  const storage = { url: storageUrl ?? `sqlite:${join(dir, 'bench.db')}` };
  const config = configSchema.parse({
    // The bench is one client address holding thousands of streams (the slow-streams workload): no per-address cap.
    server: { port: 0, maxConnectionsPerAddress: 0 },
    storage,
    ...(countersJson ? { counters: JSON.parse(countersJson) as unknown } : {}),
    secret: 'bench-secret-0000000000000000',
    upstreams: [
      { id: 'fake', kind: 'openai', baseUrl: `${fake}/v1`, credentials: credentials('sk-bench') },
      { id: 'anthropic', kind: 'anthropic', baseUrl: fake, credentials: credentials('sk-ant-bench') },
    ],
    models: [
      { id: 'bench-model', routes: [{ upstream: 'fake', model: 'fake-model' }] },
      // An Anthropic client's body passes through to this one; on bench-model it is translated to OpenAI Chat.
      { id: 'bench-claude', routes: [{ upstream: 'anthropic', model: 'fake-claude' }] },
    ],
    keys: [{ name: 'bench', key, limits: { rpm: 100_000_000, concurrent: 100_000 } }],
    // Metrics are on by default; BENCH_METRICS=0 measures the gateway without them.
    metrics: { enabled: process.env.BENCH_METRICS !== '0' },
  });
  // BENCH_LOG=1: the gateway's process log on stderr (credential cooldowns, recorder warnings).
  const gateway = await startNodeGateway(config, { log: process.env.BENCH_LOG === '1' ? (m: string) => console.error(m) : () => {} });
  return {
    url: gateway.url,
    close: () => gateway.close(),
    // After close (the recorder has flushed): how many requests were recorded, by outcome.
    report: async () => ({ requestLog: await recordedRows(storage.url), outcomeTokens: await recordedTokens(storage.url) }),
  };
});

const COUNT_ROWS = 'select outcome, stream, count(*) as n from request_log group by outcome, stream';
/** Tokens the gateway recorded, by outcome and by whether the upstream reported them or the gateway estimated them. */
const SUM_TOKENS =
  'select outcome, usage_estimated as estimated, count(*) as n, sum(input_tokens) as input, sum(output_tokens) as output from request_log group by outcome, usage_estimated';

async function recordedRows(url: string): Promise<unknown[]> {
  return (await query(url, COUNT_ROWS)).map((r) => ({ ...r, n: Number(r.n) }));
}

async function recordedTokens(url: string): Promise<unknown[]> {
  return (await query(url, SUM_TOKENS)).map((r) => ({ outcome: r.outcome, estimated: Number(r.estimated) === 1, rows: Number(r.n), input: Number(r.input), output: Number(r.output) }));
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (url.startsWith('sqlite:')) {
    const sqlite = new Database(url.slice('sqlite:'.length), { readonly: true });
    const rows = sqlite.prepare(sql).all() as Record<string, unknown>[];
    sqlite.close();
    return rows;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
