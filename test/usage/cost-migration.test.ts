import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { ZERO_USAGE, type LogRecord } from '../../src/store/types.js';
import { tempDir } from '../helpers/gateway.js';

const row = (id: string, model: string, costUsd: number | null): LogRecord => ({
  id,
  ts: Date.now(),
  keyId: 'k',
  group: 'g',
  protocol: 'openai-chat',
  endpoint: 'chat',
  model,
  upstreamModel: model,
  upstreamId: 'u',
  credentialId: null,
  stream: false,
  status: 200,
  outcome: 'ok',
  ...ZERO_USAGE,
  inputTokens: 10,
  costUsd,
  latencyMs: 1,
  ttfbMs: null,
  cacheStatus: null,
  error: null,
  metadata: null,
  translation: null,
  warnings: null,
  usageEstimated: false,
});

describe('0003_cost', () => {
  it('counts rollups summed before costs existed as unpriced, not free', async () => {
    const path = join(tempDir(), 'old.db');
    const url = `sqlite:${path}`;
    let store = await openSqliteStore(url);
    await store.logs.write([row('a', 'm', 0.5), row('b', 'm', 0.25), row('c', 'n', null)]);
    const day = { by: 'model' as const, from: Date.now() - 3_600_000, to: Date.now() + 1000 };
    expect((await store.usage.query(day)).map((r) => [r.value, r.costUsd, r.unpricedRequests])).toEqual([
      ['m', 0.75, 0],
      ['n', null, 1],
    ]);
    await store.close();

    // Back to a database as 0002 left it, then open it again so 0003 runs on the existing rows.
    const db = new Database(path);
    db.exec(`alter table usage_rollup drop column cost_usd; alter table usage_rollup drop column unpriced_requests;
      delete from kysely_migration where name = '0003_cost';`);
    db.close();
    store = await openSqliteStore(url);
    expect((await store.usage.query(day)).map((r) => [r.value, r.requests, r.costUsd, r.unpricedRequests])).toEqual([
      ['m', 2, null, 2],
      ['n', 1, null, 1],
    ]);
    await store.close();
  });
});
