-- Generated from src/store/migrations.ts (0018_prompts) by `npm run d1:migrations`; do not edit.
create table if not exists "prompts" ("name" text primary key, "published_version" integer not null, "created_at" bigint not null, "updated_at" bigint not null);
create table if not exists "prompt_versions" ("name" text not null, "version" integer not null, "spec" text not null, "created_at" bigint not null, constraint "prompt_versions_pk" primary key ("name", "version"));
alter table "request_log" add column "prompt" text;
alter table "request_log" add column "prompt_version" integer;
create table if not exists "prompt_usage_rollup" ("hour" bigint not null, "prompt" text not null, "version" integer not null, "requests" integer not null, "errors" integer not null, "input_tokens" bigint not null, "output_tokens" bigint not null, "cache_read_tokens" bigint not null, "cache_write_tokens" bigint not null, "reasoning_tokens" bigint not null, "latency_ms_sum" bigint not null, "ttfb_ms_sum" bigint not null, "cost_usd" double precision not null, "unpriced_requests" integer not null, constraint "prompt_usage_rollup_pk" primary key ("hour", "prompt", "version"));
alter table "api_keys" add column "prompts" text;
