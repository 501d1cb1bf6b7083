import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import type { AlertDeliveryRecord, AlertDimensionColumn, AlertFiringRecord, AlertFiguresQuery, SealedRecord } from './types.js';
import type { AlertRule } from '../config/alerts-schema.js';

/** Alert rules, webhooks, firings and deliveries (Store['alerts']), written once in Kysely for SQLite, PostgreSQL and D1. */
export function kyselyAlertStore(db: Kysely<Database>, reader: Kysely<Database>): Store['alerts'] {
  return {
    rules: {
      async list() {
        const rows = await db.selectFrom('alert_rules').selectAll().orderBy('id').execute();
        return rows.map((r) => JSON.parse(r.spec) as AlertRule);
      },
      async put(rule, at) {
        const spec = JSON.stringify(rule);
        await db
          .insertInto('alert_rules')
          .values({ id: rule.id, spec, updated_at: at })
          .onConflict((oc) => oc.column('id').doUpdateSet({ spec, updated_at: at }))
          .execute();
      },
      delete: async (id) => Number((await db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0,
    },
    webhooks: sealedTable(db, 'alert_webhooks'),

    async open(f) {
      // The unique `open_key` decides: a second replica's insert of the same rule and scope does nothing.
      const res = await db
        .insertInto('alert_firings')
        .values({
          id: f.id,
          rule_id: f.ruleId,
          scope: f.scope,
          kind: f.kind,
          value: f.value,
          threshold: f.threshold,
          message: f.message,
          started_at: f.startedAt,
          resolved_at: null,
          open_key: openKey(f.ruleId, f.scope),
        })
        .onConflict((oc) => oc.column('open_key').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async resolve(id, at) {
      const res = await db.updateTable('alert_firings').set({ resolved_at: at, open_key: null }).where('id', '=', id).where('open_key', 'is not', null).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    async openFirings() {
      const rows = await db.selectFrom('alert_firings').selectAll().where('open_key', 'is not', null).orderBy('started_at', 'desc').execute();
      return rows.map(toFiring);
    },

    async recentFirings(limit) {
      const rows = await db.selectFrom('alert_firings').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toFiring);
    },

    async recordDelivery(d, keepSince) {
      await db
        .insertInto('alert_deliveries')
        .values({ id: d.id, firing_id: d.firingId, webhook_id: d.webhookId, event: d.event, ok: d.ok ? 1 : 0, status: d.status, tries: d.tries, error: d.error, at: d.at })
        .execute();
      // History is kept for a while, not forever; both deletes use their time index and find nothing most of the time.
      await db.deleteFrom('alert_deliveries').where('at', '<', keepSince).execute();
      await db.deleteFrom('alert_firings').where('started_at', '<', keepSince).where('open_key', 'is', null).execute();
    },

    async recentDeliveries(limit) {
      const rows = await db.selectFrom('alert_deliveries').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(
        (r): AlertDeliveryRecord => ({
          id: r.id,
          firingId: r.firing_id,
          webhookId: r.webhook_id,
          event: r.event as AlertDeliveryRecord['event'],
          ok: Number(r.ok) === 1,
          status: r.status === null ? null : Number(r.status),
          tries: Number(r.tries),
          error: r.error,
          at: Number(r.at),
        }),
      );
    },

    figures: (q) => alertFigures(reader, q),
  };
}

/** Store['logExports']: sealed destinations. */
export function kyselyLogExportStore(db: Kysely<Database>): Store['logExports'] {
  return sealedTable(db, 'log_export_destinations');
}

function sealedTable(db: Kysely<Database>, table: 'alert_webhooks' | 'log_export_destinations') {
  return {
    async list(): Promise<SealedRecord[]> {
      const rows = await db.selectFrom(table).selectAll().orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, sealed: r.spec_enc, updatedAt: Number(r.updated_at) }));
    },
    async put(record: SealedRecord): Promise<void> {
      await db
        .insertInto(table)
        .values({ id: record.id, spec_enc: record.sealed, updated_at: record.updatedAt })
        .onConflict((oc) => oc.column('id').doUpdateSet({ spec_enc: record.sealed, updated_at: record.updatedAt }))
        .execute();
    },
    delete: async (id: string) => Number((await db.deleteFrom(table).where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0,
  };
}

function openKey(ruleId: string, scope: string): string {
  return `${ruleId}\n${scope}`;
}

function toFiring(r: Database['alert_firings']): AlertFiringRecord {
  return {
    id: r.id,
    ruleId: r.rule_id,
    scope: r.scope,
    kind: r.kind,
    value: Number(r.value),
    threshold: Number(r.threshold),
    message: r.message,
    startedAt: Number(r.started_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  };
}

const COLUMNS: Record<AlertDimensionColumn, string> = { model: 'model', upstream: 'upstream_id', key: 'key_id', group: 'group_name' };

/**
 * Requests, errors, gateway refusals and the nearest-rank p95 latency over a
 * window, per value of a dimension or for the whole window. The p95 ranks the
 * window's rows (a window function SQLite 3.25+, PostgreSQL and D1 all run):
 * the first latency whose rank reaches 95 % of its partition's rows.
 */
async function alertFigures(db: Kysely<Database>, q: AlertFiguresQuery) {
  const dim = q.by ? sql.ref(COLUMNS[q.by]) : sql`''`;
  const where = [sql`ts >= ${q.from}`, sql`ts < ${q.to}`];
  if (q.model !== undefined) where.push(sql`model = ${q.model}`);
  if (q.upstreamId !== undefined) where.push(sql`upstream_id = ${q.upstreamId}`);
  if (q.keyId !== undefined) where.push(sql`key_id = ${q.keyId}`);
  if (q.group !== undefined) where.push(sql`(group_name = ${q.group} or group_name like ${`${escapeLike(q.group)}/%`} escape '\\')`);
  const filter = sql.join(where, sql` and `);
  const sums = await sql<{ value: string | null; requests: number | string; errors: number | string | null; refusals: number | string | null }>`
    select ${dim} as value, count(*) as requests,
      sum(case when outcome <> 'ok' then 1 else 0 end) as errors,
      sum(case when status = 429 and upstream_id is null then 1 else 0 end) as refusals
    from request_log where ${filter} ${q.by ? sql`group by ${dim}` : sql``}`.execute(db);
  const p95 = new Map<string, number>();
  if (q.latency) {
    const ranked = await sql<{ value: string | null; p95: number | string | null }>`
      select value, min(case when pos * 100 >= n * 95 then latency_ms end) as p95 from (
        select ${dim} as value, latency_ms,
          row_number() over (partition by ${dim} order by latency_ms) as pos,
          count(*) over (partition by ${dim}) as n
        from request_log where ${filter}
      ) as ranked group by value`.execute(db);
    // (PostgreSQL refuses a constant in GROUP BY: the whole-window sums above are grouped only when split.)
    for (const r of ranked.rows) if (r.p95 !== null) p95.set(r.value ?? '', Number(r.p95));
  }
  return sums.rows.map((r) => ({
    value: r.value ?? '',
    requests: Number(r.requests),
    errors: Number(r.errors ?? 0),
    refusals: Number(r.refusals ?? 0),
    latencyP95: p95.get(r.value ?? '') ?? null,
  }));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
