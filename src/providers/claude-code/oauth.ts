import type { UpstreamRecord } from '../../store/types.js';
import type { HttpClient } from '../http.js';
import { requestJson } from '../upstream-json.js';
import { pkcePair, type PkceLogin } from '../pkce.js';
import { CLAUDE_AUTHORIZE_URL, CLAUDE_CLIENT_ID, CLAUDE_REDIRECT_URI, CLAUDE_SCOPE, CLAUDE_TOKEN_URL } from './constants.js';
import { claudeCodeCredentialOf, type ClaudeCodeCredential } from './credential.js';

/**
 * Claude sign-in as the Claude Code CLI does it without a local callback:
 * OAuth 2.0 authorization code with PKCE (S256); the browser lands on a
 * console.anthropic.com page that shows `code#state`, which the user pastes
 * back; code exchange and refresh are JSON posts to the token endpoint.
 * Every endpoint, the client id and the scopes are the upstream's `oauth`
 * settings, defaulting to the CLI's (constants.ts).
 * @see https://datatracker.ietf.org/doc/html/rfc7636
 */

type AuthSettings = Pick<UpstreamRecord, 'settings' | 'timeouts'>;

export function claudeOAuthOf(upstream: AuthSettings) {
  const o = upstream.settings?.oauth;
  return {
    authorizeUrl: o?.authorizeUrl ?? CLAUDE_AUTHORIZE_URL,
    tokenUrl: o?.tokenUrl ?? CLAUDE_TOKEN_URL,
    redirectUri: o?.redirectUri ?? CLAUDE_REDIRECT_URI,
    clientId: o?.clientId ?? CLAUDE_CLIENT_ID,
    scope: o?.scope ?? CLAUDE_SCOPE,
  };
}

/** A fresh verifier, challenge and state, and the authorize URL built from them. */
export async function startClaudeLogin(upstream: AuthSettings): Promise<PkceLogin> {
  const oauth = claudeOAuthOf(upstream);
  const { verifier, challenge, state } = await pkcePair();
  const query = new URLSearchParams({
    // Asks for the page that shows the code (`code#state`) instead of a redirect to a local server.
    code: 'true',
    client_id: oauth.clientId,
    response_type: 'code',
    redirect_uri: oauth.redirectUri,
    scope: oauth.scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  return { url: `${oauth.authorizeUrl}?${query}`, state, verifier };
}

/** Exchanges the pasted code (with the state and the PKCE verifier) for tokens. */
export async function exchangeClaudeCode(
  http: HttpClient,
  upstream: AuthSettings,
  code: string,
  state: string,
  verifier: string,
  signal: AbortSignal,
): Promise<ClaudeCodeCredential> {
  const oauth = claudeOAuthOf(upstream);
  const answer = await requestJson(
    http,
    { headers: {}, timeouts: upstream.timeouts },
    {
      url: oauth.tokenUrl,
      json: { grant_type: 'authorization_code', code, state, client_id: oauth.clientId, redirect_uri: oauth.redirectUri, code_verifier: verifier },
    },
    signal,
  );
  return withExpiry(answer, {});
}

/**
 * New tokens for a refresh token. The answer carries a new refresh token;
 * it is stored before anything else, as the old one may be spent.
 */
export async function refreshClaudeTokens(http: HttpClient, upstream: AuthSettings, current: ClaudeCodeCredential, signal: AbortSignal): Promise<ClaudeCodeCredential> {
  const oauth = claudeOAuthOf(upstream);
  const answer = await requestJson(
    http,
    { headers: {}, timeouts: upstream.timeouts },
    { url: oauth.tokenUrl, json: { grant_type: 'refresh_token', refresh_token: current.refresh_token, client_id: oauth.clientId } },
    signal,
  );
  // A refresh answer may leave out what did not change (the account, even the refresh token).
  return withExpiry(answer, { ...current, expires_at: undefined });
}

/** `expires_in` (seconds) of a token answer as `expires_at` (epoch ms), over what was known. */
function withExpiry(answer: unknown, known: Partial<ClaudeCodeCredential>): ClaudeCodeCredential {
  const a: Record<string, unknown> = { ...known, ...(answer as Record<string, unknown>) };
  if (typeof a.expires_in === 'number') a.expires_at = Date.now() + a.expires_in * 1000;
  return claudeCodeCredentialOf(a);
}
