import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import type { LiveUpstream } from '../routing/catalog.js';
import { checkCredential } from '../routing/probe.js';
import type { UpstreamRecord } from '../store/types.js';
import { describeIssues, invalid, notFound } from './errors.js';
import type { CredentialHealthView, PoolHealthView } from './schemas.js';

export const setCredentialStateBody = z.strictObject({
  reason: z.string().max(500).optional().describe('why, shown with the state'),
});

/**
 * Credential pools as they stand: each credential's state (healthy, cooling
 * until a time, disabled) with its reason and since when, and its counters;
 * and the hands-on controls: enable, disable, run a validity check.
 * Mounted at the admin root: GET /health (every pool) and /upstreams/:id/….
 */
export function credentialHealthRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/health', (c) => {
    const data = [...ctx.catalog.current().upstreams.values()].map((u) => poolView(ctx, u.record));
    return c.json({ data });
  });

  app.get('/upstreams/:id/health', (c) => c.json(poolView(ctx, live(ctx, c.req.param('id')).record)));

  app.post('/upstreams/:id/check', async (c) => {
    const upstream = live(ctx, c.req.param('id'));
    const results = await Promise.all(
      upstream.credentials.map(async (cred) => ({ credentialId: cred.id, ...(await checkCredential(ctx, upstream, cred)) })),
    );
    return c.json({ data: results.map((r) => ({ credentialId: r.credentialId, ok: r.ok, detail: r.detail, state: r.health.state })) });
  });

  app.post('/upstreams/:id/credentials/:credentialId/check', async (c) => {
    const upstream = live(ctx, c.req.param('id'));
    const credential = upstream.credentials.find((cred) => cred.id === c.req.param('credentialId'));
    if (!credential) throw notFound(`enabled credential in upstream ${upstream.record.id}`, c.req.param('credentialId'), 'credentialId');
    const result = await checkCredential(ctx, upstream, credential);
    return c.json({ credentialId: credential.id, ok: result.ok, detail: result.detail, state: result.health.state });
  });

  app.post('/upstreams/:id/credentials/:credentialId/disable', async (c) => {
    const id = credentialOf(ctx, c.req.param('id'), c.req.param('credentialId'));
    const body = await readOptionalBody(c);
    ctx.pools.set(id, 'disabled', body.reason ?? 'disabled by an admin', 'admin', ctx.now());
    return c.json(credentialHealthView(ctx, id));
  });

  app.post('/upstreams/:id/credentials/:credentialId/enable', async (c) => {
    const id = credentialOf(ctx, c.req.param('id'), c.req.param('credentialId'));
    const body = await readOptionalBody(c);
    ctx.pools.set(id, 'healthy', body.reason ?? 'enabled by an admin', 'admin', ctx.now());
    return c.json(credentialHealthView(ctx, id));
  });

  return app;
}

export function poolView(ctx: AdminDeps, u: UpstreamRecord): PoolHealthView {
  return { upstream: u.id, kind: u.kind, strategy: u.strategy, enabled: u.enabled, credentials: u.credentials.map((c) => credentialHealthView(ctx, c.id)) };
}

export function credentialHealthView(ctx: AdminDeps, credentialId: string): CredentialHealthView {
  const credential = Array.from(ctx.catalog.current().upstreams.values())
    .flatMap((u) => u.record.credentials)
    .find((c) => c.id === credentialId);
  const h = ctx.pools.view(credentialId);
  return {
    id: credentialId,
    hint: credential?.hint ?? '',
    label: credential?.label ?? null,
    weight: credential?.weight ?? 1,
    enabled: credential?.enabled ?? false,
    state: h.state,
    reason: h.reason,
    since: h.since === 0 ? null : h.since,
    until: h.until,
    setBy: h.setBy,
    requests: h.stats.requests,
    errors: h.stats.errors,
    inFlight: h.stats.inFlight,
    tokens: h.stats.tokens,
    lastError: h.stats.lastError,
    lastErrorAt: h.stats.lastErrorAt,
    lastUsedAt: h.stats.lastUsedAt,
    ttfbMs: h.stats.ttfbEwmaMs === null ? null : Math.round(h.stats.ttfbEwmaMs),
    quota: h.quota,
  };
}

function live(ctx: AdminDeps, id: string): LiveUpstream {
  const upstream = ctx.catalog.current().upstreams.get(id);
  if (!upstream) throw notFound('upstream', id, 'id');
  return upstream;
}

function credentialOf(ctx: AdminDeps, upstreamId: string, credentialId: string): string {
  const upstream = live(ctx, upstreamId);
  if (!upstream.record.credentials.some((c) => c.id === credentialId))
    throw notFound(`credential in upstream ${upstreamId}`, credentialId, 'credentialId');
  return credentialId;
}

/** A body is optional for enable / disable; when present it must be valid. */
async function readOptionalBody(c: Context): Promise<z.output<typeof setCredentialStateBody>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const parsed = setCredentialStateBody.safeParse(parseJson(text));
  if (!parsed.success) throw invalid(describeIssues(parsed.error), 'invalid_body');
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid([{ path: 'body', message: 'must be a JSON object' }], 'invalid_body');
  }
}
