-- Generated from src/store/migrations.ts (0012_setup_tokens) by `npm run d1:migrations`; do not edit.
create table if not exists "setup_tokens" ("id" text primary key, "data_enc" text not null, "expires_at" bigint not null);
