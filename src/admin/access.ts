import type { Context } from 'hono';
import { OPERATIONS, type Operation } from './openapi.js';
import { isAdmin, type Access, type Principal } from './principal.js';
import { errorBody } from './errors.js';

/**
 * Who may call which admin route, read from the route table of the OpenAPI
 * document (openapi.ts) and nowhere else: the guard enforces the very
 * `access` field the document shows. A request that matches no row is
 * treated as admin-only, so a route added without a row is closed to
 * members rather than open (and the walk test fails on it).
 */

/** The admin API's mount point; the table's paths are relative to it. */
export const ADMIN_BASE = '/admin/api';

interface CompiledRow {
  method: string;
  segments: (string | null)[]; // null: a path parameter
  access: Access;
}

let compiled: CompiledRow[] | undefined;

function rows(): CompiledRow[] {
  compiled ??= OPERATIONS.map((op: Operation) => ({
    method: op.method,
    segments: op.path.split('/').slice(1).map((part) => (/^\{\w+\}$/.test(part) ? null : part)),
    access: op.access,
  }))
    // Literal segments before parameters, position by position (`/logs/export` before `/logs/{id}`), as the app registers them.
    .sort((a, b) => rank(a).localeCompare(rank(b)));
  return compiled;
}

function rank(row: CompiledRow): string {
  return row.segments.map((s) => (s === null ? '1' : '0')).join('');
}

/**
 * The access rule of a request, from its method and raw path (an encoded `/`
 * inside a parameter stays inside it, as in Hono's routing). Undefined when
 * no row matches (an unknown route, or one added without a row).
 */
export function accessRuleFor(method: string, pathname: string): Access | undefined {
  if (pathname === `${ADMIN_BASE}/openapi.json`) return 'public';
  if (!pathname.startsWith(`${ADMIN_BASE}/`)) return undefined;
  const wanted = method === 'HEAD' ? 'get' : method.toLowerCase();
  const parts = pathname.slice(ADMIN_BASE.length).split('/').slice(1);
  for (const row of rows()) {
    if (row.method !== wanted || row.segments.length !== parts.length) continue;
    if (row.segments.every((segment, i) => segment === null ? parts[i] !== '' : segment === parts[i])) return row.access;
  }
  return undefined;
}

/** Whether the principal may call a route of this access (unknown routes count as admin-only). */
export function mayCall(principal: Principal, access: Access | undefined): boolean {
  return access === 'public' || access === 'member' || isAdmin(principal);
}

/** The raw path of a request, percent-encoding kept. */
export function rawPathname(c: Context): string {
  return new URL(c.req.url).pathname;
}

export function forbiddenForMember(c: Context): Response {
  return c.json(
    errorBody(403, `${c.req.method} ${rawPathname(c).slice(ADMIN_BASE.length)} is for admins only: a member may not call it`, null, 'admin_only'),
    403,
  );
}
