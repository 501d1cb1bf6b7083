import { Hono } from 'hono';
import type { GatewayContext } from '../gateway/context.js';
import { invalid, readQuery } from './errors.js';
import { logsQuery } from './schemas.js';

/** /logs: request log rows, newest first, filtered and paged. */
export function logRoutes(ctx: GatewayContext): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = readQuery(c, logsQuery);
    const keyId = q.key === undefined ? undefined : await resolveKey(ctx, q.key);
    const { data, hasMore } = await ctx.store.logs.query({
      keyId,
      model: q.model,
      status: q.status,
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

/** `key` may be a key id or a key name; an unknown one is an error rather than an empty page. */
async function resolveKey(ctx: GatewayContext, key: string): Promise<string> {
  const snapshot = ctx.catalog.current();
  if (snapshot.keysById.has(key)) return key;
  const all = [...snapshot.keysById.values()];
  const byName = all.find((k) => k.name === key) ?? (await ctx.store.keys.list()).find((k) => k.id === key || k.name === key);
  if (!byName) throw invalid([{ path: 'key', message: `no key with id or name ${key}` }], 'invalid_query');
  return byName.id;
}
