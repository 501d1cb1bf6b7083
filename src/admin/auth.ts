import type { Context, MiddlewareHandler } from 'hono';
import type { AdminDeps } from './deps.js';
import { errorBody } from './errors.js';
import { resolveClientAddress } from '../policy/client-address.js';
import type { Principal } from './principal.js';
import { accessRuleFor, forbiddenForMember, mayCall, rawPathname } from './access.js';
import { clearedSessionCookie, hasCsrfToken, hasSessionCookie, principalOfUser, sessionOf } from './sessions.js';
import { CSRF_HEADER } from './session-cookie.js';

/**
 * Guards the control plane: finds the route's access rule in the route table
 * (access.ts), lets `public` routes through, authenticates everything else,
 * sets the `principal` context variable (principal.ts) and refuses a member
 * on an admin-only route with 403.
 */
export function guardAdminApi(ctx: AdminDeps): MiddlewareHandler {
  const checkKey = adminKeyCheck(ctx);
  return async (c, next) => {
    const access = accessRuleFor(c.req.method, rawPathname(c));
    if (access === 'public') return next();
    // The admin key when an Authorization header is sent (or nothing at all is); the session cookie otherwise.
    const principal = c.req.header('authorization') !== undefined || !hasSessionCookie(c) ? await checkKey(c) : await checkSession(ctx, c);
    if (principal instanceof Response) return principal;
    c.set('principal', principal);
    if (!mayCall(principal, access)) return forbiddenForMember(c);
    await next();
  };
}

/**
 * `Authorization: Bearer <admin key>`. Both sides
 * are hashed with SHA-256 and the digests compared byte by byte without an
 * early exit, so the time taken says nothing about how much of the key was
 * right (nor its length). WebCrypto only, so it runs on Workers too.
 * Wrong keys are counted by source address (GET /admin/api/security), and
 * past a few, that address must wait before it tries again (policy/sign-in-throttle.ts).
 */
function adminKeyCheck(ctx: AdminDeps): (c: Context) => Promise<Principal | Response> {
  let expected: Promise<Uint8Array> | undefined;
  return async (c) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match) return deny(c, 'missing admin key: send it as Authorization: Bearer <admin key>', 'missing_admin_key');
    const address = adminClientAddress(ctx, c);
    const wait = ctx.signIns.waitMs(address);
    if (wait > 0) return throttled(c, ctx, address, wait);
    expected ??= sha256(ctx.adminKey);
    const ok = ctx.adminKey.length > 0 && sameBytes(await sha256(match[1]), await expected);
    if (!ok) {
      ctx.signIns.failed(address);
      ctx.refusals.count('failedAdminAuth', address, 'invalid admin key');
      return deny(c, 'invalid admin key', 'invalid_admin_key');
    }
    ctx.signIns.succeeded(address);
    return { kind: 'admin-key' };
  };
}

/**
 * The session cookie (sessions.ts): a live session of a user not disabled,
 * and for a write, the session's CSRF token in X-CSRF-Token.
 */
async function checkSession(ctx: AdminDeps, c: Context): Promise<Principal | Response> {
  const session = await sessionOf(ctx, c);
  if (!session) {
    c.header('Set-Cookie', clearedSessionCookie(ctx, c));
    return c.json(errorBody(401, 'the session ended or was revoked: sign in again', null, 'session_expired'), 401);
  }
  const write = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
  if (write && !(await hasCsrfToken(c, session.token)))
    return c.json(
      errorBody(403, `a write signed in by the session cookie must carry the session's CSRF token as ${CSRF_HEADER} (from GET or POST /admin/api/session)`, null, 'csrf_token_missing'),
      403,
    );
  return principalOfUser(session.user);
}

/**
 * Writes sent by a browser from another site are refused, key or not
 * (`Sec-Fetch-Site`, which browsers set and pages cannot: Fetch Metadata).
 * The admin key travels only in the Authorization header, which another
 * site's page cannot send for the admin, and the session cookie is SameSite=Strict
 * and its writes need a CSRF token, so this is a further wall: it holds even if a
 * browser ever had the key or a cookie to send on its own.
 * Clients that are not browsers send no such header and are not affected.
 * @see https://www.w3.org/TR/fetch-metadata/
 */
export function refuseCrossSiteWrites(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const site = c.req.header('sec-fetch-site');
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || (site !== 'cross-site' && site !== 'same-site')) return next();
    return c.json(errorBody(403, `a ${method} from another site's page is refused: the admin API takes writes from the dashboard itself and from non-browser clients`, null, 'cross_site_request'), 403);
  };
}

/** What a check of the admin key needs besides the key itself (the admin API's and /metrics'). */
export type AdminKeyGuard = Pick<AdminDeps, 'adminKey' | 'signIns' | 'refusals' | 'io' | 'settings'>;

/** The address wrong keys are counted and throttled by: the peer, or X-Forwarded-For as far as `security.trustProxy` allows. */
export function adminClientAddress(ctx: AdminKeyGuard, c: Context): string | undefined {
  return resolveClientAddress(ctx.io.clientAddress(c), c.req.header('x-forwarded-for'), ctx.settings.current().proxyTrust);
}

/** 429 with Retry-After, the key not looked at (see policy/sign-in-throttle.ts for why). */
export function throttled(c: Context, ctx: AdminKeyGuard, address: string | undefined, waitMs: number): Response {
  const seconds = Math.ceil(waitMs / 1000);
  ctx.refusals.count('failedAdminAuth', address, `throttled: too many wrong keys, ${seconds} s to wait`);
  c.header('Retry-After', String(seconds));
  return c.json(errorBody(429, `too many wrong admin keys from this address: try again in ${seconds} s`, null, 'too_many_failed_attempts'), 429);
}

function deny(c: Context, message: string, code: string): Response {
  c.header('WWW-Authenticate', 'Bearer realm="switchboard-admin"');
  return c.json(errorBody(401, message, null, code), 401);
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Whether two strings are equal, in time that depends on neither (their SHA-256 digests are compared). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  return sameBytes(await sha256(a), await sha256(b));
}

/** Every byte is compared, with no early exit; a length difference counts as a difference too. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ (b[i] ?? 0);
  return diff === 0;
}
