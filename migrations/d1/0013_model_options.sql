-- Generated from src/store/migrations.ts (0013_model_options) by `npm run d1:migrations`; do not edit.
alter table "models" add column "kind" text;
create table if not exists "aliases" ("id" text primary key, "spec" text not null, "created_at" bigint not null, "updated_at" bigint not null);
alter table "request_log" add column "alias" text;
