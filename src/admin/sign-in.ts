import { Hono, type Context } from 'hono';
import type { AdminDeps } from './deps.js';
import { AdminError, errorBody, readBody } from './errors.js';
import { adminClientAddress, throttled } from './auth.js';
import { principalOf, type Principal } from './principal.js';
import { decoyHash, hashPassword, verifyPassword } from '../policy/passwords.js';
import { changeOwnPasswordBody, signInBody, type UserView } from './user-schemas.js';
import { clearedSessionCookie, csrfTokenFor, endSession, principalOfUser, sessionCookie, sessionOf, SESSION_TTL_MS, startSession } from './sessions.js';
import { modelsWithinCaps, publicModels } from './caps.js';
import type { UserRecord } from '../store/types.js';
import { userView } from './users.js';

/**
 * /session: signing in with a name and password (public), who you are
 * (GET), signing out (DELETE), and changing your own password. Wrong
 * passwords count against the same per-address throttle as wrong admin keys.
 */
export function signInRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const body = await readBody(c, signInBody);
    const address = adminClientAddress(ctx, c);
    const wait = ctx.signIns.waitMs(address);
    if (wait > 0) return throttled(c, ctx, address, wait);
    const user = await ctx.store.users.byName(body.name);
    // An unknown name is checked against a decoy hash: the answer takes as long, and says the same.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) {
      ctx.signIns.failed(address);
      ctx.refusals.count('failedAdminAuth', address, `wrong name or password (user ${JSON.stringify(body.name.slice(0, 64))})`);
      return c.json(errorBody(401, 'wrong name or password', null, 'invalid_credentials'), 401);
    }
    ctx.signIns.succeeded(address);
    if (user.disabled) return c.json(errorBody(403, 'this user is disabled: ask an admin', null, 'user_disabled'), 403);
    const session = await startSession(ctx, user);
    c.header('Set-Cookie', sessionCookie(ctx, c, session.token, Math.floor(SESSION_TTL_MS / 1000)));
    return c.json(await sessionView(ctx, principalOfUser(user), user, session.token, session.expiresAt));
  });

  app.get('/', async (c) => {
    const principal = principalOf(c);
    if (principal.kind === 'admin-key') return c.json(await sessionView(ctx, principal, undefined, undefined, null));
    const session = (await sessionOf(ctx, c))!;
    return c.json(await sessionView(ctx, principal, session.user, session.token, session.expiresAt));
  });

  app.delete('/', async (c) => {
    await endSession(ctx, c);
    c.header('Set-Cookie', clearedSessionCookie(ctx, c));
    return c.json({ signedOut: true });
  });

  app.put('/password', async (c) => {
    const user = await signedInUser(ctx, c);
    const body = await readBody(c, changeOwnPasswordBody);
    if (!(await verifyPassword(body.current, user.passwordHash)))
      throw new AdminError(403, 'the current password is wrong', 'current', 'wrong_password');
    await ctx.store.users.put({ ...user, passwordHash: await hashPassword(body.password), updatedAt: ctx.now() });
    // Every session ends, this one too: a changed password signs out whoever else had it.
    await ctx.store.sessions.deleteForUser(user.id);
    c.header('Set-Cookie', clearedSessionCookie(ctx, c));
    return c.json({ changed: true, signedOut: true });
  });

  return app;
}

/** The user behind the request; the admin key is no user. */
export async function signedInUser(ctx: AdminDeps, c: Context): Promise<UserRecord> {
  const principal = principalOf(c);
  if (principal.kind !== 'user') throw new AdminError(400, 'the admin key is no user: sign in as a user for this', null, 'not_a_user');
  const user = await ctx.store.users.get(principal.userId);
  if (!user) throw new AdminError(401, 'the user is gone', null, 'session_expired');
  return user;
}

async function sessionView(ctx: AdminDeps, principal: Principal, user: UserRecord | undefined, token: string | undefined, expiresAt: number | null) {
  const snapshot = ctx.catalog.current();
  const role = principal.kind === 'admin-key' ? 'admin' : principal.role;
  const capped = user && role === 'member' ? user.caps : null;
  const view: {
    principal: Principal;
    role: 'admin' | 'member';
    user: UserView | null;
    caps: UserRecord['caps'] | null;
    models: string[];
    csrfToken: string | null;
    expiresAt: number | null;
  } = {
    principal,
    role,
    user: user ? userView(user) : null,
    caps: capped,
    models: capped ? modelsWithinCaps(snapshot, capped) : publicModels(snapshot),
    csrfToken: token ? await csrfTokenFor(token) : null,
    expiresAt,
  };
  return view;
}
