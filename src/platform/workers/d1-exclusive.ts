import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { type Exclusive, inProcessExclusive } from '../../store/exclusive.js';

/** How long a lease lasts unless renewed: a holder that dies frees the name after this. */
const LEASE_MS = 30_000;
/** Renewed this often while the work runs. */
const RENEW_MS = 10_000;
/** How often a waiting caller tries again. */
const POLL_MS = 100;

/**
 * Exclusive sections on D1. Many isolates (and many Workers locations) run
 * at once and share nothing but the database, and D1 has no locks, so the
 * name is held as a lease: a row in `settings` (`lease:<name>`) whose value
 * is its expiry (zero-padded epoch ms, so text order is time order) and its
 * holder. Taking it is one conditional upsert (insert, or replace a lease
 * that has expired), renewed while the work runs and deleted after. Callers
 * in the same isolate queue in memory first, so only one of them polls.
 */
export function d1Exclusive(db: Kysely<Database>, now: () => number = Date.now): Exclusive {
  const local = inProcessExclusive();
  return (name, work) => local(name, () => underLease(db, now, `lease:${name}`, work));
}

async function underLease<T>(db: Kysely<Database>, now: () => number, key: string, work: () => Promise<T>): Promise<T> {
  const holder = crypto.randomUUID();
  const valueUntil = (t: number) => `${String(t).padStart(16, '0')} ${holder}`;
  let value = valueUntil(now() + LEASE_MS);
  for (;;) {
    const taken = await db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ value })
          .where('settings.value', '<', String(now()).padStart(16, '0')),
      )
      .returning('key')
      .executeTakeFirst();
    if (taken) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    value = valueUntil(now() + LEASE_MS);
  }

  let renewing: Promise<unknown> = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = renewing.then(async () => {
      const renewed = valueUntil(now() + LEASE_MS);
      const res = await db.updateTable('settings').set({ value: renewed }).where('key', '=', key).where('value', '=', value).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) value = renewed;
    }).catch(() => undefined);
  }, RENEW_MS);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await renewing;
    // A release that fails leaves the lease to expire: the work itself went through.
    await db.deleteFrom('settings').where('key', '=', key).where('value', '=', value).execute().catch(() => undefined);
  }
}
