import { Hono } from 'hono';
import { createDataPlane, notFound } from '../gateway/app.js';
import type { DataPlaneDeps } from '../gateway/deps.js';
import { createAdminApp } from '../admin/app.js';
import type { AdminDeps } from '../admin/deps.js';
import type { Runtime } from '../runtime/runtime.js';
import { encodeError, GatewayError } from '../protocols/errors.js';

/** Answers a GET for the dashboard: a file of the built web app, or its index.html. */
export type StaticSite = (request: Request) => Promise<Response>;

/** Paths the dashboard never answers for, even when nothing else does: the APIs stay in their own error shapes. */
const API_PATHS = /^\/(v1|v1beta|admin\/api|healthz)(\/|$)/;

/**
 * The whole HTTP surface: the data plane under /v1 and /v1beta, the control
 * plane under /admin/api, /healthz, and the dashboard. Platforms only call
 * its `fetch`.
 */
export function createHttpApp(parts: { dataPlane: DataPlaneDeps; admin: AdminDeps; site?: StaticSite; log: Runtime['log'] }): Hono {
  const app = new Hono();
  app.route('/', createDataPlane(parts.dataPlane));
  app.route('/admin/api', createAdminApp(parts.admin));
  app.get('/healthz', (c) => c.json({ ok: true }));

  // The dashboard (web/), registered last so every API route above wins; GET only, so it also answers HEAD.
  const site = parts.site;
  if (site) app.get('*', (c) => (API_PATHS.test(c.req.path) ? notFound(c) : site(c.req.raw)));

  app.notFound(notFound);
  app.onError((err, c) => {
    parts.log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? String(err)}`, 'error');
    const { status, body } = encodeError('openai', new GatewayError('SB_ERR_INTERNAL', 'internal error'));
    return c.json(body, status as 500);
  });
  return app;
}
