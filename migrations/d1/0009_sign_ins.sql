-- Generated from src/store/migrations.ts (0009_sign_ins) by `npm run d1:migrations`; do not edit.
create table if not exists "sign_ins" ("id" text primary key, "upstream_id" text not null, "data_enc" text not null, "expires_at" bigint not null);
