import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import type { PromptRecord, PromptVersionRecord } from '../store/types.js';
import { promptNameSchema, promptSpecSchema } from '../config/prompt-schema.js';
import { promptProblems } from '../prompts/checks.js';
import { invalid, notFound, readBody } from './errors.js';

/** PUT /prompts/{name}: the template's spec; every save is a new version, published at once. */
export const putPromptBody = promptSpecSchema;

/** POST /prompts/{name}/rollback: the saved version to publish again. */
export const rollbackPromptBody = z.strictObject({ version: z.number().int().min(1).describe('a version listed by GET /prompts/{name}/versions') });

export const promptVersionView = z.object({
  name: z.string(),
  version: z.number().int(),
  createdAt: z.number().int().describe('epoch ms the version was saved'),
  spec: promptSpecSchema,
});

export const promptView = promptVersionView.extend({
  version: z.number().int().describe('the published version: what POST /v1/prompts/{name} serves'),
  latestVersion: z.number().int().describe('the newest saved version (above `version` after a rollback)'),
  updatedAt: z.number().int().describe('epoch ms of the last save or rollback'),
  endpoint: z.string().describe('the path clients call'),
});

export const deletedPromptView = z.object({ name: z.string(), deleted: z.literal(true) });

/**
 * /prompts: prompt templates published as endpoints (docs/prompts.md).
 * A save is checked whole (the spec, its placeholders, its variables'
 * JSON Schema; every problem named) and stored as the next version, which
 * is published; a rollback publishes an older one. Every replica serves the
 * published version from its snapshot.
 */
export function promptRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ data: (await ctx.store.prompts.list()).map(promptViewOf) }));

  app.get('/:name', async (c) => c.json(promptViewOf(await findPrompt(ctx, c.req.param('name')))));

  app.put('/:name', async (c) => {
    const name = checkedName(c.req.param('name'));
    const spec = await readBody(c, putPromptBody);
    const problems = promptProblems(spec);
    if (problems.length > 0) throw invalid(problems, 'invalid_body');
    const existed = ctx.catalog.current().prompts.has(name) || (await ctx.store.prompts.versions(name)).length > 0;
    await ctx.store.prompts.save(name, spec, ctx.now());
    await ctx.catalog.reload();
    return c.json(promptViewOf(await findPrompt(ctx, name)), existed ? 200 : 201);
  });

  app.delete('/:name', async (c) => {
    const { name } = await findPrompt(ctx, c.req.param('name'));
    await ctx.store.prompts.delete(name);
    await ctx.catalog.reload();
    return c.json({ name, deleted: true as const });
  });

  app.get('/:name/versions', async (c) => {
    const { name } = await findPrompt(ctx, c.req.param('name'));
    return c.json({ data: (await ctx.store.prompts.versions(name)).map(versionViewOf) });
  });

  app.post('/:name/rollback', async (c) => {
    const { name } = await findPrompt(ctx, c.req.param('name'));
    const { version } = await readBody(c, rollbackPromptBody);
    if (!(await ctx.store.prompts.publish(name, version, ctx.now()))) throw notFound(`version of prompt ${name}`, String(version), 'version');
    await ctx.catalog.reload();
    return c.json(promptViewOf(await findPrompt(ctx, name)));
  });

  return app;
}

function checkedName(name: string): string {
  const parsed = promptNameSchema.safeParse(name);
  if (!parsed.success) throw invalid([{ path: 'name', message: parsed.error.issues[0].message }], 'invalid_path');
  return name;
}

async function findPrompt(ctx: AdminDeps, name: string): Promise<PromptRecord> {
  const found = (await ctx.store.prompts.list()).find((p) => p.name === name);
  if (!found) throw notFound('prompt template', name, 'name');
  return found;
}

function versionViewOf(v: PromptVersionRecord): z.infer<typeof promptVersionView> {
  return { name: v.name, version: v.version, createdAt: v.createdAt, spec: v.spec };
}

function promptViewOf(p: PromptRecord): z.infer<typeof promptView> {
  return { ...versionViewOf(p), latestVersion: p.latestVersion, updatedAt: p.updatedAt, endpoint: `/v1/prompts/${p.name}` };
}
