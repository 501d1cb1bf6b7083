import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { ownerScope, principalOf } from './principal.js';
import { invalid, notFound, readQuery } from './errors.js';
import { logRecordView, logsQuery } from './schemas.js';
import { z } from 'zod';
import type { LogQuery } from '../store/types.js';

/** /logs: request log rows, newest first, filtered and paged. */
export function logRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = readQuery(c, logsQuery);
    const { data, hasMore } = await ctx.store.logs.query(await logQueryOf(ctx, q, ownerScope(principalOf(c))));
    return c.json({ data, hasMore, limit: q.limit, offset: q.offset });
  });

  // One row, with its logged bodies (redacted) when body logging was on for it.
  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const row = await ctx.store.logs.get(id);
    // A member asking for another's request hears what a missing one says: ids are not confirmed.
    if (!row || !(await mayRead(ctx, row.keyId, ownerScope(principalOf(c))))) throw notFound('request log row', id, 'id');
    const bodies = await ctx.store.logs.bodies(id);
    return c.json({
      ...row,
      bodies: bodies
        ? {
            mode: bodies.mode,
            request: bodies.requestBody,
            response: bodies.responseBody,
            requestTruncated: bodies.requestTruncated,
            responseTruncated: bodies.responseTruncated,
          }
        : null,
    });
  });

  return app;
}

/** The Store's query for the admin API's filters (shared with /logs/export). */
export async function logQueryOf(ctx: AdminDeps, q: z.output<typeof logsQuery>, ownerId: string | undefined): Promise<LogQuery> {
  return {
    keyId: q.key === undefined ? undefined : await resolveKey(ctx, q.key, ownerId),
    ownerId,
    model: q.model,
    status: q.status,
    outcome: q.outcome,
    group: q.group,
    upstreamId: q.upstream,
    cacheStatus: q.cache,
    search: q.q,
    from: q.from,
    to: q.to,
    limit: q.limit,
    offset: q.offset,
  };
}

/** `key` may be a key id or a key name; an unknown one is an error rather than an empty page. */
export async function resolveKey(ctx: AdminDeps, key: string, ownerId?: string): Promise<string> {
  const snapshot = ctx.catalog.current();
  const all = [...snapshot.keysById.values()];
  const byName = all.find((k) => k.id === key || k.name === key) ?? (await ctx.store.keys.list()).find((k) => k.id === key || k.name === key);
  // A member naming another's key hears what an unknown one says.
  if (!byName || (ownerId !== undefined && byName.ownerId !== ownerId)) throw invalid([{ path: 'key', message: `no key with id or name ${key}` }], 'invalid_query');
  return byName.id;
}

/** Whether a row of this key may be shown to the owner scope (undefined: an admin, everything). */
async function mayRead(ctx: AdminDeps, keyId: string | null, ownerId: string | undefined): Promise<boolean> {
  if (ownerId === undefined) return true;
  if (keyId === null) return false;
  const key = ctx.catalog.current().keysById.get(keyId) ?? (await ctx.store.keys.list()).find((k) => k.id === keyId);
  return key?.ownerId === ownerId;
}

export const logDetailView = logRecordView.extend({
  bodies: z
    .object({
      mode: z.enum(['metadata', 'full']),
      request: z.string().nullable().describe('full: the request body; metadata: a JSON summary (bytes, contentType, params). Redacted'),
      response: z.string().nullable().describe('full: the response body as the client got it (SSE text for streams); metadata: JSON (status, bytes, contentType). Redacted'),
      requestTruncated: z.boolean(),
      responseTruncated: z.boolean(),
    })
    .nullable()
    .describe('null when body logging was off for this request'),
});
