import type { Store } from '../store/store.js';

/**
 * The retention of stored Responses: deletes the answers past their key's
 * retention (reads already ignore them). The stored-responses job
 * (app/jobs.ts) runs it hourly. Returns how many were deleted.
 */
export async function pruneStoredResponses(store: Store, now: number, log: (message: string) => void): Promise<number> {
  const pruned = await store.responses.prune(now);
  if (pruned > 0) log(`stored responses: ${pruned} past their retention deleted`);
  return pruned;
}
