import { type Kysely, sql } from 'kysely';
import type { ApiKeysTable, Database } from './schema.js';
import type { Store } from './store.js';
import type { AliasRecord, CredentialHealthRecord, KeyRecord, RouterRecord, UpstreamRecord } from './types.js';
import type { ModelKind } from '../config/schema.js';
import { type Batch, transactionBatch } from './batch.js';
import { type Exclusive, inProcessExclusive } from './exclusive.js';
import { chunks, DEFAULT_MAX_PARAMS, rowChunks } from './chunks.js';
import { kyselyCacheStore } from './kysely-cache-store.js';
import { kyselyLogStore } from './kysely-log-store.js';
import { kyselyResponseStore } from './kysely-response-store.js';
import { kyselySignInStore } from './kysely-sign-in-store.js';
import { kyselyAlertStore, kyselyLogExportStore } from './kysely-alert-store.js';
import { kyselySetupTokenStore } from './kysely-setup-token-store.js';
import { kyselyAuditStore } from './kysely-audit-store.js';
import { kyselyUsageStore } from './kysely-usage-store.js';
import { kyselyUserStore } from './kysely-user-store.js';
import { kyselyPromptStore } from './kysely-prompt-store.js';

const REVISION = 'revision';

export interface KyselyStoreOptions {
  /** How a set of writes lands together; default: one transaction. */
  batch?: Batch;
  /** How work is kept from running twice at once; default: queued within this process. */
  exclusive?: Exclusive;
  /** Bound parameters one statement may carry (D1: 100); many-row writes and long `in` lists are cut to fit. */
  maxParams?: number;
  /**
   * Run after a retention prune deleted something: gives the freed space
   * back to the file system where the database lets the platform (SQLite:
   * incremental vacuum). Absent: the database reuses the space for new rows.
   */
  reclaimSpace?: () => Promise<void>;
  /**
   * Awaited between the slices of a long delete. A database inside the
   * process (SQLite on Node) answers without a real wait, so without a pause
   * a prune would keep every request waiting until it ends.
   */
  pauseBetweenSlices?: () => Promise<void>;
  /**
   * Where the long reads of the admin API go (the log list and export, the
   * overview's figures, usage reports), when the platform has a better
   * place for them than `db`: SQLite on Node reads in a worker thread, so
   * they never hold the event loop. Closed with the store. Default: `db`.
   */
  reader?: Kysely<Database>;
}

/**
 * The Store written once in Kysely. It runs on any dialect whose SQL covers
 * `ON CONFLICT … DO UPDATE` and `RETURNING` (SQLite, PostgreSQL, D1); the
 * platform picks the dialect, runs the migrations (migrations.ts) and hands
 * in the Kysely instance.
 */
