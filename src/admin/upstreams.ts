import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { newId } from '../policy/keys.js';
import { DEFAULT_BASE_URL } from '../config/load.js';
import { sealCredential, settingsOf, upstreamRecordOf } from './apply-config.js';
import { UPSTREAM_SETTING_KEYS, type UpstreamSettings } from '../config/schema.js';
import type { CredentialRecord, UpstreamRecord } from '../store/types.js';
import { conflict, invalid, notFound, readBody } from './errors.js';
import { SECRET_HELP } from '../policy/secrets.js';
import { proxyHasLogin, redactProxyUrl, unmaskProxyUrl } from '../providers/proxy-url.js';
import {
  createCredentialBody,
  credentialOrderBody,
  createUpstreamBody,
  patchUpstreamBody,
  type CredentialView,
  type UpstreamView,
} from './schemas.js';

/**
 * /upstreams: provider accounts and their credential pools. Secrets go in
 * once, are sealed with the gateway secret, and come back only as a hint.
 */
export function upstreamRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ data: (await ctx.store.upstreams.list()).map(upstreamView) }));

  app.get('/:id', async (c) => c.json(upstreamView(await findUpstream(ctx, c.req.param('id')))));

  app.post('/', async (c) => {
    const body = await readBody(c, createUpstreamBody);
    if (body.credentials.length > 0) requireSecret(ctx, 'credentials');
    if (body.proxy !== undefined && proxyHasLogin(body.proxy)) requireSecret(ctx, 'proxy');
    const existing = await ctx.store.upstreams.list();
    if (existing.some((u) => u.id === body.id)) throw conflict(`an upstream with id ${body.id} already exists`, 'id');
    const baseUrl = body.baseUrl ?? DEFAULT_BASE_URL[body.kind];
    if (body.kind !== 'mock' && baseUrl === undefined)
      throw invalid([{ path: 'baseUrl', message: `is required for kind ${body.kind}` }], 'invalid_body');
    const ids = body.credentials.map((cred) => cred.id ?? newId('cred'));
    checkCredentialIds(ids, existing, 'credentials');

    await ctx.store.upstreams.put(upstreamRecordOf(body, baseUrl ?? null));
    for (const [i, cred] of body.credentials.entries())
      await ctx.store.upstreams.putCredential(await sealCredential(ctx.secrets, body.id, ids[i], cred));
    await ctx.catalog.reload();
    return c.json(upstreamView(await findUpstream(ctx, body.id)), 201);
  });

  app.patch('/:id', async (c) => {
    const current = await findUpstream(ctx, c.req.param('id'));
    const patch = await readBody(c, patchUpstreamBody);
    // A proxy's user and password are sealed like credentials (policy/sealed-proxy.ts).
    if (typeof patch.proxy === 'string' && patch.proxy !== current.settings?.proxy && proxyHasLogin(patch.proxy)) requireSecret(ctx, 'proxy');
    const { credentials: _credentials, ...record } = current;
    await ctx.store.upstreams.put({
      ...record,
      baseUrl: patch.baseUrl ?? record.baseUrl,
      speaks: patch.speaks ?? record.speaks,
      strategy: patch.strategy ?? record.strategy,
      models: patch.models ?? record.models,
      headers: patch.headers ?? record.headers,
      timeouts: { ...record.timeouts, ...definedOnly(patch.timeouts ?? {}) },
      enabled: patch.enabled ?? record.enabled,
      settings: patchSettings(record.settings ?? {}, patch),
    });
    await ctx.catalog.reload();
    return c.json(upstreamView(await findUpstream(ctx, current.id)));
  });

  app.delete('/:id', async (c) => {
    const { id } = await findUpstream(ctx, c.req.param('id'));
    const users = (await ctx.store.models.list()).filter((m) => m.routes.some((r) => r.upstream === id)).map((m) => m.id);
    if (users.length > 0)
      throw conflict(`upstream ${id} is still routed by model ${users.join(', ')}; change or delete those routes first`, 'id', 'in_use');
    await ctx.store.upstreams.delete(id);
    await ctx.catalog.reload();
    return c.json({ id, deleted: true as const });
  });

  app.post('/:id/credentials', async (c) => {
    const upstream = await findUpstream(ctx, c.req.param('id'));
    const body = await readBody(c, createCredentialBody);
    requireSecret(ctx, 'key');
    const id = body.id ?? newId('cred');
    checkCredentialIds([id], await ctx.store.upstreams.list(), null);
    const record = await sealCredential(ctx.secrets, upstream.id, id, body);
    await ctx.store.upstreams.putCredential(record);
    await ctx.catalog.reload();
    return c.json(credentialView(record), 201);
  });

  app.put('/:id/credentials/order', async (c) => {
    const upstream = await findUpstream(ctx, c.req.param('id'));
    const { ids } = await readBody(c, credentialOrderBody);
    const pool = upstream.credentials.map((cred) => cred.id);
    const same = ids.length === pool.length && new Set(ids).size === ids.length && ids.every((id) => pool.includes(id));
    if (!same) throw invalid([{ path: 'ids', message: `must list each credential of the pool once: ${pool.join(', ')}` }], 'invalid_body');
    await ctx.store.upstreams.orderCredentials(upstream.id, ids);
    await ctx.catalog.reload();
    return c.json(upstreamView(await findUpstream(ctx, upstream.id)));
  });

  app.delete('/:id/credentials/:credentialId', async (c) => {
    const upstream = await findUpstream(ctx, c.req.param('id'));
    const credentialId = c.req.param('credentialId');
    if (!(await ctx.store.upstreams.deleteCredential(upstream.id, credentialId)))
      throw notFound(`credential in upstream ${upstream.id}`, credentialId, 'credentialId');
    await ctx.catalog.reload();
    return c.json({ id: credentialId, deleted: true as const });
  });

  return app;
}

