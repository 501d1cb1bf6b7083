-- Generated from src/store/migrations.ts (0010_request_bodies_bytes) by `npm run d1:migrations`; do not edit.
alter table "request_bodies" add column "bytes" integer default 0 not null;
update "request_bodies" set "bytes" = coalesce(length(request_body), 0) + coalesce(length(response_body), 0);
