import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { AdminError, invalid, notFound, readBody } from './errors.js';
import { alertRuleSchema, alertWebhookSchema, type AlertsSettings } from '../config/alerts-schema.js';
import { loadWebhooks, saveWebhook, webhookView } from '../alerts/webhooks.js';
import { sendTest } from '../alerts/alerter.js';
import { newId } from '../policy/keys.js';
import { SECRET_HELP } from '../policy/secrets.js';

/**
 * /alerts (docs/alerts.md): rules and webhooks (create or replace by id,
 * delete), a test message to a webhook, and the state the dashboard shows:
 * open firings, the latest firings and deliveries.
 */
export function alertRoutes(ctx: AdminDeps, settings: AlertsSettings): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const [rules, webhooks, open, firings, deliveries] = await Promise.all([
      ctx.store.alerts.rules.list(),
      loadWebhooks(ctx.store, ctx.secrets, ctx.log),
      ctx.store.alerts.openFirings(),
      ctx.store.alerts.recentFirings(50),
      ctx.store.alerts.recentDeliveries(50),
    ]);
    return c.json({
      rules: rules.map((rule) => ({ ...rule, firing: open.filter((f) => f.ruleId === rule.id).length })),
      webhooks: webhooks.map(webhookView),
      open,
      firings,
      deliveries,
    });
  });

  app.put('/rules/:id', async (c) => {
    const body = await readBody(c, z.record(z.string(), z.unknown()));
    const parsed = alertRuleSchema.safeParse({ ...body, id: c.req.param('id') });
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })), 'invalid_body');
    const existed = (await ctx.store.alerts.rules.list()).some((r) => r.id === parsed.data.id);
    await ctx.store.alerts.rules.put(parsed.data, ctx.now());
    return c.json(parsed.data, existed ? 200 : 201);
  });

  app.delete('/rules/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.alerts.rules.delete(id))) throw notFound('alert rule', id, 'id');
    return c.json({ id, deleted: true as const });
  });

  app.put('/webhooks/:id', async (c) => {
    if (!ctx.secrets.canSeal) throw new AdminError(400, `webhooks are stored encrypted and this gateway has no secret: ${SECRET_HELP}`, 'id', 'secret_required');
    const id = c.req.param('id');
    const body = await readBody(c, z.record(z.string(), z.unknown()));
    const existed = (await ctx.store.alerts.webhooks.list()).some((r) => r.id === id);
    const parsed = alertWebhookSchema.safeParse({ ...(existed ? await keepStoredSecrets(ctx, id, body) : body), id });
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })), 'invalid_body');
    await saveWebhook(ctx.store, ctx.secrets, parsed.data, ctx.now());
    return c.json(webhookView(parsed.data), existed ? 200 : 201);
  });

  app.delete('/webhooks/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.alerts.webhooks.delete(id))) throw notFound('webhook', id, 'id');
    return c.json({ id, deleted: true as const });
  });

  app.post('/webhooks/:id/test', async (c) => {
    const id = c.req.param('id');
    const webhook = (await loadWebhooks(ctx.store, ctx.secrets, ctx.log)).find((w) => w.id === id);
    if (!webhook) throw notFound('webhook', id, 'id');
    const delivery = await sendTest(
      { store: ctx.store, catalog: ctx.catalog, pools: ctx.pools, limits: ctx.limits, secrets: ctx.secrets, http: ctx.http, sleep: ctx.sleep, now: ctx.now, log: ctx.log, settings, newId: () => newId('alrt') },
      webhook,
    );
    return c.json(delivery);
  });

  return app;
}

/**
 * An edit of a stored webhook: a blank or absent `url` and an absent
 * `headers` keep the stored ones. The API shows them masked, so a client
 * editing the format or turning it off cannot send them back; `headers: {}`
 * removes them.
 */
async function keepStoredSecrets(ctx: AdminDeps, id: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const keepUrl = body.url === undefined || (typeof body.url === 'string' && body.url.trim() === '');
  const keepHeaders = body.headers === undefined;
  if (!keepUrl && !keepHeaders) return body;
  const stored = (await loadWebhooks(ctx.store, ctx.secrets, ctx.log)).find((w) => w.id === id);
  if (!stored) throw invalid([{ path: keepUrl ? 'url' : 'headers', message: 'the stored webhook cannot be read (was the secret changed?): give its url and headers again' }], 'invalid_body');
  return { ...body, ...(keepUrl ? { url: stored.url } : {}), ...(keepHeaders ? { headers: stored.headers } : {}) };
}

/** PUT /alerts/webhooks/{id}'s body as the OpenAPI document shows it: the webhook, whose url and headers an edit may leave out. */
export const putAlertWebhookBody = alertWebhookSchema.omit({ id: true }).extend({
  url: z.string().optional().describe('Where firings are POSTed; blank or absent on an edit: the stored URL.'),
  headers: z.record(z.string().min(1), z.string()).optional().describe('Sent with every message; absent on an edit: the stored headers (`{}` removes them).'),
});

export const alertDeliveryView = z.object({ id: z.string(), firingId: z.string().nullable(), webhookId: z.string(), event: z.string(), ok: z.boolean(), status: z.number().nullable(), tries: z.number(), error: z.string().nullable(), at: z.number() });
export const alertWebhookView = z.object({ id: z.string(), url: z.string(), format: z.string(), headers: z.array(z.string()), enabled: z.boolean() });
export const alertFiringView = z.object({ id: z.string(), ruleId: z.string(), scope: z.string(), kind: z.string(), value: z.number(), threshold: z.number(), message: z.string(), startedAt: z.number(), resolvedAt: z.number().nullable() });
/** A rule as stored, with how many firings of it are open (the dashboard's Alerts page reads these shapes). */
export const alertRuleStateView = z.intersection(alertRuleSchema, z.object({ firing: z.number() }));
export const alertsView = z.object({
  rules: z.array(alertRuleStateView),
  webhooks: z.array(alertWebhookView),
  open: z.array(alertFiringView),
  firings: z.array(alertFiringView),
  deliveries: z.array(alertDeliveryView),
});
