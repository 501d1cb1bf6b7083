import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D1_MIGRATIONS_DIR, sqlStatements } from '../helpers/d1.js';
import { bundleWorker } from '../../scripts/bundle-worker.js';
import { eventually } from '../helpers/gateway.js';

/**
 * The Worker's own entry (src/platform/workers/worker.ts), bundled as
 * wrangler bundles it and run in workerd through Miniflare with the
 * bindings wrangler.jsonc names: what `wrangler dev` cannot show locally
 * (its assets router swallows scheduled events), the cron triggers running
 * the maintenance jobs, and a config the Worker cannot use.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'sk-sb-worker-entry-000000000000000000000000';
const ADMIN = 'sb-admin-worker-entry-0000000000000000000';
const CONFIG = `
adminKey: ${ADMIN}
upstreams:
  - { id: demo, kind: mock, models: [mock-gpt] }
models:
  - { id: gpt-4o-mini, routes: [ { upstream: demo, model: mock-gpt } ] }
keys:
  - { name: entry, group: g, key: "\${ENTRY_KEY}" }
cache: { enabled: true, ttlSeconds: 1 }
logs: { retentionDays: 1 }
`;

const wranglerConfig = readFileSync(join(ROOT, 'wrangler.jsonc'), 'utf8');
const compatibilityDate = /"compatibility_date":\s*"([^"]+)"/.exec(wranglerConfig)![1]!;

let bundled: string;
const started: Miniflare[] = [];

async function startWorker(bindings: Record<string, string>): Promise<Miniflare> {
  const mf = new Miniflare({
    modules: true,
    script: bundled,
    compatibilityDate,
    compatibilityFlags: ['nodejs_als', 'enable_request_signal'],
    d1Databases: { DB: 'entry-db' },
    durableObjects: { COUNTERS: { className: 'CounterBucket', useSQLite: true } },
    bindings,
  });
  started.push(mf);
  const db = await mf.getD1Database('DB');
  for (const file of readdirSync(D1_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort())
    await db.batch(sqlStatements(readFileSync(join(D1_MIGRATIONS_DIR, file), 'utf8')).map((s) => db.prepare(s)));
  return mf;
}

beforeAll(async () => {
  bundled = await bundleWorker();
}, 60_000);

afterAll(async () => {
  for (const mf of started) await mf.dispose();
});

const chat = (mf: Miniflare) =>
  mf.dispatchFetch('http://gateway/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });

async function count(mf: Miniflare, table: string): Promise<number> {
  const row = await (await mf.getD1Database('DB')).prepare(`select count(*) as n from ${table}`).first<{ n: number }>();
  return Number(row!.n);
}

describe('the Worker entry in workerd', () => {
  it('serves a request with the config from SWITCHBOARD_CONFIG (its ${NAME}s from the env), and writes its usage row', async () => {
    const mf = await startWorker({ SWITCHBOARD_CONFIG: CONFIG, ENTRY_KEY: KEY });
    const res = await chat(mf);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toContain('Mock reply');
    await eventually(async () => expect(await count(mf, 'request_log')).toBe(1), 5000);
  });

  it('runs the maintenance jobs from the cron triggers: the cache sweep every minute, log retention every hour', async () => {
    const mf = await startWorker({ SWITCHBOARD_CONFIG: CONFIG, ENTRY_KEY: KEY });
    expect((await chat(mf)).headers.get('x-switchboard-cache')).toBe('MISS');
    await eventually(async () => expect(await count(mf, 'response_cache')).toBe(1), 5000);
    // The request's row, moved three days back: past the one day the config keeps.
    const db = await mf.getD1Database('DB');
    await eventually(async () => expect(await count(mf, 'request_log')).toBe(1), 5000);
    await db.prepare('update request_log set ts = ?').bind(Date.now() - 3 * 86_400_000).run();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the entry's TTL of 1 s runs out

    // Miniflare's worker proxy has the runtime's Fetcher members; its types (workers-types) are not this project's.
    const worker = (await mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<unknown> };
    await worker.scheduled({ cron: '* * * * *' });
    expect(await count(mf, 'response_cache')).toBe(0);
    // Retention is an hourly job: the minute trigger left the old row alone.
    expect(await count(mf, 'request_log')).toBe(1);
    await worker.scheduled({ cron: '0 * * * *' });
    expect(await count(mf, 'request_log')).toBe(0);
  });

  it('answers every request with the problems of a config it cannot use, in the client protocol error shape', async () => {
    const noAdminKey = await chat(await startWorker({ SWITCHBOARD_CONFIG: CONFIG.replace(`adminKey: ${ADMIN}`, ''), ENTRY_KEY: KEY }));
    expect(noAdminKey.status).toBe(500);
    expect(((await noAdminKey.json()) as { error: { message: string } }).error.message).toContain('adminKey: not set');
    const unsetVariable = await chat(await startWorker({ SWITCHBOARD_CONFIG: CONFIG }));
    expect(unsetVariable.status).toBe(500);
    expect(((await unsetVariable.json()) as { error: { message: string } }).error.message).toContain('ENTRY_KEY');
  });
});