export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions = {}): Store {
  const batch = options.batch ?? transactionBatch(db);
  const maxParams = options.maxParams ?? DEFAULT_MAX_PARAMS;
  const retention = { reclaimSpace: options.reclaimSpace, pauseBetweenSlices: options.pauseBetweenSlices };
  const reader = options.reader ?? db;

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
        await batch(async (trx) => {
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
        return batch(async (trx) => {
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
        const createdAt = Date.now();
        await batch(async (trx) => {
          await trx
            .insertInto('credentials')
            .values({ id: c.id, ...row, created_at: createdAt })
            .onConflict((oc) => oc.column('id').doUpdateSet(row))
            .execute();
          await bump(trx);
        });
      },
      async deleteCredential(upstreamId, credentialId) {
        return batch(async (trx) => {
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
        await batch(async (trx) => {
          for (const [position, id] of ids.entries())
            await trx.updateTable('credentials').set({ position }).where('upstream_id', '=', upstreamId).where('id', '=', id).execute();
          await bump(trx);
        });
      },
      // No revision bump: a running gateway keeps the credentials it decrypted until it restarts with the new secret.
      // Checked before the batch, whose writes then depend on nothing they return (D1 sends them all at once):
      // a missing credential changes nothing. One deleted between the check and the batch is simply gone,
      // so nothing is left sealed under the old secret either way.
      async resealCredentials(updates) {
        const present = new Set<string>();
        for (const ids of chunks(updates.map((u) => u.id), maxParams)) {
          for (const row of await db.selectFrom('credentials').select('id').where('id', 'in', ids).execute()) present.add(row.id);
        }
        const missing = updates.find((u) => !present.has(u.id));
        if (missing) throw new Error(`credential ${missing.id} vanished while it was being re-sealed`);
        await batch(async (trx) => {
          for (const u of updates) await trx.updateTable('credentials').set({ secret_enc: u.secretEnc }).where('id', '=', u.id).execute();
        });
      },
      // Like resealCredentials, no revision bump: the URL is the same, only its stored form changes. Each row is
      // written only if its options are still the ones read (a compare-and-set), so a concurrent write is never undone.
      async resealProxies(updates) {
        const wanted = new Map(updates.map((u) => [u.id, u]));
        const writes: { id: string; before: string; after: string }[] = [];
        for (const ids of chunks([...wanted.keys()], maxParams)) {
          for (const row of await db.selectFrom('upstreams').select(['id', 'options']).where('id', 'in', ids).execute()) {
            const options = JSON.parse(row.options) as { settings?: { proxy?: string } };
            const update = wanted.get(row.id);
            if (!update || options.settings?.proxy !== update.from) continue;
            writes.push({ id: row.id, before: row.options, after: JSON.stringify({ ...options, settings: { ...options.settings, proxy: update.to } }) });
          }
        }
        if (writes.length === 0) return;
        await batch(async (trx) => {
          for (const w of writes) await trx.updateTable('upstreams').set({ options: w.after }).where('id', '=', w.id).where('options', '=', w.before).execute();
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
          db.selectFrom('models').select(['id', 'kind']).orderBy('id').execute(),
          db.selectFrom('routes').selectAll().orderBy('model_id').orderBy('position').execute(),
        ]);
        return models.map((m) => ({
          id: m.id,
          routes: routes
            .filter((r) => r.model_id === m.id)
            .map((r) => ({ upstream: r.upstream_id, model: r.upstream_model, ...(r.weight === null ? {} : { weight: r.weight }) })),
          ...(m.kind === null ? {} : { kind: m.kind as ModelKind }),
        }));
      },
      async put(model) {
        const now = Date.now();
        await batch(async (trx) => {
          await trx
            .insertInto('models')
            .values({ id: model.id, kind: model.kind ?? null, created_at: now, updated_at: now })
            .onConflict((oc) => oc.column('id').doUpdateSet({ kind: model.kind ?? null, updated_at: now }))
            .execute();
          await trx.deleteFrom('routes').where('model_id', '=', model.id).execute();
          const routes = model.routes.map((r, position) => ({
            model_id: model.id,
            position,
            upstream_id: r.upstream,
            upstream_model: r.model,
            weight: r.weight ?? null,
          }));
          for (const rows of rowChunks(routes, maxParams)) await trx.insertInto('routes').values(rows).execute();
          await bump(trx);
        });
      },
      async delete(id) {
        return batch(async (trx) => {
          await trx.deleteFrom('routes').where('model_id', '=', id).execute();
          const res = await trx.deleteFrom('models').where('id', '=', id).executeTakeFirst();
          await bump(trx);
          return Number(res.numDeletedRows) > 0;
        });
      },
    },

    aliases: {
      async list() {
        const rows = await db.selectFrom('aliases').select(['id', 'spec']).orderBy('id').execute();
        return rows.map((r) => ({ id: r.id, ...(JSON.parse(r.spec) as Omit<AliasRecord, 'id'>) }));
      },
      async put(alias) {
        const now = Date.now();
        const spec = JSON.stringify({ select: alias.select, targets: alias.targets, listed: alias.listed });
        await batch(async (trx) => {
          await trx
            .insertInto('aliases')
            .values({ id: alias.id, spec, created_at: now, updated_at: now })
            .onConflict((oc) => oc.column('id').doUpdateSet({ spec, updated_at: now }))
            .execute();
          await bump(trx);
        });
      },
      async delete(id) {
        return batch(async (trx) => {
          const res = await trx.deleteFrom('aliases').where('id', '=', id).executeTakeFirst();
          await bump(trx);
          return Number(res.numDeletedRows) > 0;
        });
      },
    },

    routers: {
      async list() {
        const rows = await db.selectFrom('routers').select(['id', 'spec']).orderBy('id').execute();
        return rows.map((r) => ({ id: r.id, ...(JSON.parse(r.spec) as Omit<RouterRecord, 'id'>) }));
      },
      async put(router) {
        const now = Date.now();
        const { id, ...rest } = router;
        const spec = JSON.stringify(rest);
        await batch(async (trx) => {
          await trx
            .insertInto('routers')
            .values({ id, spec, created_at: now, updated_at: now })
            .onConflict((oc) => oc.column('id').doUpdateSet({ spec, updated_at: now }))
            .execute();
          await bump(trx);
        });
      },
      async delete(id) {
        return batch(async (trx) => {
          const res = await trx.deleteFrom('routers').where('id', '=', id).executeTakeFirst();
          await bump(trx);
          return Number(res.numDeletedRows) > 0;
        });
      },
    },

    prompts: kyselyPromptStore(db, batch, bump),

    keys: {
      async list() {
        const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('name').execute();
        return rows.map(fromKeyRow);
      },
      async byHash(hash) {
        const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
        return row && fromKeyRow(row);
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
          prompts: k.prompts === null || k.prompts === undefined ? null : JSON.stringify(k.prompts),
          source: k.source,
          owner_id: k.ownerId ?? null,
          revoked_at: k.revokedAt,
        };
        await batch(async (trx) => {
          await trx
            .insertInto('api_keys')
            .values({ id: k.id, ...row, created_at: k.createdAt })
            .onConflict((oc) => oc.column('id').doUpdateSet(row))
            .execute();
          await bump(trx);
        });
      },
      async revoke(id, at) {
        return batch(async (trx) => {
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

    logs: kyselyLogStore(db, batch, maxParams, retention, reader),
    usage: kyselyUsageStore(reader),

    cache: kyselyCacheStore(db),
    responses: kyselyResponseStore(db, retention),
    signIns: kyselySignInStore(db),
    setupTokens: kyselySetupTokenStore(db),
    audit: kyselyAuditStore(db, batch, maxParams),
    ...kyselyUserStore(db),
    alerts: kyselyAlertStore(db, reader),
    logExports: kyselyLogExportStore(db),

    settings: {
      async get(key) {
        const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
        return row?.value;
      },
      async set(key, value) {
        await batch(async (trx) => {
          await trx
            .insertInto('settings')
            .values({ key, value })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
            .execute();
          await bump(trx);
        });
      },
      async revision() {
        const row = await db.selectFrom('settings').select('value').where('key', '=', REVISION).executeTakeFirst();
        return row ? Number(row.value) : 0;
      },
    },

    exclusive: options.exclusive ?? inProcessExclusive(),
    close: async () => {
      if (reader !== db) await reader.destroy();
      await db.destroy();
    },
  };
}

function fromKeyRow(r: ApiKeysTable): KeyRecord {
  return {
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
    prompts: r.prompts === null || r.prompts === undefined ? null : (JSON.parse(r.prompts) as string[]),
    source: r.source,
    ownerId: r.owner_id ?? null,
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}
