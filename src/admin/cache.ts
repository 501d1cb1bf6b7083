import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { readQuery } from './errors.js';
import { cachePurgeQuery } from './schemas.js';

/**
 * /cache: the response cache. GET tells how big it is; DELETE purges all of
 * it, or only the entries of one model, one client key, or one client-named
 * cache key (the filters combine).
 */
export function cacheRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ ...(await ctx.store.cache.stats()), maxBytes: ctx.settings.current().raw.cache.maxBytes }));

  app.delete('/', async (c) => {
    const q = readQuery(c, cachePurgeQuery);
    const deleted = await ctx.store.cache.purge({ model: q.model, keyId: q.keyId, customKey: q.cacheKey });
    return c.json({ deleted });
  });

  return app;
}
