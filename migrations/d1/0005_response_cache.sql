-- Generated from src/store/migrations.ts (0005_response_cache) by `npm run d1:migrations`; do not edit.
create table if not exists "response_cache" ("key_hash" text primary key, "scope" text not null, "key_id" text, "custom_key" text, "model" text not null, "protocol" text not null, "stream" integer not null, "status" integer not null, "content_type" text not null, "body" text not null, "usage" text not null, "bytes" integer not null, "created_at" bigint not null, "expires_at" bigint not null, "last_used_at" bigint not null, "hits" integer default 0 not null);
create index if not exists "response_cache_expires" on "response_cache" ("expires_at");
create index if not exists "response_cache_last_used" on "response_cache" ("last_used_at");
alter table "api_keys" add column "cache" text;
alter table "request_log" add column "saved_tokens" integer default 0 not null;
