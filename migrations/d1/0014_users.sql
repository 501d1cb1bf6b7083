-- Generated from src/store/migrations.ts (0014_users) by `npm run d1:migrations`; do not edit.
create table if not exists "users" ("id" text primary key, "name" text not null unique, "role" text not null, "password_hash" text not null, "disabled" integer not null, "caps" text not null, "created_at" bigint not null, "updated_at" bigint not null);
create table if not exists "sessions" ("id" text primary key, "user_id" text not null, "created_at" bigint not null, "expires_at" bigint not null);
create index if not exists "sessions_user" on "sessions" ("user_id");
create table if not exists "key_requests" ("id" text primary key, "user_id" text not null, "spec" text not null, "reason" text not null, "state" text not null, "note" text, "decided_by" text, "decided_at" bigint, "key_id" text, "claimed_at" bigint, "created_at" bigint not null);
alter table "api_keys" add column "owner_id" text;
create index if not exists "api_keys_owner" on "api_keys" ("owner_id");
