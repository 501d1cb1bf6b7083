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

runAsChild(async () => {
  const { configSchema } = (await import(`${from}/config/schema.js`)) as typeof Schema;
  const { startNodeGateway } = (await import(`${from}/platform/node/gateway.js`)) as typeof Gateway;
  const storage = { url: storageUrl ?? `sqlite:${join(dir, 'bench.db')}` };
  const config = configSchema.parse({
    server: { port: 0 },
    storage,
    ...(countersJson ? { counters: JSON.parse(countersJson) as unknown } : {}),
    secret: 'bench-secret-0000000000000000',
    upstreams: [
      { id: 'fake', kind: 'openai', baseUrl: `${fake}/v1`, credentials: [{ key: 'sk-bench' }] },
      { id: 'anthropic', kind: 'anthropic', baseUrl: fake, credentials: [{ key: 'sk-ant-bench' }] },
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
  const gateway = await startNodeGateway(config, { log: () => {} });
  return {
    url: gateway.url,
    close: () => gateway.close(),
    // After close (the recorder has flushed): how many requests were recorded, by outcome.
    report: async () => ({ requestLog: await recordedRows(storage.url) }),
  };
});

const COUNT_ROWS = 'select outcome, stream, count(*) as n from request_log group by outcome, stream';

async function recordedRows(url: string): Promise<unknown[]> {
  if (url.startsWith('sqlite:')) {
    const sqlite = new Database(url.slice('sqlite:'.length), { readonly: true });
    const rows = sqlite.prepare(COUNT_ROWS).all();
    sqlite.close();
    return rows;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(COUNT_ROWS)).rows.map((r: { outcome: string; stream: unknown; n: string }) => ({ ...r, n: Number(r.n) }));
  } finally {
    await client.end();
  }
}
