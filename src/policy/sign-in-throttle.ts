/**
 * Slows down guessing of the admin key, per source address and per process
 * (in memory): the first FREE_TRIES wrong keys from an address cost nothing;
 * each further one shuts that address out for twice as long as the one
 * before (1 s, 2 s, 4 s, … up to MAX_WAIT_MS). While shut out, a request
 * from the address that presents a key is refused without the key being
 * looked at: were a right key let through, a guesser would learn the key at
 * full speed from which answer differs. A right key clears the address;
 * an address quiet for FORGET_MS starts afresh. Other addresses are never
 * slowed. An unknown address (no peer address on the platform) is not
 * throttled: every client would share it, and one guesser could shut the admin out.
 */
export interface SignInThrottle {
  /** How long the address must wait before its next try, in ms (0: it may try now). */
  waitMs(address: string | undefined): number;
  failed(address: string | undefined): void;
  succeeded(address: string | undefined): void;
}

const FREE_TRIES = 5;
const FIRST_WAIT_MS = 1_000;
const MAX_WAIT_MS = 15 * 60_000;
/** Longer than the longest wait, so waiting it out does not also wipe the count. */
const FORGET_MS = 60 * 60_000;
const MAX_ADDRESSES = 10_000;

interface Tries {
  failures: number;
  lastFailureAt: number;
  until: number;
}

export function createSignInThrottle(now: () => number): SignInThrottle {
  const byAddress = new Map<string, Tries>();
  const current = (address: string) => {
    const tries = byAddress.get(address);
    if (tries && now() - tries.lastFailureAt > FORGET_MS) {
      byAddress.delete(address);
      return undefined;
    }
    return tries;
  };
  return {
    waitMs(address) {
      if (address === undefined) return 0;
      const tries = current(address);
      return tries ? Math.max(0, tries.until - now()) : 0;
    },
    failed(address) {
      if (address === undefined) return;
      const at = now();
      const tries = current(address) ?? { failures: 0, lastFailureAt: at, until: 0 };
      tries.failures++;
      tries.lastFailureAt = at;
      if (tries.failures >= FREE_TRIES) tries.until = at + Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (tries.failures - FREE_TRIES));
      // Bounded: the address heard from longest ago goes first (Map keeps insertion order; re-inserted on each failure).
      byAddress.delete(address);
      if (byAddress.size >= MAX_ADDRESSES) byAddress.delete(byAddress.keys().next().value!);
      byAddress.set(address, tries);
    },
    succeeded(address) {
      if (address !== undefined) byAddress.delete(address);
    },
  };
}
