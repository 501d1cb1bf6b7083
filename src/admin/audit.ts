import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { readQuery } from './errors.js';
import { instant, MAX_LOG_LIMIT } from './schemas.js';

/** /audit: the audit log (audit-trail.ts writes it), newest first, filtered and paged. */
export function auditRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = readQuery(c, auditQuery);
    const { data, hasMore } = await ctx.store.audit.query({
      actor: q.actor,
      action: q.action,
      target: q.target,
      outcome: q.outcome,
      from: q.from,
      to: q.to,
      limit: q.limit,
      offset: q.offset,
    });
    return c.json({ data, hasMore, limit: q.limit, offset: q.offset });
  });
  return app;
}

const AUDIT_OUTCOMES = ['ok', 'denied', 'rejected', 'error'] as const;
const integer = (min: number) => z.coerce.number<string>().int('must be an integer').min(min, `must be at least ${min}`);

export const auditQuery = z.object({
  actor: z.string().min(1).optional().describe('`admin-key`, `anonymous` (failed sign-ins), or a user id or name'),
  action: z.string().min(1).optional().describe('text found in the action, ignoring case: `DELETE`, `/upstreams`, `sign-in`'),
  target: z.string().min(1).optional().describe('a target id; also finds the ids under it (`openai` finds `openai/cred_1`)'),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: instant.optional(),
  to: instant.optional().describe('ISO-8601 date-time or epoch ms, exclusive'),
  limit: integer(1)
    .default(50)
    .transform((n) => Math.min(n, MAX_LOG_LIMIT))
    .describe(`default 50, at most ${MAX_LOG_LIMIT} (larger values are capped)`),
  offset: integer(0).default(0),
});

const auditActorView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin-key') }),
  z.object({ kind: z.literal('user'), userId: z.string(), name: z.string() }),
  z.object({ kind: z.literal('anonymous') }).describe('a failed sign-in: nobody was recognised'),
]);

export const auditEntryView = z.object({
  id: z.string(),
  at: z.number().int().describe('epoch ms'),
  actor: auditActorView,
  action: z.string().describe('`METHOD /route/{param}` as in this document, or `sign-in`, `sign-in.failed`, `sign-out`'),
  target: z.string().nullable().describe("the changed thing's id: the path parameters joined by `/`, or a created thing's id"),
  summary: z.string().nullable().describe('the query and body as JSON text, every secret masked as `***`, cut to a few KB'),
  address: z.string().nullable().describe('the caller\'s address as read (security.trustProxy)'),
  status: z.number().int().describe('the HTTP status answered'),
  outcome: z.enum(AUDIT_OUTCOMES).describe('`denied`: 401 or 403; `rejected`: another 4xx; `error`: 5xx'),
});

export const auditPageView = z.object({
  data: z.array(auditEntryView),
  hasMore: z.boolean(),
  limit: z.number().int(),
  offset: z.number().int(),
});
