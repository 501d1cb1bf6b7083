-- Generated from src/store/migrations.ts (0002_translation) by `npm run d1:migrations`; do not edit.
alter table "request_log" add column "translation" text;
alter table "request_log" add column "warnings" text;
alter table "request_log" add column "usage_estimated" integer default 0 not null;
