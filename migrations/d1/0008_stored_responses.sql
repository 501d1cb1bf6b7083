-- Generated from src/store/migrations.ts (0008_stored_responses) by `npm run d1:migrations`; do not edit.
create table if not exists "stored_responses" ("key_id" text not null, "id" text not null, "model" text not null, "created_at" bigint not null, "expires_at" bigint not null, "data_enc" text not null, constraint "stored_responses_pk" primary key ("key_id", "id"));
create index if not exists "stored_responses_expires" on "stored_responses" ("expires_at");
alter table "api_keys" add column "responses" text;
