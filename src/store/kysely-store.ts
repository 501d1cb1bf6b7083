import { type Kysely, sql } from 'kysely';
import type { Database, RequestBodiesTable, RequestLogTable, UsageRollupTable } from './schema.js';
import type { Store } from './store.js';
import type { CredentialHealthRecord, KeyRecord, LogRecord, RequestBodiesRecord, UpstreamRecord, UsageRow } from './types.js';
import { migrateToLatest } from './migrations.js';
import { kyselyCacheStore } from './kysely-cache-store.js';
import { kyselyResponseStore } from './kysely-response-store.js';
import { queryLogStats } from './log-stats.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const REVISION = 'revision';
/** Rounds a summed cost to 1e-10 USD, dropping floating-point dust from the sum. */
const roundUsd = (usd: number) => Math.round(usd * 1e10) / 1e10;

/**
 * The Store written once in Kysely. It runs on any dialect whose SQL covers
 * `ON CONFLICT … DO UPDATE` (SQLite, PostgreSQL, D1); the platform picks the
 * dialect and hands in the Kysely instance.
 */
export async function createKyselyStore(db: Kysely<Database>): Promise<Store> {
  await migrateToLatest(db);

  const bump = async (trx: Kysely<Database>) => {
    await trx
      .insertInto('settings')
      .values({ key: REVISION, value: '1' })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(settings.value as integer) + 1 as text)` }),
      )
      .execute();
  };

  return {
    upstreams: {
      async list() {
        const [rows, creds] = await Promise.all([
          db.selectFrom('upstreams').selectAll().orderBy('id').execute(),
          db
            .selectFrom('credentials')
            .selectAll()
            .orderBy(sql`position is null`)
            .orderBy('position')
            .orderBy('created_at')
            .orderBy('id')
            .execute(),
        ]);
        return rows.map((row): UpstreamRecord => {
          const options = { speaks: ['chat'], ...JSON.parse(row.options) } as Pick<UpstreamRecord, 'strategy' | 'speaks' | 'models' | 'headers' | 'timeouts' | 'settings'>;
          return {
            id: row.id,
            kind: row.kind as UpstreamRecord['kind'],
            baseUrl: row.base_url,
            ...options,
            enabled: row.enabled === 1,
            credentials: creds
              .filter((c) => c.upstream_id === row.id)
              .map((c) => ({
                id: c.id,
                upstreamId: c.upstream_id,
                secretEnc: c.secret_enc,
                hint: c.hint,
                label: c.label,
                weight: c.weight,
                enabled: c.enabled === 1,
              })),
          };
        });
      },
      async put(u) {
        const now = Date.now();
        // Per-kind settings ride in the same JSON column: no migration per new setting.
        const options = JSON.stringify({ strategy: u.strategy, speaks: u.speaks, models: u.models, headers: u.headers, timeouts: u.timeouts, settings: u.settings });
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('upstreams')
            .values({ id: u.id, kind: u.kind, base_url: u.baseUrl, options, enabled: u.enabled ? 1 : 0, created_at: now, updated_at: now })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({ kind: u.kind, base_url: u.baseUrl, options, enabled: u.enabled ? 1 : 0, updated_at: now }),
            )
            .execute();
          await bump(trx);
        });
      },
      async delete(id) {
        return db.transaction().execute(async (trx) => {
          await trx.deleteFrom('credentials').where('upstream_id', '=', id).execute();
          const res = await trx.deleteFrom('upstreams').where('id', '=', id).executeTakeFirst();
          await bump(trx);
          return Number(res.numDeletedRows) > 0;
        });
      },
      async putCredential(c) {
        const row = {
          upstream_id: c.upstreamId,
          secret_enc: c.secretEnc,
          hint: c.hint,
          label: c.label,
          weight: c.weight,
          enabled: c.enabled ? 1 : 0,
        };
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('credentials')
            .values({ id: c.id, ...row, created_at: Date.now() })
            .onConflict((oc) => oc.column('id').doUpdateSet(row))
            .execute();
          await bump(trx);
        });
      },
      async deleteCredential(upstreamId, credentialId) {
        return db.transaction().execute(async (trx) => {
          const res = await trx
            .deleteFrom('credentials')
            .where('upstream_id', '=', upstreamId)
            .where('id', '=', credentialId)
            .executeTakeFirst();
          await bump(trx);
          return Number(res.numDeletedRows) > 0;
        });
      },
      async orderCredentials(upstreamId, ids) {
        await db.transaction().execute(async (trx) => {
          for (const [position, id] of ids.entries())
            await trx.updateTable('credentials').set({ position }).where('upstream_id', '=', upstreamId).where('id', '=', id).execute();
          await bump(trx);
        });
      },
      // No revision bump: a running gateway keeps the credentials it decrypted until it restarts with the new secret.
      async resealCredentials(updates) {
        await db.transaction().execute(async (trx) => {
          for (const u of updates) {
            const res = await trx.updateTable('credentials').set({ secret_enc: u.secretEnc }).where('id', '=', u.id).executeTakeFirst();
            if (Number(res.numUpdatedRows) !== 1) throw new Error(`credential ${u.id} vanished while it was being re-sealed`);
          }
        });
      },
    },

    health: {
      async list() {
        const rows = await db.selectFrom('credential_health').selectAll().execute();
        return rows.map((r) => ({
          credentialId: r.credential_id,
          state: r.state as CredentialHealthRecord['state'],
          reason: r.reason,
          since: Number(r.since),
          until: r.until === null ? null : Number(r.until),
          setBy: r.set_by as CredentialHealthRecord['setBy'],
        }));
      },
      // Not a catalog change: no revision bump, so health news does not rebuild every snapshot.
      async put(h) {
        const row = { state: h.state, reason: h.reason, since: h.since, until: h.until, set_by: h.setBy };
        await db
          .insertInto('credential_health')
          .values({ credential_id: h.credentialId, ...row })
          .onConflict((oc) => oc.column('credential_id').doUpdateSet(row))
          .execute();
      },
    },

    models: {
      async list() {
        const [models, routes] = await Promise.all([
          db.selectFrom('models').select('id').orderBy('id').execute(),
          db.selectFrom('routes').selectAll().orderBy('model_id').orderBy('position').execute(),
        ]);
        return models.map((m) => ({
          id: m.id,
          routes: routes
            .filter((r) => r.model_id === m.id)
            .map((r) => ({ upstream: r.upstream_id, model: r.upstream_model, ...(r.weight === null ? {} : { weight: r.weight }) })),
        }));
      },
      async put(model) {
        const now = Date.now();
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('models')
            .values({ id: model.id, created_at: now, updated_at: now })
            .onConflict((oc) => oc.column('id').doUpdateSet({ updated_at: now }))
            .execute();
          await trx.deleteFrom('routes').where('model_id', '=', model.id).execute();
          if (model.routes.length > 0) {
            await trx
              .insertInto('routes')
              .values(
                model.routes.map((r, position) => ({
                  model_id: model.id,
                  position,
                  upstream_id: r.upstream,
                  upstream_model: r.model,
                  weight: r.weight ?? null,
                })),
              )
              .execute();
          }
          await bump(trx);
        });
      },
      async delete(id) {
        return db.transaction().execute(async (trx) => {
          await trx.deleteFrom('routes').where('model_id', '=', id).execute();
          const res = await trx.deleteFrom('models').where('id', '=', id).executeTakeFirst();
          await bump(trx);
          return Number(res.numDeletedRows) > 0;
        });
      },
    },

    keys: {
      async list() {
        const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('name').execute();
        return rows.map(
          (r): KeyRecord => ({
            id: r.id,
            name: r.name,
            hash: r.key_hash,
            prefix: r.key_prefix,
            group: r.group_name,
            models: r.models === null ? null : (JSON.parse(r.models) as string[]),
            limits: r.limits === null ? null : JSON.parse(r.limits),
            budget: r.budget === null ? null : JSON.parse(r.budget),
            cache: r.cache === null ? null : JSON.parse(r.cache),
            ipAllowlist: r.ip_allowlist === null ? null : (JSON.parse(r.ip_allowlist) as string[]),
            responses: r.responses === null ? null : JSON.parse(r.responses),
            source: r.source,
            createdAt: Number(r.created_at),
            revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
          }),
        );
      },
      async put(k) {
        const row = {
          name: k.name,
          key_hash: k.hash,
          key_prefix: k.prefix,
          group_name: k.group,
          models: k.models === null ? null : JSON.stringify(k.models),
          limits: k.limits === null ? null : JSON.stringify(k.limits),
          budget: k.budget === null ? null : JSON.stringify(k.budget),
          cache: k.cache === null || k.cache === undefined ? null : JSON.stringify(k.cache),
          ip_allowlist: k.ipAllowlist && k.ipAllowlist.length > 0 ? JSON.stringify(k.ipAllowlist) : null,
          responses: k.responses === null || k.responses === undefined ? null : JSON.stringify(k.responses),
          source: k.source,
          revoked_at: k.revokedAt,
        };
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('api_keys')
            .values({ id: k.id, ...row, created_at: k.createdAt })
            .onConflict((oc) => oc.column('id').doUpdateSet(row))
            .execute();
          await bump(trx);
        });
      },
      async revoke(id, at) {
        return db.transaction().execute(async (trx) => {
          const res = await trx
            .updateTable('api_keys')
            .set({ revoked_at: at })
            .where('id', '=', id)
            .where('revoked_at', 'is', null)
            .executeTakeFirst();
          await bump(trx);
          return Number(res.numUpdatedRows) > 0;
        });
      },
    },

    logs: {
      async write(rows, bodies = []) {
        if (rows.length === 0 && bodies.length === 0) return;
        const rollups = rollUp(rows);
        await db.transaction().execute(async (trx) => {
          for (const b of bodies) await trx.insertInto('request_bodies').values(toBodiesRow(b)).onConflict((oc) => oc.doNothing()).execute();
          // SQLite caps bound parameters per statement; 24 columns × 40 rows stays well under it.
          for (let i = 0; i < rows.length; i += 40) {
            await trx.insertInto('request_log').values(rows.slice(i, i + 40).map(toLogRow)).execute();
          }
          for (const r of rollups) {
            await trx
              .insertInto('usage_rollup')
              .values(r)
              .onConflict((oc) =>
                oc.columns(['hour', 'key_id', 'group_name', 'model', 'upstream_id']).doUpdateSet((eb) => ({
                  requests: eb('usage_rollup.requests', '+', eb.ref('excluded.requests')),
                  errors: eb('usage_rollup.errors', '+', eb.ref('excluded.errors')),
                  input_tokens: eb('usage_rollup.input_tokens', '+', eb.ref('excluded.input_tokens')),
                  output_tokens: eb('usage_rollup.output_tokens', '+', eb.ref('excluded.output_tokens')),
                  cache_read_tokens: eb('usage_rollup.cache_read_tokens', '+', eb.ref('excluded.cache_read_tokens')),
                  cache_write_tokens: eb('usage_rollup.cache_write_tokens', '+', eb.ref('excluded.cache_write_tokens')),
                  reasoning_tokens: eb('usage_rollup.reasoning_tokens', '+', eb.ref('excluded.reasoning_tokens')),
                  latency_ms_sum: eb('usage_rollup.latency_ms_sum', '+', eb.ref('excluded.latency_ms_sum')),
                  ttfb_ms_sum: eb('usage_rollup.ttfb_ms_sum', '+', eb.ref('excluded.ttfb_ms_sum')),
                  cost_usd: eb('usage_rollup.cost_usd', '+', eb.ref('excluded.cost_usd')),
                  unpriced_requests: eb('usage_rollup.unpriced_requests', '+', eb.ref('excluded.unpriced_requests')),
                })),
              )
              .execute();
          }
        });
      },
      async query(q) {
        let query = db.selectFrom('request_log').selectAll();
        if (q.keyId !== undefined) query = query.where('key_id', '=', q.keyId);
        if (q.model !== undefined) query = query.where('model', '=', q.model);
        if (q.status !== undefined) query = query.where('status', '=', q.status);
        if (q.outcome !== undefined) query = query.where('outcome', '=', q.outcome);
        if (q.from !== undefined) query = query.where('ts', '>=', q.from);
        if (q.to !== undefined) query = query.where('ts', '<', q.to);
        if (q.group !== undefined) query = query.where('group_name', '=', q.group);
        if (q.upstreamId !== undefined) query = query.where('upstream_id', '=', q.upstreamId);
        if (q.cacheStatus === 'none') query = query.where('cache_status', 'is', null);
        else if (q.cacheStatus !== undefined) query = query.where('cache_status', '=', q.cacheStatus);
        if (q.search !== undefined) {
          // LIKE with the user's % and _ taken literally.
          const pattern = `%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
          const like = (column: string) => sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
          query = query.where((eb) => eb.or(['id', 'model', 'upstream_model', 'error'].map(like)));
        }
        const rows = await query.orderBy('ts', 'desc').orderBy('id', 'desc').limit(q.limit + 1).offset(q.offset).execute();
        return { data: rows.slice(0, q.limit).map(fromLogRow), hasMore: rows.length > q.limit };
      },
      stats: (q) => queryLogStats(db, q),
      async get(id) {
        const row = await db.selectFrom('request_log').selectAll().where('id', '=', id).executeTakeFirst();
        return row && fromLogRow(row);
      },
      async bodies(requestId) {
        const row = await db.selectFrom('request_bodies').selectAll().where('request_id', '=', requestId).executeTakeFirst();
        if (!row) return undefined;
        return {
          requestId: row.request_id,
          mode: row.mode as RequestBodiesRecord['mode'],
          requestBody: row.request_body,
          responseBody: row.response_body,
          requestTruncated: row.request_truncated === 1,
          responseTruncated: row.response_truncated === 1,
        };
      },
    },

    usage: {
      async query(q) {
        const column = ({ key: 'key_id', group: 'group_name', model: 'model', upstream: 'upstream_id' } as const)[q.by];
        const size = q.interval === 'day' ? DAY_MS : HOUR_MS;
        // A literal: better-sqlite3 binds JS numbers as REAL, which would make this a float division (no bucketing at all).
        const bucket = sql<number>`(hour / ${sql.lit(size)}) * ${sql.lit(size)}`;
        let query = db
          .selectFrom('usage_rollup')
          .select((eb) => [
            eb.ref(column).as('value'),
            eb.fn.sum<number>('requests').as('requests'),
            eb.fn.sum<number>('errors').as('errors'),
            eb.fn.sum<number>('input_tokens').as('input_tokens'),
            eb.fn.sum<number>('output_tokens').as('output_tokens'),
            eb.fn.sum<number>('cache_read_tokens').as('cache_read_tokens'),
            eb.fn.sum<number>('cache_write_tokens').as('cache_write_tokens'),
            eb.fn.sum<number>('reasoning_tokens').as('reasoning_tokens'),
            eb.fn.sum<number>('latency_ms_sum').as('latency_ms_sum'),
            eb.fn.sum<number>('ttfb_ms_sum').as('ttfb_ms_sum'),
            eb.fn.sum<number>('cost_usd').as('cost_usd'),
            eb.fn.sum<number>('unpriced_requests').as('unpriced_requests'),
          ])
          // Rollups are hourly: a range starting mid-hour includes that whole hour.
          .where('hour', '>=', Math.floor(q.from / HOUR_MS) * HOUR_MS)
          .where('hour', '<', q.to)
          .groupBy(column);
        if (q.interval) query = query.select(bucket.as('bucket')).groupBy(bucket).orderBy('bucket');
        const rows = await query.orderBy('requests', 'desc').execute();
        return rows.map((r): UsageRow => {
          const requests = Number(r.requests);
          const unpriced = Number(r.unpriced_requests);
          const row: UsageRow = {
            value: String(r.value),
            requests,
            errors: Number(r.errors),
            inputTokens: Number(r.input_tokens),
            outputTokens: Number(r.output_tokens),
            cacheReadTokens: Number(r.cache_read_tokens),
            cacheWriteTokens: Number(r.cache_write_tokens),
            reasoningTokens: Number(r.reasoning_tokens),
            latencyMsAvg: requests ? Math.round(Number(r.latency_ms_sum) / requests) : 0,
            ttfbMsAvg: requests ? Math.round(Number(r.ttfb_ms_sum) / requests) : 0,
            costUsd: unpriced >= requests ? null : roundUsd(Number(r.cost_usd)),
            unpricedRequests: unpriced,
          };
          if (q.interval) row.bucket = Number((r as { bucket?: number }).bucket);
          return row;
        });
      },
    },

    cache: kyselyCacheStore(db),
    responses: kyselyResponseStore(db),

    settings: {
      async get(key) {
        const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
        return row?.value;
      },
      async set(key, value) {
        await db
          .insertInto('settings')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
          .execute();
      },
      async revision() {
        const row = await db.selectFrom('settings').select('value').where('key', '=', REVISION).executeTakeFirst();
        return row ? Number(row.value) : 0;
      },
    },

    close: () => db.destroy(),
  };
}

