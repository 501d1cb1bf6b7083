import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { guardAdminApi, refuseCrossSiteWrites } from './auth.js';
import { renderError } from './errors.js';
import { keyRoutes } from './keys.js';
import { keyLimitRoutes, limitRoutes } from './limits.js';
import { priceRoutes } from './prices.js';
import { logRoutes } from './logs.js';
import { logExportRoutes } from './logs-export.js';
import { overviewRoutes } from './overview.js';
import { performanceRoutes } from './performance.js';
import { configRoutes } from './config-io.js';
import { modelRoutes } from './models.js';
import { aliasRoutes } from './aliases.js';
import { routerRoutes } from './routers.js';
import { promptRoutes } from './prompts.js';
import { openApiDocument } from './openapi.js';
import { upstreamRoutes } from './upstreams.js';
import { upstreamLoginRoutes } from './upstream-login.js';
import { credentialHealthRoutes } from './credential-health.js';
import { usageRoutes } from './usage.js';
import { securityRoutes } from './security.js';
import { settingsRoutes } from './settings.js';
import { hostedToolsRoutes } from './hosted-tools.js';
import { cacheRoutes } from './cache.js';
import { liveRoutes } from './live.js';
import { playgroundRoutes } from './playground.js';
import { logExportDestinationRoutes } from './log-export.js';
import { alertRoutes } from './alerts.js';
import { REVISION_TOPIC } from '../store/change-feed.js';
import { auditTrail } from './audit-trail.js';
import { auditRoutes } from './audit.js';
import { signInRoutes } from './sign-in.js';
import { userRoutes } from './users.js';
import { keyRequestRoutes } from './key-requests.js';

/**
 * The control plane, mounted at /admin/api. Every write goes to the Store and
 * then rebuilds the in-memory catalog, so the next data-plane request sees it
 * without a restart; other replicas see it at their next look at the Store's
 * revision, which a hint on the change feed makes at once. Errors are in OpenAI's shape (errors.ts).
 */
export function createAdminApp(ctx: AdminDeps): Hono {
  const app = new Hono();
  // Hono keeps a sub-app's error handler when it is mounted with `route()`.
  app.onError((err, c) => renderError(c, err, ctx.log));

  // Public, and registered before the guard: Hono runs matching handlers in
  // registration order and this one answers without calling next().
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  app.use('*', refuseCrossSiteWrites());
  // Around the guard: it records wrong admin keys and refused calls as well as every write the guard lets through.
  app.use('*', auditTrail(ctx));
  // Authenticates, sets c.get('principal'), and enforces each route's `access` from the route table (access.ts).
  app.use('*', guardAdminApi(ctx));
  // Other replicas find every write by polling the Store's revision; the hint makes them look now.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.res.status >= 400) return;
    ctx.changes.publish(REVISION_TOPIC).catch((err: unknown) => ctx.log(`publishing a change hint failed: ${String(err)}`));
  });
  // Before /upstreams: its paths (/health, /upstreams/:id/health, …/check, …/enable) are more specific.
  app.route('/', credentialHealthRoutes(ctx));
  app.route('/upstreams', upstreamRoutes(ctx));
  app.route('/upstreams', upstreamLoginRoutes(ctx));
  app.route('/models', modelRoutes(ctx));
  app.route('/aliases', aliasRoutes(ctx));
  app.route('/routers', routerRoutes(ctx));
  app.route('/prompts', promptRoutes(ctx));
  app.route('/keys', keyRoutes(ctx));
  app.route('/keys', keyLimitRoutes(ctx));
  app.route('/limits', limitRoutes(ctx));
  app.route('/prices', priceRoutes(ctx));
  app.route('/usage', usageRoutes(ctx));
  app.route('/cache', cacheRoutes(ctx));
  // Before /logs, whose `/:id` would otherwise take `export` for a row id.
  app.route('/logs/export', logExportRoutes(ctx));
  app.route('/logs', logRoutes(ctx));
  app.route('/security', securityRoutes(ctx));
  app.route('/settings', settingsRoutes(ctx));
  app.route('/hosted-tools', hostedToolsRoutes(ctx));
  app.route('/overview', overviewRoutes(ctx));
  app.route('/config', configRoutes(ctx));
  app.route('/audit', auditRoutes(ctx));
  app.route('/live', liveRoutes(ctx));
  app.route('/session', signInRoutes(ctx));
  app.route('/users', userRoutes(ctx));
  app.route('/key-requests', keyRequestRoutes(ctx));
  app.route('/playground', playgroundRoutes(ctx));
  app.route('/log-export', logExportDestinationRoutes(ctx));
  app.route('/alerts', alertRoutes(ctx, ctx.alerts));
  app.route('/performance', performanceRoutes(ctx));
  return app;
}
