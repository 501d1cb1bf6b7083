import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { AdminError, conflict, invalid, notFound, readBody } from './errors.js';
import { logExportDestinationSchema, LOG_EXPORT_KINDS, type LogExportDestination } from '../config/log-export-schema.js';
import { loadDestinations, saveDestination } from '../log-export/destinations.js';
import { maskSecret, SECRET_HELP } from '../policy/secrets.js';

/**
 * /log-export: where request rows are exported (docs/observability.md).
 * Destinations are stored sealed; the figures (queued, sent, dropped) are
 * this process's: each replica exports the rows it wrote.
 */
export function logExportDestinationRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const stats = new Map(ctx.logExport.stats().map((s) => [s.id, s]));
    const destinations = await loadDestinations(ctx.store, ctx.secrets, ctx.log);
    return c.json({ data: destinations.map((d) => ({ ...destinationView(d), stats: stats.get(d.id) ?? null })) });
  });

  app.post('/', async (c) => {
    const dest = await readBody(c, logExportDestinationSchema);
    if ((await ctx.store.logExports.list()).some((r) => r.id === dest.id)) throw conflict(`a destination with id ${dest.id} already exists; PUT /log-export/{id} replaces it`, 'id');
    await save(ctx, dest);
    return c.json(destinationView(dest), 201);
  });

  app.put('/:id', async (c) => {
    const id = c.req.param('id');
    const body = await readBody(c, z.record(z.string(), z.unknown()));
    const parsed = logExportDestinationSchema.safeParse({ ...body, id });
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })), 'invalid_body');
    const existed = (await ctx.store.logExports.list()).some((r) => r.id === id);
    await save(ctx, parsed.data);
    return c.json(destinationView(parsed.data), existed ? 200 : 201);
  });

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.logExports.delete(id))) throw notFound('log export destination', id, 'id');
    ctx.logExport.configure(await loadDestinations(ctx.store, ctx.secrets, ctx.log));
    return c.json({ id, deleted: true as const });
  });

  return app;
}

async function save(ctx: AdminDeps, dest: LogExportDestination): Promise<void> {
  if (!ctx.secrets.canSeal) throw new AdminError(400, `log export destinations are stored encrypted and this gateway has no secret: ${SECRET_HELP}`, 'id', 'secret_required');
  if (dest.kind === 'file' && !ctx.canWriteFiles) throw invalid([{ path: 'kind', message: 'this platform writes no files: a `file` destination works on the Node server only' }], 'invalid_body');
  await saveDestination(ctx.store, ctx.secrets, dest, ctx.now());
  // This replica exports to it at once; the others read it within a few seconds (the log-export job).
  ctx.logExport.configure(await loadDestinations(ctx.store, ctx.secrets, ctx.log));
}

/** A destination as the admin API shows it: tokens, keys and passwords masked, header values left out. */
export function destinationView(dest: LogExportDestination) {
  switch (dest.kind) {
    case 'splunk-hec':
      return { ...dest, token: maskSecret(dest.token) };
    case 'datadog':
      return { ...dest, apiKey: maskSecret(dest.apiKey) };
    case 'elastic':
      return { ...dest, ...(dest.apiKey ? { apiKey: maskSecret(dest.apiKey) } : {}), ...(dest.password ? { password: '…' } : {}) };
    case 'http-jsonl':
      return { ...dest, headers: Object.fromEntries(Object.keys(dest.headers).map((name) => [name, '…'])) };
    case 'file':
      return dest;
    default:
      return dest satisfies never;
  }
}

const exportStatsView = z.object({
  id: z.string(),
  kind: z.enum(LOG_EXPORT_KINDS),
  enabled: z.boolean(),
  queued: z.number(),
  queuedBytes: z.number(),
  sentEvents: z.number(),
  sentBatches: z.number(),
  dropped: z.object({ overflow: z.number(), refused: z.number() }).describe('Events not exported: the queue was full (overflow), or the destination refused them for good.'),
  failedBatches: z.number(),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  lastSentAt: z.number().nullable(),
});

/** A destination (secrets masked) with this process's figures for it. */
export const logExportDestinationView = z.object({ id: z.string(), kind: z.enum(LOG_EXPORT_KINDS), stats: exportStatsView.nullable() }).loose();
