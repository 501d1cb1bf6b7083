import { Hono } from 'hono';
import { createDataPlane, notFound } from '../gateway/app.js';
import type { DataPlaneDeps } from '../gateway/deps.js';
import { createAdminApp } from '../admin/app.js';
import type { AdminDeps } from '../admin/deps.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Config } from '../config/schema.js';
import type { MetricsSource } from '../telemetry/metrics-source.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import { checkReadiness, type ReadinessDeps } from './readiness.js';
import { siteAnswerFor } from './dashboard-paths.js';
import { metricsRoute } from './metrics-route.js';

/** Answers a GET for the dashboard: a file of the built web app, or its index.html. */
export type StaticSite = (request: Request) => Promise<Response>;

export interface HttpAppParts {
  dataPlane: DataPlaneDeps;
  admin: AdminDeps;
  site?: StaticSite;
  log: Runtime['log'];
  readiness: ReadinessDeps;
  metrics: { settings: Config['metrics']; source?: MetricsSource };
}

/**
 * The whole HTTP surface: the data plane under /v1 and /v1beta, the control
 * plane under /admin/api, the probes (/healthz, /readyz), /metrics, and the
 * dashboard. Platforms only call its `fetch`.
 */
export function createHttpApp(parts: HttpAppParts): Hono {
  const app = new Hono();
  app.route('/', createDataPlane(parts.dataPlane));
  app.route('/admin/api', createAdminApp(parts.admin));
  // Alive: answers while the process does, touching nothing else.
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Ready: the database and the limit counters answer (app/readiness.ts); 503 with what failed otherwise.
  app.get('/readyz', async (c) => {
    const readiness = await checkReadiness(parts.readiness);
    return c.json(readiness, readiness.ok ? 200 : 503, { 'cache-control': 'no-store' });
  });
  if (parts.metrics.settings.enabled) app.get('/metrics', metricsRoute(parts.metrics.settings, parts.metrics.source, parts.admin));

  // The dashboard (web/), asked last so every route above wins: its pages for a browser, its files, and nothing else.
  const site = parts.site;
  app.notFound(async (c) => {
    const answer = site ? siteAnswerFor(c.req.method, c.req.path, c.req.header('accept')) : 'none';
    if (answer === 'none') return notFound(c);
    const res = await site!(c.req.raw);
    return res.status === 404 ? notFound(c) : res;
  });
  app.onError((err, c) => {
    parts.log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? String(err)}`, 'error');
    const { status, body } = encodeError('openai', new GatewayError('SB_ERR_INTERNAL', 'internal error'));
    return c.json(body, status as 500);
  });
  return app;
}
