import { Hono, type Context } from 'hono';
import type { AdminDeps } from './deps.js';
import type { UpstreamKind } from '../config/schema.js';
import type { CredentialRecord, UpstreamRecord } from '../store/types.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../policy/secrets.js';
import { newId } from '../policy/keys.js';
import { maskSecret } from '../policy/secrets.js';
import { sealCredential } from './apply-config.js';
import { UpstreamFailure } from '../providers/http.js';
import { UpstreamStatusError } from '../providers/upstream-json.js';
import { pollDeviceCode, requestDeviceCode } from '../providers/copilot/device-flow.js';
import { codeFromPaste, exchangeCode, startPkceLogin } from '../providers/codex/oauth.js';
import { codexCredentialOf, codexLabelOf, serializeCodexCredential, type CodexCredential } from '../providers/codex/credential.js';
import { CODEX_REDIRECT_URI } from '../providers/codex/constants.js';
import { claudeOAuthOf, exchangeClaudeCode, startClaudeLogin } from '../providers/claude-code/oauth.js';
import { claudeCodeLabelOf, serializeClaudeCodeCredential, type ClaudeCodeCredential } from '../providers/claude-code/credential.js';
import { syncModels, UnknownUpstream } from '../routing/model-sync.js';
import { AdminError, invalid, notFound, readBody } from './errors.js';
import { credentialView } from './upstreams.js';
import { claudeCodeFinishBody, codexFinishBody, codexImportBody, copilotPollBody } from './schemas.js';

/** How long a started Codex or Claude sign-in waits for its code. */
const CODEX_LOGIN_TTL_MS = 10 * 60_000;

/**
 * /upstreams/:id/…: the sign-in flows that put credentials into copilot,
 * codex and claude-code upstreams (GitHub device flow; ChatGPT PKCE sign-in;
 * import of the Codex CLI's auth.json; Claude PKCE sign-in), and model
 * catalog sync. Credentials made here are
 * sealed and stored like any other.
 */
export function upstreamLoginRoutes(ctx: AdminDeps): Hono {
  const http = ctx.http;
  const app = new Hono();

  app.post('/:id/sync-models', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'));
    try {
      return c.json({ upstream: upstream.id, models: await syncModels(ctx, upstream.id) });
    } catch (err) {
      if (err instanceof UnknownUpstream) throw notFound('upstream', upstream.id, 'id');
      return upstreamError(c, err, ctx.log);
    }
  });

  app.post('/:id/login/copilot/start', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'copilot');
    try {
      return c.json(await requestDeviceCode(http, upstream, c.req.raw.signal));
    } catch (err) {
      return upstreamError(c, err, ctx.log);
    }
  });

  app.post('/:id/login/copilot/poll', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'copilot');
    const body = await readBody(c, copilotPollBody);
    let poll;
    try {
      poll = await pollDeviceCode(http, upstream, body.deviceCode, c.req.raw.signal);
    } catch (err) {
      return upstreamError(c, err, ctx.log);
    }
    if (poll.kind === 'pending') return c.json({ status: 'pending' as const, ...(poll.interval !== undefined ? { interval: poll.interval } : {}) });
    if (poll.kind !== 'done') return c.json({ status: poll.kind });
    const record = await addSignedInCredential(ctx.store, ctx.secrets, upstream.id, { secret: poll.token, label: body.label ?? 'copilot (device flow)' });
    await ctx.catalog.reload();
    return c.json({ status: 'done' as const, credential: credentialView(record) }, 201);
  });

  app.post('/:id/login/codex/start', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'codex');
    const login = await startPkceLogin(upstream);
    // Kept in the database, sealed, so the sign-in can be finished through any replica; the PKCE verifier never leaves the gateway.
    const now = ctx.now();
    const sealed = await ctx.secrets.encrypt(login.verifier);
    await ctx.store.signIns.put({ id: login.state, upstreamId: upstream.id, sealed, expiresAt: now + CODEX_LOGIN_TTL_MS }, now);
    return c.json({ url: login.url, state: login.state, redirectUri: CODEX_REDIRECT_URI, expiresIn: CODEX_LOGIN_TTL_MS / 1000 });
  });

  app.post('/:id/login/codex/finish', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'codex');
    const body = await readBody(c, codexFinishBody);
    const pending = await ctx.store.signIns.get(body.state, ctx.now());
    if (!pending || pending.upstreamId !== upstream.id)
      throw invalid([{ path: 'state', message: 'no sign-in of this upstream was started with this state, or it expired; start again' }], 'invalid_body');
    let code: string;
    try {
      code = codeFromPaste(body.callback, body.state);
    } catch (err) {
      throw invalid([{ path: 'callback', message: (err as Error).message }], 'invalid_body');
    }
    let tokens: CodexCredential;
    try {
      tokens = await exchangeCode(http, upstream, code, await ctx.secrets.decrypt(pending.sealed), c.req.raw.signal);
    } catch (err) {
      return upstreamError(c, err, ctx.log);
    }
    await ctx.store.signIns.delete(body.state);
    const record = await addCodexCredential(ctx.store, ctx.secrets, upstream.id, tokens, body.label);
    await ctx.catalog.reload();
    return c.json({ status: 'done' as const, credential: credentialView(record) }, 201);
  });

  app.post('/:id/login/claude-code/start', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'claude-code');
    const login = await startClaudeLogin(upstream);
    // As codex's: kept sealed in the database so any replica can finish it.
    const now = ctx.now();
    const sealed = await ctx.secrets.encrypt(login.verifier);
    await ctx.store.signIns.put({ id: login.state, upstreamId: upstream.id, sealed, expiresAt: now + CODEX_LOGIN_TTL_MS }, now);
    return c.json({ url: login.url, state: login.state, redirectUri: claudeOAuthOf(upstream).redirectUri, expiresIn: CODEX_LOGIN_TTL_MS / 1000 });
  });

  app.post('/:id/login/claude-code/finish', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'claude-code');
    const body = await readBody(c, claudeCodeFinishBody);
    const pending = await ctx.store.signIns.get(body.state, ctx.now());
    if (!pending || pending.upstreamId !== upstream.id)
      throw invalid([{ path: 'state', message: 'no sign-in of this upstream was started with this state, or it expired; start again' }], 'invalid_body');
    let code: string;
    try {
      code = codeFromPaste(body.code, body.state);
    } catch (err) {
      throw invalid([{ path: 'code', message: (err as Error).message }], 'invalid_body');
    }
    let tokens: ClaudeCodeCredential;
    try {
      tokens = await exchangeClaudeCode(http, upstream, code, body.state, await ctx.secrets.decrypt(pending.sealed), c.req.raw.signal);
    } catch (err) {
      return upstreamError(c, err, ctx.log);
    }
    await ctx.store.signIns.delete(body.state);
    const record = await addClaudeCodeCredential(ctx.store, ctx.secrets, upstream.id, tokens, body.label);
    await ctx.catalog.reload();
    return c.json({ status: 'done' as const, credential: credentialView(record) }, 201);
  });

  app.post('/:id/import-codex', async (c) => {
    const upstream = await findUpstream(ctx.store, c.req.param('id'), 'codex');
    const body = await readBody(c, codexImportBody);
    let tokens: CodexCredential;
    try {
      tokens = codexCredentialOf(body.tokens);
    } catch (err) {
      throw invalid([{ path: 'tokens', message: (err as Error).message }], 'invalid_body');
    }
    const record = await addCodexCredential(ctx.store, ctx.secrets, upstream.id, tokens, body.label);
    await ctx.catalog.reload();
    return c.json({ status: 'done' as const, credential: credentialView(record) }, 201);
  });

  return app;
}

