import type { Context } from 'hono';
import type { DataPlaneDeps } from '../deps.js';
import { SETUP_AGENTS, redeemSetupToken, type SetupAgent } from '../../policy/setup-tokens.js';
import { displayPrefix, hashClientKey } from '../../policy/keys.js';
import { mayAskFor } from '../../routing/aliases.js';
import { kindOf } from '../../routing/model-kind.js';
import { resolveClientAddress } from '../../policy/client-address.js';
import { refuseUnlisted } from '../../policy/client-access.js';
import { publicBaseUrl } from '../../policy/public-url.js';
import { GatewayError } from '../../protocols/errors.js';
import { agentSetup, defaultModel } from './agents.js';
import { posixRefusal, posixScript } from './posix.js';
import { powershellRefusal, powershellScript } from './powershell.js';

type ScriptKind = 'sh' | 'ps1';

/**
 * GET /setup/<token>/<agent>.sh|.ps1: the one-line setup of a coding agent
 * (policy/setup-tokens.ts). Public by design: the token is the credential.
 * A token that is malformed, unknown, used or expired gets a 404 whose body
 * is a script that prints why and fails, never a key; wrong tokens are
 * counted by source address and, past a few, that address waits before it
 * may try again (policy/sign-in-throttle.ts), so tokens cannot be guessed
 * cheaply even besides their 256 random bits.
 */
export async function serveSetupScript(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  // Hono answers HEAD with the GET route: a HEAD (a link checker's) must not use the link up.
  if (c.req.method === 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET' } });
  const match = /^(claude|codex|gemini|opencode)\.(sh|ps1)$/.exec(c.req.param('file') ?? '');
  const kind: ScriptKind = c.req.param('file')?.endsWith('.ps1') ? 'ps1' : 'sh';
  if (!match) return refuse(kind, 404, `no such setup script; the scripts are ${SETUP_AGENTS.map((a) => `${a}.sh`).join(', ')} and the same as .ps1`);
  const agent = match[1] as SetupAgent;

  const access = ctx.settings.current();
  const address = resolveClientAddress(ctx.io.clientAddress(c), c.req.header('x-forwarded-for'), access.proxyTrust);
  try {
    refuseUnlisted(ctx.refusals, access.ipAllowlist, address);
  } catch (err) {
    if (err instanceof GatewayError) return refuse(kind, 403, err.message);
    throw err;
  }
  const wait = ctx.setupTries.waitMs(address);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    ctx.refusals.count('failedClientAuth', address, `setup link: throttled after wrong tokens, ${seconds} s to wait`);
    return refuse(kind, 429, `too many wrong setup links from this address: try again in ${seconds} s`, { 'retry-after': String(seconds) });
  }

  const plain = await redeemSetupToken(ctx.setupTokens, ctx.secrets, c.req.param('token') ?? '', ctx.now());
  const snapshot = ctx.catalog.current();
  const key = plain === undefined ? undefined : await ctx.catalog.findKey(snapshot, await hashClientKey(plain));
  if (plain === undefined || !key || key.revokedAt !== null) {
    ctx.setupTries.failed(address);
    ctx.refusals.count('failedClientAuth', address, 'setup link: unknown, used or expired token');
    return refuse(kind, 404, 'this setup link is unknown, used or expired (each link works once, for a short time): ask for a new one');
  }
  ctx.setupTries.succeeded(address);

  // The chat models (listed aliases too) this key may ask for: an agent set up on an embedding or image model could not answer.
  const offered = [...snapshot.models.keys(), ...snapshot.listedModels.keys(), ...[...snapshot.aliases.values()].filter((a) => a.listed !== false).map((a) => a.id), ...[...snapshot.routers.values()].filter((r) => r.record.listed).map((r) => r.record.id)];
  const models = [...new Set(offered)].filter((id) => mayAskFor(key, snapshot, id) && kindOf(snapshot, id) === 'chat').sort();
  const model = defaultModel(agent, models);
  const baseUrl = publicBaseUrl(ctx.publicUrl, c.req.url, c.req.raw.headers, access.proxyTrust);
  const setup = agentSetup(agent, { baseUrl, key: plain, model, models });
  const intro = { baseUrl, keyPrefix: displayPrefix(plain), model };
  return script(kind, 200, kind === 'sh' ? posixScript(setup, intro) : powershellScript(setup, intro));
}

function refuse(kind: ScriptKind, status: number, message: string, headers: Record<string, string> = {}): Response {
  return script(kind, status, kind === 'sh' ? posixRefusal(message) : powershellRefusal(message), headers);
}

/** Plain text (a shell pipes it, `irm` gives it to `iex` as a string), never stored by a cache: it may hold a key. */
function script(kind: ScriptKind, status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers },
  });
}
