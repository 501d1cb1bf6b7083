-- Generated from src/store/migrations.ts (0003_cost) by `npm run d1:migrations`; do not edit.
alter table "usage_rollup" add column "cost_usd" double precision default 0 not null;
alter table "usage_rollup" add column "unpriced_requests" integer default 0 not null;
update "usage_rollup" set "unpriced_requests" = "requests";