/** Seals and stores a credential a sign-in produced, under a new id. The caller reloads the catalog. */
export async function addSignedInCredential(
  store: Store,
  box: SecretBox,
  upstreamId: string,
  credential: { secret: string; label: string; hint?: string },
): Promise<CredentialRecord> {
  const sealed = await sealCredential(box, upstreamId, newId('cred'), { key: credential.secret, weight: 1, label: credential.label });
  const record = credential.hint ? { ...sealed, hint: credential.hint } : sealed;
  await store.upstreams.putCredential(record);
  return record;
}

/** Codex tokens as a credential: the JSON secret, labelled with the account, hinted by its access token. */
export function addCodexCredential(store: Store, box: SecretBox, upstreamId: string, tokens: CodexCredential, label?: string): Promise<CredentialRecord> {
  return addSignedInCredential(store, box, upstreamId, {
    secret: serializeCodexCredential(tokens),
    label: label ?? codexLabelOf(tokens),
    hint: maskSecret(tokens.access_token),
  });
}

/** Claude tokens as a credential: the JSON secret, labelled with the account, hinted by its access token. */
export function addClaudeCodeCredential(store: Store, box: SecretBox, upstreamId: string, tokens: ClaudeCodeCredential, label?: string): Promise<CredentialRecord> {
  return addSignedInCredential(store, box, upstreamId, {
    secret: serializeClaudeCodeCredential(tokens),
    label: label ?? claudeCodeLabelOf(tokens),
    hint: maskSecret(tokens.access_token),
  });
}

export async function findUpstream(store: Store, id: string, kind?: UpstreamKind): Promise<UpstreamRecord> {
  const found = (await store.upstreams.list()).find((u) => u.id === id);
  if (!found) throw notFound('upstream', id, 'id');
  if (kind && found.kind !== kind) throw new AdminError(400, `upstream ${id} is of kind ${found.kind}; this sign-in is for ${kind} upstreams`, 'id', 'wrong_kind');
  return found;
}

/**
 * An upstream (or sign-in server) that failed or refused: 502 in the admin
 * API's error shape, with what it said.
 */
function upstreamError(c: Context, err: unknown, log: (message: string) => void): Response {
  if (err instanceof AdminError) throw err;
  const known = err instanceof UpstreamFailure || err instanceof UpstreamStatusError;
  if (!known) log(`admin: upstream call failed on ${c.req.method} ${c.req.path}: ${(err as Error).stack ?? String(err)}`);
  const code = err instanceof UpstreamStatusError ? `upstream_status_${err.status}` : err instanceof UpstreamFailure ? `upstream_${err.kind}` : 'upstream_failed';
  return c.json({ error: { message: (err as Error).message, type: 'upstream_error', param: null, code } }, 502);
}