function toBodiesRow(b: RequestBodiesRecord): RequestBodiesTable {
  return {
    request_id: b.requestId,
    mode: b.mode,
    request_body: b.requestBody,
    response_body: b.responseBody,
    request_truncated: b.requestTruncated ? 1 : 0,
    response_truncated: b.responseTruncated ? 1 : 0,
  };
}

function toLogRow(r: LogRecord): RequestLogTable {
  return {
    id: r.id,
    ts: r.ts,
    key_id: r.keyId,
    group_name: r.group,
    protocol: r.protocol,
    endpoint: r.endpoint,
    model: r.model,
    upstream_model: r.upstreamModel,
    upstream_id: r.upstreamId,
    credential_id: r.credentialId,
    stream: r.stream ? 1 : 0,
    status: r.status,
    outcome: r.outcome,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_tokens: r.cacheWriteTokens,
    reasoning_tokens: r.reasoningTokens,
    cost_usd: r.costUsd,
    latency_ms: r.latencyMs,
    ttfb_ms: r.ttfbMs,
    cache_status: r.cacheStatus,
    error: r.error,
    metadata: r.metadata === null || r.metadata === undefined ? null : JSON.stringify(r.metadata),
    translation: r.translation,
    warnings: r.warnings && r.warnings.length > 0 ? JSON.stringify(r.warnings) : null,
    usage_estimated: r.usageEstimated ? 1 : 0,
    saved_tokens: r.savedTokens ?? 0,
    attempts: r.attempts && r.attempts.length > 0 ? JSON.stringify(r.attempts) : null,
  };
}

