-- Generated from src/store/migrations.ts (0016_web_searches) by `npm run d1:migrations`; do not edit.
alter table "usage_rollup" add column "web_searches" bigint default 0 not null;