export function upstreamView(u: UpstreamRecord): UpstreamView {
  return {
    id: u.id,
    kind: u.kind,
    baseUrl: u.baseUrl,
    strategy: u.strategy,
    speaks: u.speaks,
    models: u.models,
    headers: u.headers,
    timeouts: u.timeouts,
    enabled: u.enabled,
    ...(u.settings ? { settings: shownSettings(u.settings) } : {}),
    credentials: u.credentials.map(credentialView),
  };
}

/** The settings as shown: a proxy's user and password masked (a PATCH that sends the masked form back keeps the stored one). */
export function shownSettings(settings: UpstreamSettings): UpstreamSettings {
  return settings.proxy ? { ...settings, proxy: redactProxyUrl(settings.proxy) } : settings;
}

/** Never the secret nor its sealed form. */
export function credentialView(c: CredentialRecord): CredentialView {
  return { id: c.id, hint: c.hint, label: c.label, weight: c.weight, enabled: c.enabled };
}

async function findUpstream(ctx: AdminDeps, id: string): Promise<UpstreamRecord> {
  const found = (await ctx.store.upstreams.list()).find((u) => u.id === id);
  if (!found) throw notFound('upstream', id, 'id');
  return found;
}

/**
 * Credential ids are unique across all upstreams (the table's primary key):
 * writing one that exists would silently move it from another upstream.
 */
function checkCredentialIds(ids: string[], upstreams: UpstreamRecord[], field: string | null): void {
  const taken = new Set(upstreams.flatMap((u) => u.credentials.map((cred) => cred.id)));
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    const path = field === null ? 'id' : `${field}[${i}].id`;
    if (seen.has(id)) throw invalid([{ path, message: `duplicate id ${id}` }], 'invalid_body');
    seen.add(id);
    if (taken.has(id)) throw conflict(`a credential with id ${id} already exists`, path);
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Credentials are only ever stored encrypted: without a secret, a write that carries one is refused, saying how to set it. */
function requireSecret(ctx: AdminDeps, field: string): void {
  if (!ctx.secrets.canSeal)
    throw invalid([{ path: field, message: `cannot be stored: the gateway has no secret to encrypt credentials with; ${SECRET_HELP}` }], 'secret_not_set');
}

/** The stored per-kind settings with a patch's applied: a value replaces the stored one, null removes it. */
function patchSettings(stored: UpstreamSettings, patch: { [K in keyof UpstreamSettings]?: UpstreamSettings[K] | null }): UpstreamSettings | undefined {
  const next: Record<string, unknown> = { ...stored };
  for (const key of UPSTREAM_SETTING_KEYS) {
    if (patch[key] === null) delete next[key];
    else if (patch[key] !== undefined) next[key] = patch[key];
  }
  if (typeof next.proxy === 'string') next.proxy = unmaskProxyUrl(next.proxy, stored.proxy);
  return settingsOf(next as Partial<UpstreamSettings>);
}
