import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { AdminError, conflict, notFound, readBody, readQuery } from './errors.js';
import { describePrincipal, ownerScope, principalOf, type Principal } from './principal.js';
import { signedInUser } from './sign-in.js';
import { createKeyRequestBody, decideKeyRequestBody, keyRequestsQuery, type KeyRequestView } from './user-schemas.js';
import { displayPrefix, generateClientKey, hashClientKey, newId } from '../policy/keys.js';
import type { KeyRecord, KeyRequestRecord } from '../store/types.js';
import { keyView } from './keys.js';

/**
 * /key-requests: a member asks for a key beyond their caps, with a reason;
 * an admin approves or rejects it, with a note. Approval makes the key for
 * the member at once (listed, owned by them), but not usable: its secret is
 * made only when the member fetches it (`POST …/claim`), once, so the
 * plaintext is seen by the member alone and never stored, sealed or not.
 */
export function keyRequestRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const user = await signedInUser(ctx, c);
    const { reason, ...spec } = await readBody(c, createKeyRequestBody);
    const request: KeyRequestRecord = {
      id: newId('kreq'),
      userId: user.id,
      spec,
      reason,
      state: 'pending',
      note: null,
      decidedBy: null,
      decidedAt: null,
      keyId: null,
      claimedAt: null,
      createdAt: ctx.now(),
    };
    await ctx.store.keyRequests.put(request);
    return c.json(await view(ctx, request), 201);
  });

  app.get('/', async (c) => {
    const { state } = readQuery(c, keyRequestsQuery);
    const found = await ctx.store.keyRequests.list({ userId: ownerScope(principalOf(c)), state });
    const names = new Map((await ctx.store.users.list()).map((u) => [u.id, u.name]));
    return c.json({ data: found.map((r) => viewWith(r, names.get(r.userId) ?? null)) });
  });

  app.get('/:id', async (c) => c.json(await view(ctx, await findRequest(ctx, c.req.param('id'), principalOf(c)))));

  app.post('/:id/approve', async (c) => {
    const principal = principalOf(c);
    const request = await findRequest(ctx, c.req.param('id'), principal);
    const { note } = await readBody(c, decideKeyRequestBody);
    pending(request);
    const owner = await ctx.store.users.get(request.userId);
    if (!owner) throw conflict('the user who asked was deleted: reject the request instead', null, 'user_gone');
    if ((await ctx.store.keys.list()).some((k) => k.name === request.spec.name))
      throw conflict(`a key named ${request.spec.name} already exists: reject the request, or rename that key first`, null, 'already_exists');
    // Unusable until claimed: the hash of a secret nobody ever sees.
    const key: KeyRecord = {
      id: newId('key'),
      name: request.spec.name,
      hash: await hashClientKey(generateClientKey()),
      prefix: '(not yet fetched)',
      group: request.spec.group ?? 'default',
      models: request.spec.models ?? null,
      limits: request.spec.limits ?? null,
      budget: request.spec.budget ?? null,
      source: 'request',
      ownerId: owner.id,
      createdAt: ctx.now(),
      revokedAt: null,
    };
    const decided = { state: 'approved' as const, note: note ?? null, decidedBy: describePrincipal(principal), decidedAt: ctx.now(), keyId: key.id };
    // The decision first: of two admins approving at once, one makes the key.
    if (!(await ctx.store.keyRequests.decide(request.id, decided))) throw decidedAlready();
    await ctx.store.keys.put(key);
    await ctx.catalog.reload();
    return c.json(await view(ctx, { ...request, ...decided }));
  });

  app.post('/:id/reject', async (c) => {
    const principal = principalOf(c);
    const request = await findRequest(ctx, c.req.param('id'), principal);
    const { note } = await readBody(c, decideKeyRequestBody);
    pending(request);
    const decided = { state: 'rejected' as const, note: note ?? null, decidedBy: describePrincipal(principal), decidedAt: ctx.now(), keyId: null };
    if (!(await ctx.store.keyRequests.decide(request.id, decided))) throw decidedAlready();
    return c.json(await view(ctx, { ...request, ...decided }));
  });

  // The member fetches the approved key's secret, once: it is made now, and only its hash is kept.
  app.post('/:id/claim', async (c) => {
    const user = await signedInUser(ctx, c);
    const request = await ctx.store.keyRequests.get(c.req.param('id'));
    // Only the member who asked may fetch it, admins included: the secret is theirs.
    if (!request || request.userId !== user.id) throw notFound('key request', c.req.param('id'), 'id');
    if (request.state !== 'approved' || request.keyId === null)
      throw conflict(`the request is ${request.state}: only an approved request has a key to fetch`, null, 'not_approved');
    const key = (await ctx.store.keys.list()).find((k) => k.id === request.keyId);
    if (!key || key.revokedAt !== null) throw conflict('the key of this request was revoked', null, 'key_revoked');
    if (!(await ctx.store.keyRequests.claim(request.id, ctx.now())))
      throw conflict("the key's secret was already fetched: it is shown once (an admin can revoke the key, and you may ask again)", null, 'already_claimed');
    const plain = generateClientKey();
    const usable: KeyRecord = { ...key, hash: await hashClientKey(plain), prefix: displayPrefix(plain) };
    await ctx.store.keys.put(usable);
    await ctx.catalog.reload();
    return c.json({ ...keyView(usable), key: plain });
  });

  return app;
}

/** The request, if the principal may see it: a member sees their own, and another's is a 404. */
async function findRequest(ctx: AdminDeps, id: string, principal: Principal): Promise<KeyRequestRecord> {
  const found = await ctx.store.keyRequests.get(id);
  const owner = ownerScope(principal);
  if (!found || (owner !== undefined && found.userId !== owner)) throw notFound('key request', id, 'id');
  return found;
}

function pending(request: KeyRequestRecord): void {
  if (request.state !== 'pending') throw decidedAlready(request.state);
}

function decidedAlready(state = 'decided'): AdminError {
  return conflict(`the request was already ${state}`, null, 'already_decided');
}

async function view(ctx: AdminDeps, r: KeyRequestRecord): Promise<KeyRequestView> {
  return viewWith(r, (await ctx.store.users.get(r.userId))?.name ?? null);
}

function viewWith(r: KeyRequestRecord, userName: string | null): KeyRequestView {
  return {
    id: r.id,
    userId: r.userId,
    userName,
    spec: r.spec,
    reason: r.reason,
    state: r.state,
    note: r.note,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    keyId: r.keyId,
    claimed: r.claimedAt !== null,
    createdAt: r.createdAt,
  };
}
