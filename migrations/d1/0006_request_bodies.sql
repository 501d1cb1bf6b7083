-- Generated from src/store/migrations.ts (0006_request_bodies) by `npm run d1:migrations`; do not edit.
create table if not exists "request_bodies" ("request_id" text primary key, "mode" text not null, "request_body" text, "response_body" text, "request_truncated" integer default 0 not null, "response_truncated" integer default 0 not null);
alter table "api_keys" add column "ip_allowlist" text;
