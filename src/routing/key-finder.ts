import type { KeyRecord } from '../store/types.js';

export interface KeyFinderOptions {
  /** How long an answer, found or not, is remembered. */
  rememberMs?: number;
  /** How many answers are remembered at most (the oldest go first). */
  capacity?: number;
  /** How many lookups may wait on the database at once; past that an unknown key is refused unseen. */
  maxPending?: number;
}

/**
 * Looks up a key hash the snapshot does not hold, in the Store: a key created
 * through another replica (or the CLI) works at its first request here, not
 * after the next reload. Answers are remembered briefly and in bounded
 * memory, lookups of one hash share a query, and only a few run at once, so
 * a flood of bad keys costs the database at most one query per distinct key
 * per `rememberMs`, a few at a time.
 */
export function createKeyFinder(
  byHash: (hash: string) => Promise<KeyRecord | undefined>,
  now: () => number,
  { rememberMs = 5_000, capacity = 10_000, maxPending = 16 }: KeyFinderOptions = {},
): (hash: string) => Promise<KeyRecord | undefined> {
  const answers = new Map<string, { key: KeyRecord | undefined; until: number }>();
  const pending = new Map<string, Promise<KeyRecord | undefined>>();

  const remember = (hash: string, key: KeyRecord | undefined) => {
    answers.delete(hash);
    if (answers.size >= capacity) answers.delete(answers.keys().next().value!);
    answers.set(hash, { key, until: now() + rememberMs });
  };

  return (hash) => {
    const known = answers.get(hash);
    if (known && known.until > now()) return Promise.resolve(known.key);
    const waiting = pending.get(hash);
    if (waiting) return waiting;
    if (pending.size >= maxPending) return Promise.resolve(undefined);
    const lookup = byHash(hash)
      .then((key) => {
        remember(hash, key);
        return key;
      })
      .finally(() => pending.delete(hash));
    pending.set(hash, lookup);
    return lookup;
  };
}
