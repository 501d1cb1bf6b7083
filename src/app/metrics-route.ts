import type { Context } from 'hono';
import type { Config } from '../config/schema.js';
import type { MetricsSource } from '../telemetry/metrics-source.js';
import { adminClientAddress, constantTimeEqual, throttled, type AdminKeyGuard } from '../admin/auth.js';
import { errorBody } from '../admin/errors.js';

/**
 * GET /metrics: the platform's metrics in Prometheus text, for a bearer of
 * the metrics token or the admin key (either works, so a scraper can hold a
 * token that opens nothing else). Enabled on a platform without a metrics
 * registry (Workers), it answers 501 saying so. Since the admin key opens it,
 * wrong tokens are counted and throttled like wrong admin keys.
 */
export function metricsRoute(settings: Config['metrics'], source: MetricsSource | undefined, guard: AdminKeyGuard) {
  const tokens = [settings.token, guard.adminKey].filter((t): t is string => !!t);
  return async (c: Context): Promise<Response> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const address = match ? adminClientAddress(guard, c) : undefined;
    const wait = guard.signIns.waitMs(address);
    if (wait > 0) return throttled(c, guard, address, wait);
    let allowed = false;
    // Every token is compared (no early exit), so the time taken does not say which one nearly matched.
    for (const token of tokens) if (match && (await constantTimeEqual(match[1], token))) allowed = true;
    if (match) {
      if (allowed) guard.signIns.succeeded(address);
      else {
        guard.signIns.failed(address);
        guard.refusals.count('failedAdminAuth', address, 'invalid metrics token');
      }
    }
    if (!allowed) {
      c.header('WWW-Authenticate', 'Bearer realm="switchboard-metrics"');
      const message = match ? 'invalid metrics token' : 'missing metrics token: send Authorization: Bearer <metrics.token or the admin key>';
      return c.json(errorBody(401, message, null, match ? 'invalid_metrics_token' : 'missing_metrics_token'), 401);
    }
    if (!source) return c.json(errorBody(500, 'metrics are not served on this platform (Prometheus metrics need the Node server)', null, 'metrics_unavailable'), 501);
    return c.body(await source.scrape(), 200, { 'content-type': source.contentType, 'cache-control': 'no-store' });
  };
}
