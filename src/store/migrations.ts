import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/**
 * Migrations, applied by the platform when it starts (Node: when it opens the
 * store; Workers: on deploy, from migrations/d1/, which scripts/d1-migrations.ts
 * generates from this list), never by the store itself. Written with Kysely's
 * schema builder only, so the same steps run on SQLite, PostgreSQL and D1.
 * Never edit a migration that has shipped; add the next one.
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('upstreams')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('base_url', 'text')
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('credentials')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('upstream_id', 'text', (c) => c.notNull().references('upstreams.id').onDelete('cascade'))
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('hint', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('models')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('routes')
        .ifNotExists()
        .addColumn('model_id', 'text', (c) => c.notNull().references('models.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('upstream_id', 'text', (c) => c.notNull())
        .addColumn('upstream_model', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('routes_pk', ['model_id', 'position'])
        .execute();
      await db.schema
        .createTable('api_keys')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('group_name', 'text', (c) => c.notNull())
        .addColumn('models', 'text')
        .addColumn('limits', 'text')
        .addColumn('budget', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('request_log')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('group_name', 'text')
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('upstream_model', 'text')
        .addColumn('upstream_id', 'text')
        .addColumn('credential_id', 'text')
        .addColumn('stream', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('input_tokens', 'integer', (c) => c.notNull())
        .addColumn('output_tokens', 'integer', (c) => c.notNull())
        .addColumn('cache_read_tokens', 'integer', (c) => c.notNull())
        .addColumn('cache_write_tokens', 'integer', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'integer', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision')
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('ttfb_ms', 'integer')
        .addColumn('cache_status', 'text')
        .addColumn('error', 'text')
        .addColumn('metadata', 'text')
        .execute();
      await db.schema.createIndex('request_log_ts').ifNotExists().on('request_log').column('ts').execute();
      await db.schema
        .createIndex('request_log_key_ts')
        .ifNotExists()
        .on('request_log')
        .columns(['key_id', 'ts'])
        .execute();
      await db.schema
        .createTable('usage_rollup')
        .ifNotExists()
        .addColumn('hour', 'bigint', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('group_name', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('upstream_id', 'text', (c) => c.notNull())
        .addColumn('requests', 'integer', (c) => c.notNull())
        .addColumn('errors', 'integer', (c) => c.notNull())
        .addColumn('input_tokens', 'bigint', (c) => c.notNull())
        .addColumn('output_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_read_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_write_tokens', 'bigint', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull())
        .addColumn('latency_ms_sum', 'bigint', (c) => c.notNull())
        .addColumn('ttfb_ms_sum', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_rollup_pk', ['hour', 'key_id', 'group_name', 'model', 'upstream_id'])
        .execute();
      await db.schema
        .createTable('settings')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_translation': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('request_log').addColumn('translation', 'text').execute();
      await db.schema.alterTable('request_log').addColumn('warnings', 'text').execute();
      await db.schema
        .alterTable('request_log')
        .addColumn('usage_estimated', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0003_cost': {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('usage_rollup')
        .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('usage_rollup')
        .addColumn('unpriced_requests', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Rows summed before costs were computed: their cost is unknown, not zero.
      await db.updateTable('usage_rollup').set((eb) => ({ unpriced_requests: eb.ref('requests') })).execute();
    },
  },
  '0004_pools': {
    async up(db: Kysely<any>) {
      // Each try of a request (route, credential, why it failed), JSON; null when the first try served it.
      await db.schema.alterTable('request_log').addColumn('attempts', 'text').execute();
      await db.schema.alterTable('routes').addColumn('weight', 'integer').execute();
      // Apart from `credentials`, so applying the config file never resets what health checks learned.
      await db.schema
        .createTable('credential_health')
        .ifNotExists()
        .addColumn('credential_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('until', 'bigint')
        .addColumn('set_by', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0005_response_cache': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('response_cache')
        .ifNotExists()
        .addColumn('key_hash', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('custom_key', 'text')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('stream', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('usage', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The sweep deletes by expiry, then evicts by last use.
      await db.schema.createIndex('response_cache_expires').ifNotExists().on('response_cache').column('expires_at').execute();
      await db.schema.createIndex('response_cache_last_used').ifNotExists().on('response_cache').column('last_used_at').execute();
      await db.schema.alterTable('api_keys').addColumn('cache', 'text').execute();
      await db.schema
        .alterTable('request_log')
        .addColumn('saved_tokens', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0006_request_bodies': {
    async up(db: Kysely<any>) {
      // Logged bodies (logging.bodies), redacted; apart from request_log so its rows stay small.
      await db.schema
        .createTable('request_bodies')
        .ifNotExists()
        .addColumn('request_id', 'text', (c) => c.primaryKey())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('request_body', 'text')
        .addColumn('response_body', 'text')
        .addColumn('request_truncated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('response_truncated', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The same security work: a key's own IP allowlist (JSON array of CIDRs), null for none.
      await db.schema.alterTable('api_keys').addColumn('ip_allowlist', 'text').execute();
    },
  },
  '0007_credential_order': {
    async up(db: Kysely<any>) {
      // A pool's order (round-robin sequence, retry order); null sorts after, by creation.
      await db.schema.alterTable('credentials').addColumn('position', 'integer').execute();
    },
  },
  '0008_stored_responses': {
    async up(db: Kysely<any>) {
      // Stateful Responses: the answers of keys that opted in, sealed; a key's ids are its own.
      await db.schema
        .createTable('stored_responses')
        .ifNotExists()
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('data_enc', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stored_responses_pk', ['key_id', 'id'])
        .execute();
      // The retention job deletes by expiry.
      await db.schema.createIndex('stored_responses_expires').ifNotExists().on('stored_responses').column('expires_at').execute();
      await db.schema.alterTable('api_keys').addColumn('responses', 'text').execute();
    },
  },
  '0009_sign_ins': {
    async up(db: Kysely<any>) {
      // Sign-ins started through one replica and finished through another.
      await db.schema
        .createTable('sign_ins')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('upstream_id', 'text', (c) => c.notNull())
        .addColumn('data_enc', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0010_request_bodies_bytes': {
    async up(db: Kysely<any>) {
      // The size of each logged body, so retention can keep them within a byte budget (logs.bodiesMaxBytes)
      // without reading them. Rows logged before count their text's length in characters: near enough.
      await db.schema
        .alterTable('request_bodies')
        .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db
        .updateTable('request_bodies')
        .set({ bytes: sql`coalesce(length(request_body), 0) + coalesce(length(response_body), 0)` })
        .execute();
    },
  },
  '0011_units': {
    async up(db: Kysely<any>) {
      // Endpoints billed by the unit (images, audio, speech, rerank: usage/units.ts): the row's units as JSON,
      // and their sums in the hourly rollups beside the tokens.
      await db.schema.alterTable('request_log').addColumn('units', 'text').execute();
      await db.schema.alterTable('usage_rollup').addColumn('images', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('usage_rollup').addColumn('audio_seconds', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('usage_rollup').addColumn('characters', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('usage_rollup').addColumn('searches', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0012_setup_tokens': {
    async up(db: Kysely<any>) {
      // One-line agent setup links: a sealed client key, served once (policy/setup-tokens.ts).
      await db.schema
        .createTable('setup_tokens')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('data_enc', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0013_model_options': {
    async up(db: Kysely<any>) {
      // What a model does (the model lists filter by it); null: read from its id.
      await db.schema.alterTable('models').addColumn('kind', 'text').execute();
      // Public names that resolve to several models; the targets and their overrides are one JSON document.
      await db.schema
        .createTable('aliases')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The alias a request asked for; `model` is then the target that served.
      await db.schema.alterTable('request_log').addColumn('alias', 'text').execute();
    },
  },
  '0014_users': {
    async up(db: Kysely<any>) {
      // People who sign in (admin/users.ts); names are unique, the password is a slow salted hash.
      await db.schema
        .createTable('users')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull())
        .addColumn('caps', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // Sessions by the token's hash, shared by every replica; revoked by deleting the row.
      await db.schema
        .createTable('sessions')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').ifNotExists().on('sessions').column('user_id').execute();
      await db.schema
        .createTable('key_requests')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'bigint')
        .addColumn('key_id', 'text')
        .addColumn('claimed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // A member's own keys; null: the admins'.
      await db.schema.alterTable('api_keys').addColumn('owner_id', 'text').execute();
      await db.schema.createIndex('api_keys_owner').ifNotExists().on('api_keys').column('owner_id').execute();
    },
  },
  '0015_audit_log': {
    async up(db: Kysely<any>) {
      // Who changed what through the admin API, and who signed in (admin/audit-trail.ts); shared by every replica.
      await db.schema
        .createTable('audit_log')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('summary', 'text')
        .addColumn('address', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .execute();
      // Pages are read newest first, and retention deletes oldest first.
      await db.schema.createIndex('audit_log_at').ifNotExists().on('audit_log').columns(['at', 'id']).execute();
    },
  },
  '0016_web_searches': {
    async up(db: Kysely<any>) {
      // Web searches the gateway runs for hosted tools (gateway/hosted-tools/), summed per hour, key, model and upstream beside the other units.
      await db.schema.alterTable('usage_rollup').addColumn('web_searches', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0017_routing_tiers': {
    async up(db: Kysely<any>) {
      // Routers (`auto`): tiers, rules and classifier are one JSON document, read whole into the snapshot.
      await db.schema
        .createTable('routers')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The router asked for, the tier it chose and why, and what the request would have cost on its reference tier.
      await db.schema.alterTable('request_log').addColumn('router', 'text').execute();
      await db.schema.alterTable('request_log').addColumn('tier', 'text').execute();
      await db.schema.alterTable('request_log').addColumn('tier_reason', 'text').execute();
      await db.schema.alterTable('request_log').addColumn('reference_cost_usd', 'double precision').execute();
      // The usage split by tier reads a time range of one router's rows.
      await db.schema.createIndex('request_log_router_ts').ifNotExists().on('request_log').columns(['router', 'ts']).execute();
    },
  },
  '0018_prompts': {
    async up(db: Kysely<any>) {
      // Prompt templates published as endpoints (docs/prompts.md): one row per template, pointing at its published version.
      await db.schema
        .createTable('prompts')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('published_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // Every save is a new version, kept so any can be published again (a rollback).
      await db.schema
        .createTable('prompt_versions')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('prompt_versions_pk', ['name', 'version'])
        .execute();
      // Which template and version a request ran; null for every other request.
      await db.schema.alterTable('request_log').addColumn('prompt', 'text').execute();
      await db.schema.alterTable('request_log').addColumn('prompt_version', 'integer').execute();
      // Hourly sums per template version, beside usage_rollup (whose key has no room for it), written in the same batch.
      await db.schema
        .createTable('prompt_usage_rollup')
        .ifNotExists()
        .addColumn('hour', 'bigint', (c) => c.notNull())
        .addColumn('prompt', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('requests', 'integer', (c) => c.notNull())
        .addColumn('errors', 'integer', (c) => c.notNull())
        .addColumn('input_tokens', 'bigint', (c) => c.notNull())
        .addColumn('output_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_read_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_write_tokens', 'bigint', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull())
        .addColumn('latency_ms_sum', 'bigint', (c) => c.notNull())
        .addColumn('ttfb_ms_sum', 'bigint', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('unpriced_requests', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('prompt_usage_rollup_pk', ['hour', 'prompt', 'version'])
        .execute();
      // Templates a key may call (JSON array of names); null: those whose model the key may use.
      await db.schema.alterTable('api_keys').addColumn('prompts', 'text').execute();
    },
  },
  '0019_alerts_and_log_export': {
    async up(db: Kysely<any>) {
      // Alert rules and webhooks (config/alerts-schema.ts), the firings (one open per rule and scope: `open_key` is
      // unique while set, so of two replicas only one opens it) and what was sent for them.
      await db.schema
        .createTable('alert_rules')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alert_webhooks')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('spec_enc', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alert_firings')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addColumn('open_key', 'text', (c) => c.unique())
        .execute();
      await db.schema.createIndex('alert_firings_started').ifNotExists().on('alert_firings').column('started_at').execute();
      await db.schema
        .createTable('alert_deliveries')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('firing_id', 'text')
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('tries', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_deliveries_at').ifNotExists().on('alert_deliveries').column('at').execute();
      // Log export destinations (config/log-export-schema.ts), sealed: they hold tokens.
      await db.schema
        .createTable('log_export_destinations')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('spec_enc', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0020_request_log_logged_at': {
    async up(db: Kysely<any>) {
      // When the row was written (the writer's clock): the live view reads rows written since it last looked,
      // whichever replica wrote them; `ts` is when the request began, so a long stream's row lands far behind it.
      await db.schema.alterTable('request_log').addColumn('logged_at', 'bigint').execute();
      await db.schema.createIndex('request_log_logged_at').ifNotExists().on('request_log').column('logged_at').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrateOptions {
  /** Stop after this migration (tests of one migration start there); default: all. */
  target?: string;
  /**
   * The schema the migrations' own bookkeeping tables live in, on PostgreSQL:
   * the connection's current schema. Kysely looks for them in every schema
   * otherwise, and one left in another schema of the same database would
   * hide that this one has none.
   */
  schema?: string;
}

/**
 * Applies every pending migration; throws with the failing step's error.
 * Safe when several replicas start at once on PostgreSQL: Kysely's Migrator
 * holds an advisory lock around reading what was applied and applying the
 * rest (all in one transaction), so the second replica finds nothing to do.
 */
export async function migrate(db: Kysely<any>, options: MigrateOptions = {}): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: options.schema });
  const { error, results } = await (options.target === undefined ? migrator.migrateToLatest() : migrator.migrateTo(options.target));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
