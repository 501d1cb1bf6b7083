import { GatewayError } from '../protocols/errors.js';
import type { KeyRecord } from '../store/types.js';
import type { AuthFailures } from './auth-failures.js';
import type { Cidr } from '../config/ip-address.js';
import { allowedBy } from './ip-allowlist.js';

/**
 * Step 1 of a data-plane request, around authentication: the client's
 * address against the IP allowlists (the gateway's, then the key's own), and
 * failed key checks counted by source.
 */

/** Throws a 403 (counted) when there is a list and the address is not on it; null means no list. */
export function refuseUnlisted(refusals: AuthFailures, list: readonly Cidr[] | null, address: string | undefined, key?: KeyRecord): void {
  if (list === null || allowedBy(list, address)) return;
  const whose = key ? `key ${key.name}'s IP allowlist` : "the gateway's IP allowlist";
  refusals.count('ipBlocked', address, `not on ${whose}`);
  throw new GatewayError('SB_ERR_FORBIDDEN', `requests from ${address ?? 'an unknown address'} are not allowed by ${whose}`);
}

/** Counts a failed client-key check, then passes the error on unchanged. */
export function countFailedAuth(refusals: AuthFailures, address: string | undefined, err: unknown): never {
  if (err instanceof GatewayError && err.code === 'SB_ERR_UNAUTHORIZED') refusals.count('failedClientAuth', address, err.message);
  throw err;
}
