import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Snapshot } from '../routing/catalog.js';
import type { KeyRecord } from '../store/types.js';
import { authenticate } from '../policy/auth.js';
import { resolveClientAddress } from '../policy/client-address.js';
import { countFailedAuth, refuseUnlisted } from '../policy/client-access.js';
import { keyAllowlist } from '../policy/gateway-settings.js';

/**
 * Step 1 of every data-plane request: where it comes from and who sends it.
 * The gateway's IP allowlist (before the key is even looked at), the key
 * (hash lookup in the in-memory snapshot, the Store for a key it does not hold
 * yet; failures counted by source), then
 * the key's own allowlist. Throws the client-facing 401 / 403. The client's
 * address is worked out only when a list or a failure needs it.
 */
export async function identifyClient(c: Context, ctx: DataPlaneDeps, snapshot: Snapshot): Promise<KeyRecord> {
  const access = ctx.settings.current();
  let address: { value: string | undefined } | undefined;
  const addressOf = () => (address ??= { value: resolveClientAddress(ctx.io.clientAddress(c), c.req.header('x-forwarded-for'), access.proxyTrust) }).value;
  if (access.ipAllowlist !== null) refuseUnlisted(ctx.refusals, access.ipAllowlist, addressOf());
  const key = await authenticate((hash) => ctx.catalog.findKey(snapshot, hash), c.req.raw.headers, c.req.query('key')).catch((err: unknown) => countFailedAuth(ctx.refusals, addressOf(), err));
  const own = keyAllowlist(key);
  if (own !== null) refuseUnlisted(ctx.refusals, own, addressOf(), key);
  return key;
}
