import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import type { ModelRecord, RouteRecord } from '../store/types.js';
import { conflict, invalid, notFound, readBody } from './errors.js';
import { createModelBody, putModelBody } from './schemas.js';

/**
 * /models: public model ids and their ordered routes. Model ids may hold `/`
 * (`openai/gpt-4o`), so the id is the rest of the path.
 */
export function modelRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ data: await ctx.store.models.list() }));

  app.get('/:id{.+}', async (c) => c.json(await findModel(ctx, c.req.param('id'))));

  app.post('/', async (c) => {
    const body = await readBody(c, createModelBody);
    if ((await ctx.store.models.list()).some((m) => m.id === body.id))
      throw conflict(`a model with id ${body.id} already exists; PUT /models/{id} replaces its routes`, 'id');
    await checkRoutes(ctx, body.routes);
    await checkNotAlias(ctx, body.id);
    const model: ModelRecord = { id: body.id, routes: body.routes, ...(body.kind ? { kind: body.kind } : {}) };
    await ctx.store.models.put(model);
    await ctx.catalog.reload();
    return c.json(model, 201);
  });

  app.put('/:id{.+}', async (c) => {
    const id = c.req.param('id');
    const body = await readBody(c, putModelBody);
    await checkRoutes(ctx, body.routes);
    await checkNotAlias(ctx, id);
    const existed = (await ctx.store.models.list()).some((m) => m.id === id);
    const model: ModelRecord = { id, routes: body.routes, ...(body.kind ? { kind: body.kind } : {}) };
    await ctx.store.models.put(model);
    await ctx.catalog.reload();
    return c.json(model, existed ? 200 : 201);
  });

  app.delete('/:id{.+}', async (c) => {
    const { id } = await findModel(ctx, c.req.param('id'));
    await ctx.store.models.delete(id);
    await ctx.catalog.reload();
    return c.json({ id, deleted: true as const });
  });

  return app;
}

async function findModel(ctx: AdminDeps, id: string): Promise<ModelRecord> {
  const found = (await ctx.store.models.list()).find((m) => m.id === id);
  if (!found) throw notFound('model', id, 'id');
  return found;
}

/** A model named like an alias would make the name ambiguous (config/alias-checks.ts). */
async function checkNotAlias(ctx: AdminDeps, id: string): Promise<void> {
  if ((await ctx.store.aliases.list()).some((a) => a.id === id)) throw invalid([{ path: 'id', message: `${id} is already an alias` }], 'invalid_body');
  if ((await ctx.store.routers.list()).some((r) => r.id === id)) throw invalid([{ path: 'id', message: `${id} is already a router` }], 'invalid_body');
}

/** Every route must name an upstream that exists; all misses are reported at once. */
async function checkRoutes(ctx: AdminDeps, routes: RouteRecord[]): Promise<void> {
  const known = new Set((await ctx.store.upstreams.list()).map((u) => u.id));
  const problems = routes.flatMap((r, i) =>
    known.has(r.upstream) ? [] : [{ path: `routes[${i}].upstream`, message: `no upstream with id ${r.upstream}` }],
  );
  if (problems.length > 0) throw invalid(problems, 'invalid_body');
}
