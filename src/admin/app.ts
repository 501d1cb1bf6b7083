import { Hono } from 'hono';
import type { GatewayContext } from '../gateway/context.js';

/** The control plane under /admin/api (being written). */
export function createAdminApp(ctx: GatewayContext): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true, adminKeySet: ctx.adminKey.length > 0 }));
  return app;
}
