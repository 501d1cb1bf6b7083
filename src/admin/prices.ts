import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { priceSchema } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { PriceEntry, PriceTable } from '../usage/cost.js';
import { notFound, readBody } from './errors.js';

/** The settings row that holds prices set through the admin API, as JSON. */
const SETTING = 'prices';

const adminTableSchema = z.record(z.string(), priceSchema);

/** Prices set through the admin API (read once at start; changes apply in memory at once). */
export async function loadAdminPrices(store: Store): Promise<PriceTable> {
  const text = await store.settings.get(SETTING);
  return text === undefined ? {} : adminTableSchema.parse(JSON.parse(text));
}

export const priceEntryView = z.object({
  model: z.string().describe('a model id, upstream or public; dated snapshots of it share its price'),
  price: priceSchema.describe('USD per million tokens'),
  source: z.enum(['shipped', 'config', 'admin']).describe('the layer the price in force comes from: admin over config over shipped'),
});

export const deletedPriceView = z.object({
  model: z.string(),
  deleted: z.literal(true),
  now: priceEntryView.nullable().describe('the price in force after the admin one is gone (config or shipped), or null'),
});

/**
 * /prices: the effective price table and the admin layer over it. Writes go
 * to the database and to the in-memory price book together, so the next
 * request is priced with them.
 */
export function priceRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  const entry = (model: string): PriceEntry | undefined => ctx.priceBook.entries().find((e) => e.model === model);
  const save = async (table: PriceTable) => {
    await ctx.store.settings.set(SETTING, JSON.stringify(table));
    ctx.priceBook.setAdminPrices(table);
  };

  app.get('/', (c) => c.json({ data: ctx.priceBook.entries() }));

  app.get('/:model', (c) => {
    const model = c.req.param('model');
    const found = entry(model);
    if (!found) throw notFound('price', model, 'model');
    return c.json(found);
  });

  app.put('/:model', async (c) => {
    const model = c.req.param('model');
    const price = await readBody(c, priceSchema);
    const table = ctx.priceBook.adminPrices();
    const created = !Object.hasOwn(table, model);
    await save({ ...table, [model]: price });
    return c.json(entry(model), created ? 201 : 200);
  });

  app.delete('/:model', async (c) => {
    const model = c.req.param('model');
    const table = ctx.priceBook.adminPrices();
    if (!Object.hasOwn(table, model)) throw notFound('admin price', model, 'model');
    delete table[model];
    await save(table);
    return c.json({ model, deleted: true, now: entry(model) ?? null });
  });

  return app;
}
