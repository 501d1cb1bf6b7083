import { join } from 'node:path';
import Database from 'better-sqlite3';
import { configSchema } from '../src/config/schema.js';
import { startNodeGateway } from '../src/platform/node/gateway.js';
import { runAsChild } from './child.js';

/**
 * Switchboard as the bench runs it: a fresh SQLite file in a temp folder, one
 * OpenAI-kind upstream (the fake), one model, one client key, usage recording
 * on (the default). Usage: forked by bench/run.ts with the fake's origin,
 * a data folder and the client key.
 */
const [fake, dir, key] = process.argv.slice(2);
if (!fake || !dir || !key) throw new Error('usage: switchboard.ts <fake upstream origin> <data dir> <client key>');

runAsChild(async () => {
  const db = join(dir, 'bench.db');
  const config = configSchema.parse({
    server: { port: 0 },
    storage: { url: `sqlite:${db}` },
    secret: 'bench-secret-0000000000000000',
    upstreams: [{ id: 'fake', kind: 'openai', baseUrl: `${fake}/v1`, credentials: [{ key: 'sk-bench' }] }],
    models: [{ id: 'bench-model', routes: [{ upstream: 'fake', model: 'fake-model' }] }],
    keys: [{ name: 'bench', key }],
  });
  const gateway = await startNodeGateway(config, { log: () => {} });
  return {
    url: gateway.url,
    close: () => gateway.close(),
    // After close (the recorder has flushed): how many requests were recorded, by outcome.
    report: async () => {
      const sqlite = new Database(db, { readonly: true });
      const rows = sqlite.prepare('select outcome, stream, count(*) as n from request_log group by outcome, stream').all();
      sqlite.close();
      return { requestLog: rows };
    },
  };
});
