// Fake Claude sign-in server for the claude-code upstream: POST /v1/oauth/token
// (JSON bodies only, as the real one) for the authorization-code exchange
// (checking the client id, redirect URI, state and the PKCE verifier
// against the challenge of the authorize URL) and for refresh (refresh
// tokens are single-use and rotate). Access tokens look like the real ones
// (sk-ant-oat01-…); the token answer names the account as the real one does.
import { createHash, randomBytes } from 'node:crypto';
import type { FakeUpstream } from './server.js';
import { sendJson, startFakeServer } from './server.js';

export const CLAUDE_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
export const CLAUDE_FAKE_EMAIL = 'claude-user@example.com';

export interface FakeAnthropicAuth extends FakeUpstream {
  /** Plays the browser and the code page: reads the authorize URL, "signs in" and returns what the page shows (`code#state`). */
  authorize(authorizeUrl: string): string;
  /** Mints tokens directly (as an earlier sign-in did). */
  mint(accessTtlSeconds?: number): { access_token: string; refresh_token: string; expires_in: number };
  /** Access tokens issued (or registered) and still valid. */
  isLiveAccessToken(token: string): boolean;
  /** Makes a token valid, as `claude setup-token` makes one for a year. */
  register(token: string, ttlSeconds: number): void;
  /** Refresh grants served. */
  refreshCount(): number;
}

export async function startFakeAnthropicAuth(): Promise<FakeAnthropicAuth> {
  const codes = new Map<string, { challenge: string; redirectUri: string; state: string }>();
  const liveRefresh = new Set<string>();
  const access = new Map<string, number>();
  const counts = { refreshes: 0 };

  const mint = (ttl = 28_800) => {
    const accessToken = `sk-ant-oat01-${randomBytes(24).toString('base64url')}`;
    const refreshToken = `sk-ant-ort01-${randomBytes(24).toString('base64url')}`;
    access.set(accessToken, Date.now() + ttl * 1000);
    liveRefresh.add(refreshToken);
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: ttl };
  };
  const answer = (ttl?: number) => ({
    token_type: 'Bearer',
    ...mint(ttl),
    scope: 'user:inference user:profile',
    organization: { uuid: '11111111-2222-4333-8444-555555555555', name: 'Fake org' },
    account: { uuid: '66666666-7777-4888-9999-000000000000', email_address: CLAUDE_FAKE_EMAIL },
  });

  const server = await startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: { error: 'server_error', error_description: `fake error ${status}` } }),
    async handle(ctx) {
      if (ctx.call.method !== 'POST' || ctx.url.pathname !== '/v1/oauth/token') return sendJson(ctx, 404, { error: 'not_found' });
      if (!ctx.req.headers['content-type']?.startsWith('application/json')) return sendJson(ctx, 400, { error: 'invalid_request', error_description: 'JSON body expected' });
      const params = (ctx.call.body ?? {}) as Record<string, string>;
      if (params.client_id !== CLAUDE_CLIENT_ID) return sendJson(ctx, 401, { error: 'invalid_client' });
      if (params.grant_type === 'authorization_code') {
        const pending = codes.get(params.code ?? '');
        if (!pending) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
        const challenge = createHash('sha256').update(params.code_verifier ?? '').digest('base64url');
        if (challenge !== pending.challenge) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match the challenge' });
        if (params.redirect_uri !== pending.redirectUri) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'redirect_uri differs' });
        if (params.state !== pending.state) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'state differs' });
        codes.delete(params.code ?? '');
        return sendJson(ctx, 200, answer());
      }
      if (params.grant_type === 'refresh_token') {
        if (!liveRefresh.delete(params.refresh_token ?? '')) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'Refresh token not found or invalid' });
        counts.refreshes += 1;
        return sendJson(ctx, 200, answer());
      }
      return sendJson(ctx, 400, { error: 'unsupported_grant_type' });
    },
  });

  return Object.assign(server, {
    refreshCount: () => counts.refreshes,
    mint,
    register: (token: string, ttl: number) => void access.set(token, Date.now() + ttl * 1000),
    isLiveAccessToken: (token: string) => (access.get(token) ?? 0) > Date.now(),
    authorize(authorizeUrl: string) {
      const q = new URL(authorizeUrl).searchParams;
      if (q.get('code') !== 'true') throw new Error('authorize: code=true (the code page) not asked for');
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) throw new Error('authorize: no S256 challenge');
      if (q.get('client_id') !== CLAUDE_CLIENT_ID) throw new Error('authorize: wrong client id');
      if (!q.get('scope')?.split(' ').includes('user:inference')) throw new Error('authorize: user:inference not asked for');
      const code = randomBytes(24).toString('base64url');
      const state = q.get('state') ?? '';
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '', state });
      return `${code}#${state}`;
    },
  });
}
