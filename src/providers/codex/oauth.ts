import type { UpstreamRecord } from '../../store/types.js';
import type { HttpClient } from '../http.js';
import { joinUrl } from '../provider.js';
import { requestJson } from '../upstream-json.js';
import { pkcePair, type PkceLogin } from '../pkce.js';
import { AUTH_URL, CODEX_CLIENT_ID, CODEX_ORIGINATOR, CODEX_REDIRECT_URI, CODEX_SCOPE } from './constants.js';
import { codexCredentialOf, type CodexCredential } from './credential.js';

/**
 * ChatGPT sign-in as the Codex CLI does it: OAuth 2.0 authorization code with
 * PKCE (S256) against the OpenAI sign-in server, and refresh with the
 * refresh token. The redirect goes to the Codex CLI's local callback URL;
 * the gateway does not listen there, so the user pastes the URL the browser
 * lands on (or just its code) back.
 * @see https://datatracker.ietf.org/doc/html/rfc7636
 */

type AuthEndpoints = Pick<UpstreamRecord, 'settings' | 'timeouts'>;

function authUrl(upstream: AuthEndpoints): string {
  return upstream.settings?.authUrl ?? AUTH_URL;
}

/** A fresh verifier, its S256 challenge and a state, and the authorize URL built from them. */
export async function startPkceLogin(upstream: AuthEndpoints): Promise<PkceLogin> {
  const { verifier, challenge, state } = await pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CODEX_CLIENT_ID,
    redirect_uri: CODEX_REDIRECT_URI,
    scope: CODEX_SCOPE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    // As the Codex CLI asks: the organizations in the id token, and its own sign-in page.
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    state,
    originator: CODEX_ORIGINATOR,
  });
  return { url: `${joinUrl(authUrl(upstream), '/oauth/authorize')}?${query}`, state, verifier };
}

export { codeFromPaste, pkceChallenge, type PkceLogin } from '../pkce.js';

/** Exchanges the authorization code (with the PKCE verifier) for tokens. */
export async function exchangeCode(http: HttpClient, upstream: AuthEndpoints, code: string, verifier: string, signal: AbortSignal): Promise<CodexCredential> {
  const answer = await requestJson(
    http,
    { headers: {}, timeouts: upstream.timeouts },
    {
      url: joinUrl(authUrl(upstream), '/oauth/token'),
      form: { grant_type: 'authorization_code', code, redirect_uri: CODEX_REDIRECT_URI, client_id: CODEX_CLIENT_ID, code_verifier: verifier },
    },
    signal,
  );
  return withExpiry(answer);
}

/**
 * New tokens for a refresh token. OpenAI rotates refresh tokens: the old one
 * stops working, so the answer must be stored before anything else.
 */
export async function refreshCodexTokens(http: HttpClient, upstream: AuthEndpoints, current: CodexCredential, signal: AbortSignal): Promise<CodexCredential> {
  const answer = (await requestJson(
    http,
    { headers: {}, timeouts: upstream.timeouts },
    {
      url: joinUrl(authUrl(upstream), '/oauth/token'),
      json: { client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_token: current.refresh_token, scope: 'openid profile email' },
    },
    signal,
  )) as Record<string, unknown>;
  // A refresh answer may leave out what did not change.
  return withExpiry({ ...current, expires_at: undefined, ...answer });
}

/** `expires_in` (seconds) of a token answer as `expires_at` (epoch ms). */
function withExpiry(answer: unknown): CodexCredential {
  const a = { ...(answer as Record<string, unknown>) };
  if (typeof a.expires_in === 'number') a.expires_at = Date.now() + a.expires_in * 1000;
  delete a.expires_in;
  return codexCredentialOf(a);
}