function fromLogRow(r: RequestLogTable): LogRecord {
  return {
    id: r.id,
    ts: Number(r.ts),
    keyId: r.key_id,
    group: r.group_name,
    protocol: r.protocol,
    endpoint: r.endpoint,
    model: r.model,
    upstreamModel: r.upstream_model,
    upstreamId: r.upstream_id,
    credentialId: r.credential_id,
    stream: r.stream === 1,
    status: r.status,
    outcome: r.outcome as LogRecord['outcome'],
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    reasoningTokens: r.reasoning_tokens,
    costUsd: r.cost_usd,
    latencyMs: r.latency_ms,
    ttfbMs: r.ttfb_ms,
    cacheStatus: r.cache_status,
    error: r.error,
    metadata: r.metadata === null ? null : JSON.parse(r.metadata),
    translation: r.translation,
    warnings: r.warnings === null ? null : (JSON.parse(r.warnings) as string[]),
    usageEstimated: r.usage_estimated === 1,
    savedTokens: r.saved_tokens,
    attempts: r.attempts === null ? null : (JSON.parse(r.attempts) as LogRecord['attempts']),
  };
}

/** Sums a batch of log rows into hourly rollup rows, so one upsert serves many requests. */
function rollUp(rows: LogRecord[]): UsageRollupTable[] {
  const sums = new Map<string, UsageRollupTable>();
  for (const r of rows) {
    const hour = Math.floor(r.ts / HOUR_MS) * HOUR_MS;
    const keyId = r.keyId ?? '';
    const group = r.group ?? '';
    const model = r.model ?? '';
    const upstream = r.upstreamId ?? '';
    const id = `${hour}\u0000${keyId}\u0000${group}\u0000${model}\u0000${upstream}`;
    let sum = sums.get(id);
    if (!sum) {
      sum = {
        hour,
        key_id: keyId,
        group_name: group,
        model,
        upstream_id: upstream,
        requests: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
        latency_ms_sum: 0,
        ttfb_ms_sum: 0,
        cost_usd: 0,
        unpriced_requests: 0,
      };
      sums.set(id, sum);
    }
    sum.requests += 1;
    if (r.outcome !== 'ok') sum.errors += 1;
    sum.input_tokens += r.inputTokens;
    sum.output_tokens += r.outputTokens;
    sum.cache_read_tokens += r.cacheReadTokens;
    sum.cache_write_tokens += r.cacheWriteTokens;
    sum.reasoning_tokens += r.reasoningTokens;
    sum.latency_ms_sum += r.latencyMs;
    sum.ttfb_ms_sum += r.ttfbMs ?? 0;
    if (r.costUsd === null) sum.unpriced_requests += 1;
    else sum.cost_usd += r.costUsd;
  }
  return [...sums.values()];
}
