import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { type LogRecord } from '../../src/store/types.js';
import { tempDir } from '../helpers/gateway.js';
import { ZERO_USAGE } from '../../src/translate/ir.js';

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
  attempts: null,
});

describe('0003_cost', () => {
  it('counts rollups summed before costs existed as unpriced, not free', async () => {
    const path = join(tempDir(), 'old.db');
    const url = `sqlite:${path}`;
    // A database as 0002 left it, with hourly rollups summed then (no cost columns yet).
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path) }) });
    await migrate(old, { target: '0002_translation' });
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const rollup = (model: string, requests: number) => ({
      hour,
      key_id: 'k',
      group_name: 'g',
      model,
      upstream_id: 'u',
      requests,
      errors: 0,
      input_tokens: 10 * requests,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      latency_ms_sum: requests,
      ttfb_ms_sum: 0,
    });
    await old.insertInto('usage_rollup').values([rollup('m', 2), rollup('n', 1)]).execute();
    await old.destroy();

    // Opening it runs 0003 and later on the existing rows.
    const store = await openSqliteStore(url);
    const day = { by: 'model' as const, from: Date.now() - 3_600_000, to: Date.now() + 1000 };
    expect((await store.usage.query(day)).map((r) => [r.value, r.requests, r.costUsd, r.unpricedRequests])).toEqual([
      ['m', 2, null, 2],
      ['n', 1, null, 1],
    ]);
    // Rows written after the migration are priced as usual.
    await store.logs.write([row('a', 'm', 0.5), row('b', 'm', 0.25)]);
    expect((await store.usage.query(day)).map((r) => [r.value, r.requests, r.costUsd, r.unpricedRequests])).toEqual([
      ['m', 4, 0.75, 2],
      ['n', 1, null, 1],
    ]);
    await store.close();
  });
});
