-- Generated from src/store/migrations.ts (0011_units) by `npm run d1:migrations`; do not edit.
alter table "request_log" add column "units" text;
alter table "usage_rollup" add column "images" bigint default 0 not null;
alter table "usage_rollup" add column "audio_seconds" double precision default 0 not null;
alter table "usage_rollup" add column "characters" bigint default 0 not null;
alter table "usage_rollup" add column "searches" bigint default 0 not null;
