import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AdminDeps } from './deps.js';
import { adminClientAddress } from './auth.js';
import { ADMIN_BASE } from './access.js';
import { OPERATIONS } from './openapi.js';
import { bodyForSummary, summarize } from './audit-summary.js';
import type { AuditActor, AuditOutcome, AuditRecord } from '../store/types.js';
import type { Principal } from './principal.js';

/**
 * The audit log's writer: one middleware on the whole admin app, so every
 * write is recorded the same way, routes added later included, without any
 * route doing anything. It runs around the guard and the route and, once
 * the answer is made, records:
 *  - every call that is not a read (not GET, HEAD, OPTIONS) by someone the
 *    guard let in: who, the route as the OpenAPI document names it
 *    (`PATCH /upstreams/{id}`), the target id, a masked summary of the
 *    query and body (audit-summary.ts), the address, the status and outcome;
 *  - a wrong admin key (`sign-in.failed`): the dashboard's sign-in and a
 *    script's wrong key alike; a throttled try is not (its key was not looked
 *    at, and recording each would let a guesser fill the log);
 *  - a sign-in with the admin key (`sign-in`) when the dashboard's sign-in
 *    form checks the key: it marks that call with SIGN_IN_HEADER;
 *  - a sign-in with a name and password, right (`sign-in`, the user as actor)
 *    or wrong (`sign-in.failed`, with the name tried), and a sign-out.
 *
 * The row is written with `defer`, after the answer: the admin's call does
 * not wait for it, and one middleware serves every route, which a write in
 * each change's own batch could not. The cost: a process that dies between
 * the change and the row loses the row (the failure is in the process log).
 */
export const SIGN_IN_HEADER = 'x-switchboard-sign-in';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in with a name and password (POST) and signing out (DELETE): named `sign-in` and `sign-out` in the log. */
const SIGN_IN_ROUTE = '/session';

export function auditTrail(ctx: AdminDeps): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const status = c.res.status;
    const actor = actorOf(c);
    const presentedKey = /^Bearer\s+\S/i.test(c.req.header('authorization') ?? '');
    const base = { at: ctx.now(), address: adminClientAddress(ctx, c) ?? null, status, outcome: outcomeOf(status) };

    if (status === 401 && presentedKey) {
      record(ctx, { ...base, actor: { kind: 'anonymous' }, action: 'sign-in.failed', target: null, summary: summarize({ body: { via: 'admin-key' } }) });
      return;
    }
    const { template, params } = routeOf(c);
    if (c.req.method === 'POST' && template === SIGN_IN_ROUTE) {
      if (status !== 429) recordPasswordSignIn(ctx, c, base);
      return;
    }
    if (!actor) return;
    if (c.req.header(SIGN_IN_HEADER) !== undefined && status < 400 && actor.kind === 'admin-key') {
      record(ctx, { ...base, actor, action: 'sign-in', target: null, summary: summarize({ body: { via: 'admin-key' } }) });
    }
    if (READS.has(c.req.method)) return;
    if (c.req.method === 'DELETE' && template === SIGN_IN_ROUTE) {
      record(ctx, { ...base, actor, action: 'sign-out', target: null, summary: null });
      return;
    }

    // A create names its target in the answer (a new key's id): read from a copy, after the answer is sent.
    const created = params.length === 0 && status === 201 && isJson(c.res) ? c.res.clone() : undefined;
    const body = c.req.text().catch(() => '');
    const contentType = c.req.header('content-type');
    const query = c.req.query();
    ctx.defer(
      (async () => {
        const parsed = bodyForSummary(await body, contentType);
        const target = params.length > 0 ? params.join('/') : ((await createdId(created)) ?? namedIn(parsed));
        await write(ctx, { ...base, actor, action: `${c.req.method} ${template}`, target, summary: summarize({ query, body: parsed }) });
      })(),
    );
  };
}

type Base = Pick<AuditRecord, 'at' | 'address' | 'status' | 'outcome'>;

/**
 * A sign-in with a name and password (POST /session, public: no principal
 * is set): the user is read from the answer's `principal` (nothing else of
 * it: it holds the session's CSRF token), the name tried from the body (the
 * password never: only the name is kept).
 */
