import type { Context } from 'hono';
import type { AdminDeps } from './deps.js';
import type { Principal } from './principal.js';
import type { UserRecord } from '../store/types.js';
import { toHex } from '../policy/keys.js';
import { publicBaseUrl } from '../policy/public-url.js';
import { CSRF_HEADER, SESSION_COOKIE, SESSION_COOKIE_PATH } from './session-cookie.js';
import { sameBytes } from './auth.js';

/**
 * Dashboard sessions. The cookie holds a random 256-bit token; the database
 * holds only its SHA-256 (a copy of the database signs no one in), shared by
 * every replica, so a sign-out, a disabled user or a changed password ends
 * the session everywhere at the next request. The lifetime is fixed
 * (SESSION_TTL_MS from sign-in, not extended by use): no write per request,
 * and a stolen cookie is good for at most that long.
 *
 * CSRF: the cookie is SameSite=Strict and the Sec-Fetch-Site wall refuses
 * cross-site writes; on top of both, a write signed in by the cookie must
 * carry the session's CSRF token in X-CSRF-Token. The token is derived from
 * the session token (SHA-256 of a label and it), so it needs no storage, and
 * a page that cannot read the cookie cannot compute it.
 */

export const SESSION_TTL_MS = 12 * 3_600_000;

export interface SignedIn {
  user: UserRecord;
  token: string;
  expiresAt: number;
}

export async function startSession(ctx: AdminDeps, user: UserRecord): Promise<SignedIn> {
  const token = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const now = ctx.now();
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.store.sessions.put({ id: await sessionId(token), userId: user.id, createdAt: now, expiresAt }, now);
  return { user, token, expiresAt };
}

/** The signed-in user of the request's cookie; undefined when there is none or it ended. */
export async function sessionOf(ctx: AdminDeps, c: Context): Promise<{ user: UserRecord; token: string; expiresAt: number } | undefined> {
  const token = cookieToken(c);
  if (!token) return undefined;
  const session = await ctx.store.sessions.get(await sessionId(token), ctx.now());
  if (!session) return undefined;
  const user = await ctx.store.users.get(session.userId);
  if (!user || user.disabled) return undefined;
  return { user, token, expiresAt: session.expiresAt };
}

export async function endSession(ctx: AdminDeps, c: Context): Promise<void> {
  const token = cookieToken(c);
  if (token) await ctx.store.sessions.delete(await sessionId(token));
}

export function principalOfUser(user: UserRecord): Principal {
  return { kind: 'user', userId: user.id, name: user.name, role: user.role };
}

export async function csrfTokenFor(sessionToken: string): Promise<string> {
  return base64Url(await sha256(`switchboard-csrf:${sessionToken}`));
}

/** Whether the request carries the CSRF token of its session (compared without an early exit). */
export async function hasCsrfToken(c: Context, sessionToken: string): Promise<boolean> {
  const sent = c.req.header(CSRF_HEADER);
  if (!sent) return false;
  return sameBytes(await sha256(sent), await sha256(await csrfTokenFor(sessionToken)));
}

/** Set-Cookie for a new session: HttpOnly, SameSite=Strict, Path=/admin/api, Secure when the request came over https. */
export function sessionCookie(ctx: AdminDeps, c: Context, token: string, maxAgeSeconds: number): string {
  const base = publicBaseUrl(ctx.publicUrl, c.req.url, c.req.raw.headers, ctx.settings.current().proxyTrust);
  const secure = base.startsWith('https:') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${token}; Path=${SESSION_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

export function clearedSessionCookie(ctx: AdminDeps, c: Context): string {
  return sessionCookie(ctx, c, '', 0);
}

function cookieToken(c: Context): string | undefined {
  const header = c.req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[\w-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function hasSessionCookie(c: Context): boolean {
  return cookieToken(c) !== undefined;
}

async function sessionId(token: string): Promise<string> {
  return toHex(await sha256(token));
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
