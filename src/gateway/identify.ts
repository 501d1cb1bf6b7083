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
/**
 * Gemini's paths: `/v1beta/…`, and `/v1/models…` (Gemini's v1 actions and
 * model list; an OpenAI model list with `?key=` is answered in Gemini's shape).
 * @see https://ai.google.dev/gemini-api/docs/api-key
 */
export function takesKeyInUrl(path: string): boolean {
  return path === '/v1beta' || path.startsWith('/v1beta/') || path === '/v1/models' || path.startsWith('/v1/models/');
}

export async function identifyClient(c: Context, ctx: DataPlaneDeps, snapshot: Snapshot): Promise<KeyRecord> {
  // A playground run: the admin API (already past the admin's own sign-in) made this Request and named whom it runs as.
  const run = ctx.playground?.forRequest(c.req.raw);
  if (run) return run.key;
  const access = ctx.settings.current();
  let address: { value: string | undefined } | undefined;
  const addressOf = () => (address ??= { value: resolveClientAddress(ctx.io.clientAddress(c), c.req.header('x-forwarded-for'), access.proxyTrust) }).value;
  if (access.ipAllowlist !== null) refuseUnlisted(ctx.refusals, access.ipAllowlist, addressOf());
  // Only Gemini's API takes the key in the URL; elsewhere a `?key=` is not read (URLs end up in proxies' and browsers' logs).
  const inUrl = c.req.query('key');
  const urlKeyAllowed = takesKeyInUrl(c.req.path);
  const key = await authenticate((hash) => ctx.catalog.findKey(snapshot, hash), c.req.raw.headers, urlKeyAllowed ? inUrl : undefined, !urlKeyAllowed && inUrl !== undefined).catch(
    (err: unknown) => countFailedAuth(ctx.refusals, addressOf(), err),
  );
  const own = keyAllowlist(key);
  if (own !== null) refuseUnlisted(ctx.refusals, own, addressOf(), key);
  return key;
}
