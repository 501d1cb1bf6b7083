-- Generated from src/store/migrations.ts (0015_audit_log) by `npm run d1:migrations`; do not edit.
create table if not exists "audit_log" ("id" text primary key, "at" bigint not null, "actor_kind" text not null, "actor_id" text, "actor_name" text, "action" text not null, "target" text, "summary" text, "address" text, "status" integer not null, "outcome" text not null);
create index if not exists "audit_log_at" on "audit_log" ("at", "id");
