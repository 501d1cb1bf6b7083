-- Generated from src/store/migrations.ts (0007_credential_order) by `npm run d1:migrations`; do not edit.
alter table "credentials" add column "position" integer;
