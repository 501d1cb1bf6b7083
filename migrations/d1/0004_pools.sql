-- Generated from src/store/migrations.ts (0004_pools) by `npm run d1:migrations`; do not edit.
alter table "request_log" add column "attempts" text;
alter table "routes" add column "weight" integer;
create table if not exists "credential_health" ("credential_id" text primary key, "state" text not null, "reason" text, "since" bigint not null, "until" bigint, "set_by" text not null);
