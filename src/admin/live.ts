import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { AdminError, readQuery } from './errors.js';
import { resolveKey } from './logs.js';
import { ownerScope, principalOf } from './principal.js';
import { MAX_WATCHERS, type LiveFilter, type LiveRequests } from '../telemetry/live-requests.js';

export const liveQuery = z.object({
  key: z.string().min(1).optional().describe('a key id or key name'),
  model: z.string().min(1).optional().describe('the model asked for (a model or an alias)'),
  upstream: z.string().min(1).optional().describe('an upstream id'),
  status: z
    .string()
    .regex(/^([1-5]\d\d|[1-5]xx)$/, 'must be a status (429) or a class (5xx)')
    .optional()
    .describe('an exact status (429) or a class (2xx, 4xx, 5xx); requests in flight have none, so it shows finished rows only'),
});

/**
 * GET /live: requests as they start and finish, as server-sent events
 * (telemetry/live-requests.ts). Events: `hello` (the requests in flight),
 * `started`, `first-byte`, `finished` (the log row; its bodies are read on
 * demand from /logs/{id}), `gap`, `dropped`; a comment line as heartbeat. A
 * member watches only the requests of their own keys.
 */
export function liveRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const live = ctx.live;
    if (!live) throw new AdminError(501, 'live requests are not served by this gateway: see the request log', null, 'not_implemented');
    const q = readQuery(c, liveQuery);
    const ownerId = ownerScope(principalOf(c));
    const filter: LiveFilter = {
      ownerId,
      keyId: q.key === undefined ? undefined : await resolveKey(ctx, q.key, ownerId),
      model: q.model,
      upstreamId: q.upstream,
      status: q.status === undefined ? undefined : q.status.endsWith('xx') ? { class: Number(q.status[0]) } : { exact: Number(q.status) },
    };
    const stream = live.watch(filter, c.req.raw.signal);
    if (!stream) throw new AdminError(503, `${MAX_WATCHERS} watchers already watch live requests; close one and try again`, null, 'too_many_watchers');
    if (ctx.livePolledByWatchers) pollWhileWatched(ctx, live, c.req.raw.signal);
    return new Response(stream, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Proxies that buffer answers (nginx) would hold the events back.
        'x-accel-buffering': 'no',
      },
    });
  });
  return app;
}

/** How often a watcher's own request runs a round of the live view (as the job does elsewhere). */
const WATCHER_ROUND_MS = 1000;

/**
 * Runs the live view's rounds from the watcher's request until its client
 * leaves (the request's signal) or nobody watches any more (the stream was
 * cancelled, or the gateway closed it). Through `defer`, never floating: on
 * Workers a promise left floating is dropped with its request's I/O and never
 * settles. Rounds of several watchers at once share one (`tick`).
 */
function pollWhileWatched(ctx: AdminDeps, live: LiveRequests, signal: AbortSignal): void {
  ctx.defer(
    (async () => {
      while (!signal.aborted && live.watchers() > 0) {
        try {
          await ctx.sleep(WATCHER_ROUND_MS, signal);
        } catch {
          return; // The client left.
        }
        await live.tick().catch((err: unknown) => ctx.log(`live: a round failed: ${String(err)}`, 'warn'));
      }
    })(),
  );
}
