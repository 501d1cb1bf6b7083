import type { Kysely } from 'kysely';
import type { Batch } from './batch.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import type { PromptRecord, PromptVersionRecord } from './types.js';

/** Tries of a save when another save of the same template took the version number first. */
const SAVE_TRIES = 5;

/**
 * Prompt templates (Store['prompts']): `prompts` holds each template's
 * published version (the pointer a rollback moves), `prompt_versions` every
 * version ever saved. Writes bump the revision: templates are served from
 * every replica's snapshot.
 */
export function kyselyPromptStore(db: Kysely<Database>, batch: Batch, bump: (trx: Kysely<Database>) => Promise<void>): Store['prompts'] {
  return {
    async list() {
      const rows = await db
        .selectFrom('prompts')
        .innerJoin('prompt_versions', (join) =>
          join.onRef('prompt_versions.name', '=', 'prompts.name').onRef('prompt_versions.version', '=', 'prompts.published_version'),
        )
        .select(['prompts.name', 'prompts.published_version', 'prompts.updated_at', 'prompt_versions.spec', 'prompt_versions.created_at'])
        .orderBy('prompts.name')
        .execute();
      const latest = await db.selectFrom('prompt_versions').select((eb) => ['name', eb.fn.max('version').as('latest')]).groupBy('name').execute();
      const latestByName = new Map(latest.map((r) => [r.name, Number(r.latest)]));
      return rows.map(
        (r): PromptRecord => ({
          name: r.name,
          version: Number(r.published_version),
          spec: JSON.parse(r.spec),
          createdAt: Number(r.created_at),
          updatedAt: Number(r.updated_at),
          latestVersion: latestByName.get(r.name) ?? Number(r.published_version),
        }),
      );
    },

    async versions(name) {
      const rows = await db.selectFrom('prompt_versions').selectAll().where('name', '=', name).orderBy('version', 'desc').execute();
      return rows.map((r) => ({ name: r.name, version: Number(r.version), spec: JSON.parse(r.spec), createdAt: Number(r.created_at) }));
    },

    async save(name, spec, at) {
      // The next number is read first, so the batch depends on nothing it returns (D1); two saves racing for
      // one number: the primary key refuses the second, which reads again.
      for (let tries = 1; ; tries++) {
        const top = await db.selectFrom('prompt_versions').select((eb) => eb.fn.max('version').as('top')).where('name', '=', name).executeTakeFirst();
        const version = Number(top?.top ?? 0) + 1;
        const record: PromptVersionRecord = { name, version, spec, createdAt: at };
        try {
          await batch(async (trx) => {
            await trx.insertInto('prompt_versions').values({ name, version, spec: JSON.stringify(spec), created_at: at }).execute();
            await trx
              .insertInto('prompts')
              .values({ name, published_version: version, created_at: at, updated_at: at })
              .onConflict((oc) => oc.column('name').doUpdateSet({ published_version: version, updated_at: at }))
              .execute();
            await bump(trx);
          });
          return record;
        } catch (err) {
          if (tries >= SAVE_TRIES || !/unique|duplicate key|prompt_versions_pk/i.test(String(err))) throw err;
        }
      }
    },

    async publish(name, version, at) {
      const exists = await db.selectFrom('prompt_versions').select('version').where('name', '=', name).where('version', '=', version).executeTakeFirst();
      if (!exists) return false;
      return batch(async (trx) => {
        const res = await trx.updateTable('prompts').set({ published_version: version, updated_at: at }).where('name', '=', name).executeTakeFirst();
        await bump(trx);
        return Number(res.numUpdatedRows) > 0;
      });
    },

    async delete(name) {
      return batch(async (trx) => {
        await trx.deleteFrom('prompt_versions').where('name', '=', name).execute();
        const res = await trx.deleteFrom('prompts').where('name', '=', name).executeTakeFirst();
        await bump(trx);
        return Number(res.numDeletedRows) > 0;
      });
    },
  };
}
