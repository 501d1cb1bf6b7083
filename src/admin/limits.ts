import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { ownerScope, principalOf } from './principal.js';
import { keyBudgetSchema, keyLimitsSchema } from '../config/schema.js';
import { globalScope, groupScope, keyScope } from '../policy/limit-rules.js';
import { notFound, readBody } from './errors.js';

/** PUT /limits/global and /limits/groups/:id: the scope's whole rule; a part left out or null is removed. */
export const scopeRuleBody = z.strictObject({
  limits: keyLimitsSchema.nullable().default(null),
  budget: keyBudgetSchema.nullable().default(null),
});

const DIMENSIONS = ['rpm', 'tpm', 'concurrent', 'budget-usd', 'budget-tokens'] as const;

export const scopeStatusView = z.object({
  limits: keyLimitsSchema.nullable(),
  budget: keyBudgetSchema.nullable(),
  counters: z
    .array(
      z.object({
        dimension: z.enum(DIMENSIONS),
        limit: z.number(),
        used: z.number().describe('requests, tokens or USD counted in the current minute or period, in-flight reservations included'),
        remaining: z.number(),
        resetAt: z.number().int().nullable().describe('epoch ms when the minute or period ends; null for concurrency and `total` budgets'),
      }),
    )
    .describe('one row per limit or budget the scope has'),
  blocks: z.partialRecord(z.enum(DIMENSIONS), z.number().int()).describe('requests refused by this scope since the gateway started'),
});

export const groupStatusView = scopeStatusView.extend({ id: z.string() });

export const keyStatusView = scopeStatusView.extend({ id: z.string(), name: z.string(), group: z.string() });

export const countersHealthView = z
  .object({
    store: z.enum(['memory', 'redis', 'durable-objects']),
    state: z
      .enum(['up', 'down'])
      .describe(
        'down: Redis cannot be reached, and requests are counted by each replica alone (failOpen) or refused with 503 (failClosed); on Workers, a Durable Object could not be reached, and requests are let through uncounted by it (failOpen) or refused',
      ),
    onUnavailable: z.enum(['failOpen', 'failClosed']).nullable(),
    downSince: z.number().int().nullable().describe('epoch ms the current outage began'),
    lastError: z.string().nullable().describe('the error that began the current or last outage'),
    outages: z.number().int().describe('outages since the gateway started'),
    countedAlone: z.number().int().describe('requests this replica counted alone during outages'),
    refused: z.number().int().describe('requests refused because the counters could not be reached'),
    replicas: z.number().int().describe('what limits are divided by during an outage'),
  })
  .describe('where requests are counted, and how that store is doing');

export const limitsReportView = z.object({
  countersHealth: countersHealthView,
  global: scopeStatusView,
  groups: z.array(groupStatusView),
  blocks: z.object({
    total: z.number().int(),
    byReason: z.record(z.string(), z.number().int()).describe('`<key|group|global>.<dimension>`, e.g. `key.rpm`, `group.budget-usd`'),
  }),
});

/**
 * /limits: group and gateway-wide limits and budgets (a key's own are edited
 * with PATCH /keys/:id), their live counters, and refused requests counted
 * by reason. Changes apply to the next request.
 */
export function limitRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  const groupStatus = async (id: string) => {
    const rule = ctx.limits.rules().groups.get(id);
    if (!rule) throw notFound('group rule', id, 'id');
    const { rule: r, ...status } = await ctx.limits.status(groupScope(id, rule));
    return { id, ...r, ...status };
  };
  const globalStatus = async () => {
    const { rule, ...status } = await ctx.limits.status(globalScope(ctx.limits.rules().global));
    return { ...rule, ...status };
  };

  app.get('/', async (c) => {
    const ids = [...ctx.limits.rules().groups.keys()].sort();
    return c.json({ countersHealth: ctx.limits.countersHealth(), global: await globalStatus(), groups: await Promise.all(ids.map(groupStatus)), blocks: ctx.limits.blocks() });
  });

  app.get('/global', async (c) => c.json(await globalStatus()));
  app.put('/global', async (c) => {
    await ctx.limits.setGlobalRule(await readBody(c, scopeRuleBody));
    return c.json(await globalStatus());
  });

  app.get('/groups/:id', async (c) => c.json(await groupStatus(c.req.param('id'))));
  app.put('/groups/:id', async (c) => {
    const id = c.req.param('id');
    const existed = ctx.limits.rules().groups.has(id);
    await ctx.limits.setGroupRule(id, await readBody(c, scopeRuleBody));
    if (!ctx.limits.rules().groups.has(id)) return c.json({ id, deleted: true });
    return c.json(await groupStatus(id), existed ? 200 : 201);
  });
  app.delete('/groups/:id', async (c) => {
    const id = c.req.param('id');
    if (!ctx.limits.rules().groups.has(id)) throw notFound('group rule', id, 'id');
    await ctx.limits.setGroupRule(id, null);
    return c.json({ id, deleted: true });
  });

  return app;
}

/** /keys/:id/limits: a key's own limits and budget with their live counters. */
export function keyLimitRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  app.get('/:id/limits', async (c) => {
    const id = c.req.param('id');
    const key = ctx.catalog.current().keysById.get(id) ?? (await ctx.store.keys.list()).find((k) => k.id === id);
    // A member asking for another's key hears what a missing one says.
    const owner = ownerScope(principalOf(c));
    if (!key || (owner !== undefined && key.ownerId !== owner)) throw notFound('key', id, 'id');
    const { rule, ...status } = await ctx.limits.status(keyScope(key));
    return c.json({ id: key.id, name: key.name, group: key.group, ...rule, ...status });
  });
  return app;
}