function recordPasswordSignIn(ctx: AdminDeps, c: Context, base: Base): void {
  const answer = base.status < 400 && isJson(c.res) ? c.res.clone() : undefined;
  const body = c.req.text().catch(() => '');
  ctx.defer(
    (async () => {
      const name = namedIn(bodyForSummary(await body, 'application/json'), ['name']);
      const summary = summarize({ body: { via: 'password', ...(name === null ? {} : { name }) } });
      const actor = answer ? await signedInActor(answer) : undefined;
      if (actor) await write(ctx, { ...base, actor, action: 'sign-in', target: null, summary });
      else await write(ctx, { ...base, actor: { kind: 'anonymous' }, action: 'sign-in.failed', target: null, summary });
    })(),
  );
}

async function signedInActor(res: Response): Promise<AuditActor | undefined> {
  try {
    const { principal } = (await res.json()) as { principal?: Principal };
    return principal?.kind === 'user' ? { kind: 'user', userId: principal.userId, name: principal.name } : undefined;
  } catch {
    return undefined;
  }
}

type Entry = Omit<AuditRecord, 'id'>;

function record(ctx: AdminDeps, entry: Entry): void {
  ctx.defer(write(ctx, entry));
}

async function write(ctx: AdminDeps, entry: Entry): Promise<void> {
  try {
    await ctx.store.audit.write([{ id: crypto.randomUUID(), ...entry }]);
  } catch (err) {
    ctx.log(`audit: recording ${entry.action} by ${entry.actor.kind} failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}

/** Who the guard let in (principal.ts); undefined when nobody was recognised or the route is public. */
function actorOf(c: Context): AuditActor | undefined {
  const principal = c.get('principal') as Principal | undefined;
  if (principal?.kind === 'user') return { kind: 'user', userId: principal.userId, name: principal.name };
  return principal;
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'denied';
  return status >= 500 ? 'error' : 'rejected';
}

/**
 * The route that answered, as the OpenAPI document writes it
 * (`/upstreams/{id}/credentials`), and its path parameters. When the guard
 * answered before any route (a member refused an admin route), the route
 * table's row for the path stands in.
 */
function routeOf(c: Context): { template: string; params: string[] } {
  const path = routePath(c);
  if (!path.includes('*')) {
    const relative = path.startsWith(ADMIN_BASE) ? path.slice(ADMIN_BASE.length) : path;
    const braced = relative.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}').replace(/\/+$/, '');
    return { template: braced === '' ? '/' : braced, params: Object.values(c.req.param() as Record<string, string>) };
  }
  const asked = c.req.path.startsWith(ADMIN_BASE) ? c.req.path.slice(ADMIN_BASE.length) : c.req.path;
  return tableRow(c.req.method, asked) ?? { template: asked, params: [] };
}

/** The route table's row for a method and path, and the path's values at its parameters. */
function tableRow(method: string, path: string): { template: string; params: string[] } | undefined {
  const parts = path.split('/').slice(1);
  for (const op of OPERATIONS) {
    if (op.method !== method.toLowerCase()) continue;
    const segments = op.path.split('/').slice(1);
    if (segments.length !== parts.length) continue;
    const params: string[] = [];
    const fits = segments.every((segment, i) => {
      if (!/^\{\w+\}$/.test(segment)) return segment === parts[i];
      params.push(safeDecode(parts[i]));
      return parts[i] !== '';
    });
    if (fits) return { template: op.path, params };
  }
  return undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function isJson(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('application/json');
}

/** The `id` of a created thing's answer; nothing else of it is read (a new key's answer holds the key). */
async function createdId(res: Response | undefined): Promise<string | null> {
  if (!res) return null;
  try {
    const body = (await res.json()) as { id?: unknown };
    return typeof body.id === 'string' ? body.id : null;
  } catch {
    return null;
  }
}

/** The `id` or `name` a body gives its thing (the first of `fields` it has as text). */
function namedIn(body: unknown, fields = ['id', 'name']): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const values = body as Record<string, unknown>;
  const found = fields.map((field) => values[field]).find((value) => typeof value === 'string');
  return typeof found === 'string' ? found : null;
}
