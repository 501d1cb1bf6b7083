import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { displayPrefix, generateClientKey, hashClientKey, newId } from '../policy/keys.js';
import type { KeyRecord } from '../store/types.js';
import { requireSecretForStoring } from '../stored-responses/stored-response.js';
import { conflict, notFound, readBody, readQuery } from './errors.js';
import { createKeyBody, keysQuery, patchKeyBody, type KeyView } from './schemas.js';
import { MissingSecretError } from '../policy/secrets.js';
import { mintSetupToken, setupCommands, SETUP_TOKEN_TTL_MS } from '../policy/setup-tokens.js';
import { publicBaseUrl } from '../policy/public-url.js';
import { principalOf, ownerScope, type Principal } from './principal.js';
import { AdminError } from './errors.js';
import { capRefusal, withCapDefaults, type CapRefusal, type KeyShape } from './caps.js';
import { signedInUser } from './sign-in.js';

/**
 * /keys: client keys. The plaintext exists only in the response that creates
 * it; afterwards only its hash (never shown) and a display prefix remain.
 * Keys are never deleted, only revoked, so their usage stays attributable.
 * A member sees and changes only the keys they own, inside the caps an
 * admin set for them (caps.ts); another member's key is a 404.
 */
export function keyRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const { q, revoked, limit, offset } = readQuery(c, keysQuery);
    const needle = q?.toLowerCase();
    const owner = ownerScope(principalOf(c));
    const matching = (await ctx.store.keys.list()).filter(
      (k) =>
        (owner === undefined || k.ownerId === owner) &&
        (revoked === 'include' || (revoked === 'only') === (k.revokedAt !== null)) &&
        (!needle || [k.name, k.group, k.prefix].some((text) => text.toLowerCase().includes(needle))),
    );
    const end = limit === undefined ? matching.length : offset + limit;
    return c.json({ data: matching.slice(offset, end).map(keyView), hasMore: end < matching.length, total: matching.length });
  });

  app.get('/:id', async (c) => c.json(keyView(await findKey(ctx, c.req.param('id'), principalOf(c)))));

  app.post('/', async (c) => {
    const body = await readBody(c, createKeyBody);
    const principal = principalOf(c);
    const all = await ctx.store.keys.list();
    if (all.some((k) => k.name === body.name))
      throw conflict(`a key named ${body.name} already exists`, 'name');
    let shape: KeyShape = { group: body.group, models: body.models ?? null, limits: body.limits ?? null, budget: body.budget ?? null };
    let ownerId = body.ownerId ?? null;
    if (ownerScope(principal) !== undefined) {
      // A member's key is their own, and inside their caps: what they left out comes from the caps.
      const user = await signedInUser(ctx, c);
      if (ownerId !== null && ownerId !== user.id) throw new AdminError(403, 'a member makes keys for themselves only', 'ownerId', 'admin_only');
      ownerId = user.id;
      const snapshot = ctx.catalog.current();
      shape = withCapDefaults(shape, user.caps, snapshot, { models: body.models !== undefined, limits: body.limits !== undefined, budget: body.budget !== undefined, group: body.group !== 'default' });
      const active = all.filter((k) => k.ownerId === user.id && k.revokedAt === null).length;
      refuseCap(capRefusal(snapshot, user.caps, shape, active));
    } else if (ownerId !== null && !(await ctx.store.users.get(ownerId))) {
      throw new AdminError(400, `ownerId: no user with id ${JSON.stringify(ownerId)}`, 'ownerId', 'invalid_body');
    }
    // The link holds the key sealed: refused before the key is made, so a refusal changes nothing.
    if (body.setup && !ctx.secrets.canSeal) throw new MissingSecretError('setup: one-line setup links cannot be made');
    const plain = generateClientKey();
    const record: KeyRecord = {
      id: newId('key'),
      name: body.name,
      hash: await hashClientKey(plain),
      prefix: displayPrefix(plain),
      ...shape,
      ownerId,
      cache: body.cache ?? null,
      ipAllowlist: body.ipAllowlist && body.ipAllowlist.length > 0 ? body.ipAllowlist : null,
      responses: requireSecretForStoring(body.responses ?? null, ctx.secrets.canSeal),
      prompts: body.prompts ?? null,
      source: 'admin',
      createdAt: ctx.now(),
      revokedAt: null,
    };
    try {
      await ctx.store.keys.put(record);
    } catch (err) {
      // Two creations racing past the check above: the unique index on name decides.
      if (/unique/i.test(String(err))) throw conflict(`a key named ${body.name} already exists`, 'name');
      throw err;
    }
    await ctx.catalog.reload();
    if (!body.setup) return c.json({ ...keyView(record), key: plain }, 201);
    const ttlMs = body.setup === true ? SETUP_TOKEN_TTL_MS : (body.setup.ttlMinutes === undefined ? SETUP_TOKEN_TTL_MS : body.setup.ttlMinutes * 60_000);
    const link = await mintSetupToken(ctx.store, ctx.secrets, plain, ctx.now(), ttlMs);
    const baseUrl = publicBaseUrl(ctx.publicUrl, c.req.url, c.req.raw.headers, ctx.settings.current().proxyTrust);
    const setup = { url: `${baseUrl}/setup/${link.token}`, expiresAt: link.expiresAt, commands: setupCommands(baseUrl, link.token) };
    return c.json({ ...keyView(record), key: plain, setup }, 201);
  });

  app.patch('/:id', async (c) => {
    const principal = principalOf(c);
    const current = await findKey(ctx, c.req.param('id'), principal);
    const patch = await readBody(c, patchKeyBody);
    const next: KeyRecord = {
      ...current,
      group: patch.group ?? current.group,
      models: patch.models === undefined ? current.models : patch.models,
      limits: patch.limits === undefined ? current.limits : patch.limits,
      budget: patch.budget === undefined ? current.budget : patch.budget,
      cache: patch.cache === undefined ? (current.cache ?? null) : patch.cache,
      ipAllowlist: patch.ipAllowlist === undefined ? (current.ipAllowlist ?? null) : patch.ipAllowlist?.length ? patch.ipAllowlist : null,
      responses: patch.responses === undefined ? (current.responses ?? null) : requireSecretForStoring(patch.responses, ctx.secrets.canSeal),
      prompts: patch.prompts === undefined ? (current.prompts ?? null) : patch.prompts,
    };
    // A member's change must keep the key inside their caps (the key count is not at stake).
    if (ownerScope(principal) !== undefined) refuseCap(capRefusal(ctx.catalog.current(), (await signedInUser(ctx, c)).caps, next, undefined));
    // A new budget counts what the key already spent this period: read before it is enforced.
    await ctx.limits.prepareKey(next);
    await ctx.store.keys.put(next);
    await ctx.catalog.reload();
    return c.json(keyView(await findKey(ctx, current.id, principal)));
  });

  const revoke = async (id: string, principal: Principal): Promise<KeyView> => {
    const key = await findKey(ctx, id, principal);
    // Revoking twice keeps the first time.
    if (key.revokedAt === null) {
      await ctx.store.keys.revoke(key.id, ctx.now());
      await ctx.catalog.reload();
    }
    return keyView(await findKey(ctx, key.id, principal));
  };
  app.post('/:id/revoke', async (c) => c.json(await revoke(c.req.param('id'), principalOf(c))));
  app.delete('/:id', async (c) => c.json(await revoke(c.req.param('id'), principalOf(c))));

  return app;
}

/** Everything but the hash. */
export function keyView(k: KeyRecord): KeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    group: k.group,
    models: k.models,
    limits: k.limits,
    budget: k.budget,
    cache: k.cache ?? null,
    ipAllowlist: k.ipAllowlist ?? null,
    responses: k.responses ?? null,
    prompts: k.prompts ?? null,
    source: k.source,
    ownerId: k.ownerId ?? null,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  };
}

/** The key, if the principal may see it: a member asking for another's key hears what a missing one says. */
async function findKey(ctx: AdminDeps, id: string, principal: Principal): Promise<KeyRecord> {
  const found = (await ctx.store.keys.list()).find((k) => k.id === id);
  const owner = ownerScope(principal);
  if (!found || (owner !== undefined && found.ownerId !== owner)) throw notFound('key', id, 'id');
  return found;
}

/** 403 naming the cap the key goes past; a member may file a key request instead (POST /key-requests). */
export function refuseCap(refusal: CapRefusal | undefined): void {
  if (refusal)
    throw new AdminError(403, `past your caps (${refusal.cap}): ${refusal.message}; ask an admin with POST /admin/api/key-requests`, refusal.cap, 'cap_exceeded');
}
