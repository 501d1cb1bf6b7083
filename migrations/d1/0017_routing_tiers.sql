-- Generated from src/store/migrations.ts (0017_routing_tiers) by `npm run d1:migrations`; do not edit.
create table if not exists "routers" ("id" text primary key, "spec" text not null, "created_at" bigint not null, "updated_at" bigint not null);
alter table "request_log" add column "router" text;
alter table "request_log" add column "tier" text;
alter table "request_log" add column "tier_reason" text;
alter table "request_log" add column "reference_cost_usd" double precision;
create index if not exists "request_log_router_ts" on "request_log" ("router", "ts");
