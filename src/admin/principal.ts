import type { Context } from 'hono';

/**
 * Who is calling the admin API, set by the guard (access.ts) on every
 * authenticated request as the Hono context variable `principal`:
 * the admin key (break-glass and automation), or a signed-in user with a role.
 */
export type Principal = { kind: 'admin-key' } | { kind: 'user'; userId: string; name: string; role: Role };

export type Role = 'admin' | 'member';

/**
 * Who may call an admin route, one per row of the route table (openapi.ts):
 * `admin` (the admin key or an admin user), `member` (any signed-in principal;
 * a member then sees and changes only their own things), or `public` (no
 * sign-in at all: the document itself and the sign-in).
 */
export type Access = 'admin' | 'member' | 'public';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** The caller of a guarded route; a route without the guard in front of it is a programming error. */
export function principalOf(c: Context): Principal {
  const principal = c.get('principal') as Principal | undefined;
  if (!principal) throw new Error(`no principal on ${c.req.method} ${c.req.path}: the route is not behind the admin guard`);
  return principal;
}

/** The admin key and admin users see and change everything. */
export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'admin-key' || principal.role === 'admin';
}

/**
 * The user whose things a list is narrowed to: the member's own id, or
 * undefined for an admin (everything). Routes of access `member` call this
 * once and filter by it, so a member's view is decided in one place.
 */
export function ownerScope(principal: Principal): string | undefined {
  return isAdmin(principal) ? undefined : (principal as { userId: string }).userId;
}

/** A short name for logs and audit rows: `admin-key` or `user:<name>`. */
export function describePrincipal(principal: Principal): string {
  return principal.kind === 'admin-key' ? 'admin-key' : `user:${principal.name}`;
}
