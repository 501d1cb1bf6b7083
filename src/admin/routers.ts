import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import type { RouterRecord } from '../store/types.js';
import { tierProblems } from '../config/router-checks.js';
import { conflict, invalid, notFound, readBody } from './errors.js';
import { createRouterBody, putRouterBody } from './schemas.js';

/**
 * /routers: public names (`auto`) that send each request to a tier by rules
 * over the request or a classifier model (docs/routing-tiers.md). Ids may
 * hold `/`, so the id is the rest of the path.
 */
export function routerRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ data: await ctx.store.routers.list() }));

  app.get('/:id{.+}', async (c) => c.json(await findRouter(ctx, c.req.param('id'))));

  app.post('/', async (c) => {
    const router = await readBody(c, createRouterBody);
    if ((await ctx.store.routers.list()).some((r) => r.id === router.id))
      throw conflict(`a router with id ${router.id} already exists; PUT /routers/{id} replaces it`, 'id');
    await save(ctx, router);
    return c.json(router, 201);
  });

  app.put('/:id{.+}', async (c) => {
    const id = c.req.param('id');
    const router: RouterRecord = { id, ...(await readBody(c, putRouterBody)) };
    const existed = (await ctx.store.routers.list()).some((r) => r.id === id);
    await save(ctx, router);
    return c.json(router, existed ? 200 : 201);
  });

  app.delete('/:id{.+}', async (c) => {
    const { id } = await findRouter(ctx, c.req.param('id'));
    await ctx.store.routers.delete(id);
    await ctx.catalog.reload();
    return c.json({ id, deleted: true as const });
  });

  return app;
}

async function findRouter(ctx: AdminDeps, id: string): Promise<RouterRecord> {
  const found = (await ctx.store.routers.list()).find((r) => r.id === id);
  if (!found) throw notFound('router', id, 'id');
  return found;
}

/**
 * Stores the router when its id names no model or alias, its tiers and
 * classifier no router, and its rules only its own tiers; every problem
 * reported at once, by the body's own field names.
 */
async function save(ctx: AdminDeps, router: RouterRecord): Promise<void> {
  const [models, aliases, routers] = await Promise.all([ctx.store.models.list(), ctx.store.aliases.list(), ctx.store.routers.list()]);
  const others = routers.filter((r) => r.id !== router.id);
  const ids = new Set([router.id, ...others.map((r) => r.id)]);
  const problems = tierProblems(router, ids, 'router').map((p) => ({ path: p.path.slice('router.'.length), message: p.message }));
  if (models.some((m) => m.id === router.id)) problems.push({ path: 'id', message: `${router.id} is already a model id` });
  if (aliases.some((a) => a.id === router.id)) problems.push({ path: 'id', message: `${router.id} is already an alias` });
  // Another router naming this one as a tier or classifier would make that one two levels deep.
  const namedBy = others.find((r) => r.tiers.some((t) => t.model === router.id) || r.classifier?.model === router.id);
  if (namedBy) problems.push({ path: 'id', message: `${router.id} is a tier or classifier of router ${namedBy.id}: those must be models or aliases` });
  if (problems.length > 0) throw invalid(problems, 'invalid_body');
  await ctx.store.routers.put(router);
  await ctx.catalog.reload();
}
