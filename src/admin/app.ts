import { Hono } from 'hono';
import type { GatewayContext } from '../gateway/context.js';
import { requireAdminKey } from './auth.js';
import { renderError } from './errors.js';
import { keyRoutes } from './keys.js';
import { logRoutes } from './logs.js';
import { modelRoutes } from './models.js';
import { openApiDocument } from './openapi.js';
import { upstreamRoutes } from './upstreams.js';
import { usageRoutes } from './usage.js';

/**
 * The control plane, mounted at /admin/api. Every write goes to the Store and
 * then rebuilds the in-memory catalog, so the next data-plane request sees it
 * without a restart. Errors are in OpenAI's shape (errors.ts).
 */
export function createAdminApp(ctx: GatewayContext): Hono {
  const app = new Hono();
  // Hono keeps a sub-app's error handler when it is mounted with `route()`.
  app.onError((err, c) => renderError(c, err, ctx.log));

  // Public, and registered before the guard: Hono runs matching handlers in
  // registration order and this one answers without calling next().
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  app.use('*', requireAdminKey(ctx));
  app.route('/upstreams', upstreamRoutes(ctx));
  app.route('/models', modelRoutes(ctx));
  app.route('/keys', keyRoutes(ctx));
  app.route('/usage', usageRoutes(ctx));
  app.route('/logs', logRoutes(ctx));
  return app;
}
