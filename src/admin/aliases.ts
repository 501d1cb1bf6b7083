import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import type { AliasRecord } from '../store/types.js';
import { aliasProblems } from '../config/alias-checks.js';
import { conflict, invalid, notFound, readBody } from './errors.js';
import { createAliasBody, putAliasBody } from './schemas.js';

/**
 * /aliases: public names that resolve to several models (docs/aliases.md).
 * Ids may hold `/`, so the id is the rest of the path.
 */
export function aliasRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ data: await ctx.store.aliases.list() }));

  app.get('/:id{.+}', async (c) => c.json(await findAlias(ctx, c.req.param('id'))));

  app.post('/', async (c) => {
    const body = await readBody(c, createAliasBody);
    if ((await ctx.store.aliases.list()).some((a) => a.id === body.id))
      throw conflict(`an alias with id ${body.id} already exists; PUT /aliases/{id} replaces it`, 'id');
    const alias: AliasRecord = { id: body.id, select: body.select, targets: body.targets, listed: body.listed };
    await save(ctx, alias);
    return c.json(alias, 201);
  });

  app.put('/:id{.+}', async (c) => {
    const id = c.req.param('id');
    const body = await readBody(c, putAliasBody);
    const existed = (await ctx.store.aliases.list()).some((a) => a.id === id);
    const alias: AliasRecord = { id, select: body.select, targets: body.targets, listed: body.listed };
    await save(ctx, alias);
    return c.json(alias, existed ? 200 : 201);
  });

  app.delete('/:id{.+}', async (c) => {
    const { id } = await findAlias(ctx, c.req.param('id'));
    await ctx.store.aliases.delete(id);
    await ctx.catalog.reload();
    return c.json({ id, deleted: true as const });
  });

  return app;
}

async function findAlias(ctx: AdminDeps, id: string): Promise<AliasRecord> {
  const found = (await ctx.store.aliases.list()).find((a) => a.id === id);
  if (!found) throw notFound('alias', id, 'id');
  return found;
}

/** Stores the alias when, with the others, it names no model and no alias as a target; every problem reported at once. */
async function save(ctx: AdminDeps, alias: AliasRecord): Promise<void> {
  const [models, aliases] = await Promise.all([ctx.store.models.list(), ctx.store.aliases.list()]);
  const all = [alias, ...aliases.filter((a) => a.id !== alias.id)];
  // Problems of this alias only, told by its own field names (the others were checked when they were stored).
  const problems = aliasProblems(all, new Set(models.map((m) => m.id)))
    .filter((p) => p.path.startsWith('aliases[0].'))
    .map((p) => ({ path: p.path.slice('aliases[0].'.length), message: p.message }));
  // An alias another alias names as a target would make that one two levels deep.
  const namedBy = aliases.find((a) => a.id !== alias.id && a.targets.some((t) => t.model === alias.id));
  if ((await ctx.store.routers.list()).some((r) => r.id === alias.id)) problems.push({ path: 'id', message: `${alias.id} is already a router` });
  if (namedBy) problems.push({ path: 'id', message: `${alias.id} is a target of alias ${namedBy.id}: a target must be a model` });
  if (problems.length > 0) throw invalid(problems, 'invalid_body');
  await ctx.store.aliases.put(alias);
  await ctx.catalog.reload();
}
