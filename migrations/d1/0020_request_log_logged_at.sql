-- Generated from src/store/migrations.ts (0020_request_log_logged_at) by `npm run d1:migrations`; do not edit.
alter table "request_log" add column "logged_at" bigint;
create index if not exists "request_log_logged_at" on "request_log" ("logged_at");
