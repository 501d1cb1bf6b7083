-- Generated from src/store/migrations.ts (0019_alerts_and_log_export) by `npm run d1:migrations`; do not edit.
create table if not exists "alert_rules" ("id" text primary key, "spec" text not null, "updated_at" bigint not null);
create table if not exists "alert_webhooks" ("id" text primary key, "spec_enc" text not null, "updated_at" bigint not null);
create table if not exists "alert_firings" ("id" text primary key, "rule_id" text not null, "scope" text not null, "kind" text not null, "value" double precision not null, "threshold" double precision not null, "message" text not null, "started_at" bigint not null, "resolved_at" bigint, "open_key" text unique);
create index if not exists "alert_firings_started" on "alert_firings" ("started_at");
create table if not exists "alert_deliveries" ("id" text primary key, "firing_id" text, "webhook_id" text not null, "event" text not null, "ok" integer not null, "status" integer, "tries" integer not null, "error" text, "at" bigint not null);
create index if not exists "alert_deliveries_at" on "alert_deliveries" ("at");
create table if not exists "log_export_destinations" ("id" text primary key, "spec_enc" text not null, "updated_at" bigint not null);
